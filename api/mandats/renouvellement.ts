// Renewing a mandat (db/domain/README.md#renouvellement): for a usager whose mandat with the structure is active or ended less than
// 365 days ago, the same form without FranceConnect (the stored identity is reused), journaled
// `init_renew_mandat`; the recap then creates a brand-new mandat.
import type { Db } from '../../db/connection.ts';
import { DUREES_MANDAT, estRenouvelable, type DureeMandat } from '../../db/domain/mandat.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { finsDesMandatsDeLUsager, usagerResume } from '../../db/queries/mandats.ts';

// The recap reads the stored identity of a renewal's usager.
export { identiteUsager } from '../../db/queries/mandats.ts';

/** The usager, when one of their mandats with the structure is renewable. */
export async function mandatRenouvelable(db: Db, structureId: number, usagerId: number) {
  const mandats = await finsDesMandatsDeLUsager(db, structureId, usagerId);
  const maintenant = new Date();
  if (!mandats.some((m) => estRenouvelable(m, maintenant))) return null;
  return usagerResume(db, usagerId);
}

export async function commencerRenouvellement(
  db: Db,
  r: { aidantId: number; structureId: number; usagerId: number; demarches: Demarche[]; duree: DureeMandat },
): Promise<void> {
  await journaliser(db, {
    action: 'init_renew_mandat', aidant_id: r.aidantId, structure_id: r.structureId, usager_id: r.usagerId,
    demarche: [...r.demarches].sort().join(','), duree: DUREES_MANDAT[r.duree].jours,
  });
}
