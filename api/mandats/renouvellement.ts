// Renewing a mandat (db/domain/README.md#renouvellement): for a usager whose mandat with the structure is active or ended less than
// 365 days ago, the same form without FranceConnect (the stored identity is reused), journaled
// `init_renew_mandat`; the recap then creates a brand-new mandat.
import type { Db } from '../../db/connection.ts';
import { DUREES_MANDAT, estRenouvelable, type DureeMandat, type StatutMandat } from '../../db/domain/mandat.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import type { IdentitePivot } from '../../db/domain/usager.ts';

/** The usager, when one of their mandats with the structure is renewable. */
export async function mandatRenouvelable(db: Db, structureId: number, usagerId: number) {
  const mandats: { status: StatutMandat; ended_at: Date | null }[] = await db('mandats').where({ structure_id: structureId, usager_id: usagerId }).select('status', 'ended_at');
  const maintenant = new Date();
  if (!mandats.some((m) => estRenouvelable(m, maintenant))) return null;
  return (await db('usagers').where({ id: usagerId }).first<{ id: number; given_name: string; family_name: string; preferred_username: string | null } | undefined>('id', 'given_name', 'family_name', 'preferred_username')) ?? null;
}

export async function commencerRenouvellement(
  db: Db,
  r: { aidantId: number; structureId: number; usagerId: number; demarches: Demarche[]; duree: DureeMandat },
): Promise<void> {
  await db('journal').insert({
    action: 'init_renew_mandat', aidant_id: r.aidantId, structure_id: r.structureId, usager_id: r.usagerId,
    demarche: [...r.demarches].sort().join(','), duree: DUREES_MANDAT[r.duree].jours,
  });
}

/** The stored pivot identity of a usager linked to the structure by a mandat. */
export async function identiteUsager(db: Db, structureId: number, usagerId: number): Promise<IdentitePivot | null> {
  const row = await db('usagers')
    .where({ id: usagerId })
    .whereExists(db('mandats').whereRaw('mandats.usager_id = usagers.id').where({ structure_id: structureId }))
    .first('given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email');
  return (row as IdentitePivot | undefined) ?? null;
}
