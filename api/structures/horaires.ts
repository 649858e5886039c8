// A structure's opening hours (db/domain/horaires.ts): set by its référents (espace référent) and by staff
// (the structure's page). Another structure's id is a 404 for a référent.
import type { Db } from '../../db/connection.ts';
import { lireHoraires, validerHoraires, type Horaires } from '../../db/domain/horaires.ts';
import { enregistrerHoraires, structuresAvecHoraires } from '../../db/queries/structures.ts';

export interface StructureHoraires {
  id: number;
  name: string;
  horaires: Horaires;
}

/** The structures whose hours this account may set: the référent's own, or the one asked for staff. */
export async function structuresHoraires(db: Db, compte: { id: number; is_staff: boolean }, structureId?: number): Promise<StructureHoraires[]> {
  return (await structuresAvecHoraires(db, compte, structureId)).map((s) => ({ id: s.id, name: s.name, horaires: lireHoraires(s.opening_hours) }));
}

export type ResultatHoraires = { ok: true; structure: StructureHoraires } | { ok: false; structure: StructureHoraires; erreurs: Record<string, string> } | null;

/** Validates and saves the form (journaled); null when the structure is not this account's. */
export async function modifierHoraires(db: Db, compte: { id: number; is_staff: boolean }, structureId: number, form: Record<string, unknown>): Promise<ResultatHoraires> {
  const [structure] = await structuresHoraires(db, compte, structureId);
  if (!structure) return null;
  const v = validerHoraires(form);
  if (!v.ok) return { ok: false, structure, erreurs: v.erreurs };
  await enregistrerHoraires(db, { structureId, parId: compte.id, horaires: v.horaires });
  return { ok: true, structure: { ...structure, horaires: { ...v.horaires, parDefaut: false } } };
}
