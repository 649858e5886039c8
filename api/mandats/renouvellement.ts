// Renewing a mandat (db/domain/README.md#renouvellement): for a usager whose mandat with the structure is active or ended less than
// 365 days ago, the same form without FranceConnect (the stored identity is reused), journaled
// `init_renew_mandat`; the recap then creates a brand-new mandat.
import type { Db } from '../../db/connection.ts';
import { DUREES_MANDAT, estDureeMandat, estRenouvelable, type DureeMandat } from '../../db/domain/mandat.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { finsDesMandatsDeLUsager, mandatARenouveler, usagerResume } from '../../db/queries/mandats.ts';

// The recap reads the stored identity of a renewal's usager.
export { identiteUsager } from '../../db/queries/mandats.ts';

/** The usager, when one of their mandats with the structure is renewable. */
export async function mandatRenouvelable(db: Db, structureId: number, usagerId: number) {
  const mandats = await finsDesMandatsDeLUsager(db, structureId, usagerId);
  const maintenant = new Date();
  if (!mandats.some((m) => estRenouvelable(m, maintenant))) return null;
  return usagerResume(db, usagerId);
}

/**
 * « Renouveler » on a mandat (issue 18): the renewal form starts from it, its démarches (those still covered,
 * or all of them when every one was revoked; only those the structure still allows) and its duration
 * preselected. Null when the mandat is not the structure's or no longer renewable.
 */
export async function renouvellementDuMandat(db: Db, structureId: number, mandatId: number, demarchesAutorisees: readonly Demarche[], maintenant = new Date()) {
  const m = await mandatARenouveler(db, structureId, mandatId);
  if (!m || !estRenouvelable(m, maintenant)) return null;
  const usager = await usagerResume(db, m.usager_id);
  if (!usager) return null;
  const couvertes = m.autorisations.filter((a) => !a.revoked_at);
  const demarches = (couvertes.length ? couvertes : m.autorisations).map((a) => a.demarche).filter((d) => demarchesAutorisees.includes(d));
  return { usager, demarches: [...new Set(demarches)], duree: estDureeMandat(m.duree_keyword) ? m.duree_keyword : undefined };
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
