// The démarches a structure allows (db/domain/README.md#démarches): set by its référents and by staff. A démarche removed
// later does not revoke existing autorisations; it only cannot be chosen for new mandats. The SQL:
// db/queries/structures.ts.
import { estDemarche, TOUTES_LES_DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';

export function validerDemarchesStructure(saisie: unknown): { ok: true; demarches: Demarche[] } | { ok: false; erreur: string } {
  const brutes = [saisie ?? []].flat().map(String);
  if (brutes.some((d) => !estDemarche(d))) return { ok: false, erreur: 'Une des démarches n’existe pas.' };
  // Stored in the display order of the démarches.
  const demarches = TOUTES_LES_DEMARCHES.filter((d) => brutes.includes(d));
  if (!demarches.length) return { ok: false, erreur: 'Gardez au moins une démarche autorisée.' };
  return { ok: true, demarches };
}

export { modifierDemarchesAutorisees, structureModifiable, structuresModifiables, type StructureDemarches } from '../../db/queries/structures.ts';
