// The figures of the staff home page (api/staff/statistiques.ts).
import type { Db } from '../connection.ts';

export interface StatistiquesEquipe {
  cartes: number;
  cartesLibres: number;
  aidantsActifs: number;
  structures: number;
}

export async function statistiquesEquipe(db: Db): Promise<StatistiquesEquipe> {
  const one = async (q: Promise<{ n: number | string }[]>) => Number((await q)[0].n);
  const [cartes, cartesLibres, aidantsActifs, structures] = await Promise.all([
    one(db('totp_cards').count({ n: '*' })),
    one(db('totp_cards').whereNotExists(db('totp_devices').whereRaw('totp_devices.card_id = totp_cards.id')).count({ n: '*' })),
    one(db('aidants').where({ is_active: true, is_staff: false }).count({ n: '*' })),
    one(db('structures').where({ is_active: true }).count({ n: '*' })),
  ]);
  return { cartes, cartesLibres, aidantsActifs, structures };
}
