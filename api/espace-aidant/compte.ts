// What the aidant's own page reads: their current structure and their confirmed means of connection.
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';

export interface StructureDeLAidant {
  id: number;
  name: string;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  allowed_demarches: Demarche[];
}

export async function structureCourante(db: Db, structureId: number | null | undefined): Promise<StructureDeLAidant | null> {
  if (!structureId) return null;
  return (await db('structures').where({ id: structureId }).first()) ?? null;
}

export interface MoyenDeConnexion {
  kind: 'card' | 'app';
  serial_number: string | null;
}

/** The confirmed devices (cards and apps) the aidant can log in with. */
export async function moyensDeConnexion(db: Db, aidantId: number): Promise<MoyenDeConnexion[]> {
  return db('totp_devices').leftJoin('totp_cards', 'totp_cards.id', 'totp_devices.card_id')
    .where({ aidant_id: aidantId, confirmed: true }).select('kind', 'serial_number');
}

export async function aUnMoyenDeConnexion(db: Db, aidantId: number): Promise<boolean> {
  return Boolean(await db('totp_devices').where({ aidant_id: aidantId, confirmed: true }).first('id'));
}
