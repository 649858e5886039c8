// The démarches a structure allows (db/domain/README.md#démarches): set by its référents and by staff. A démarche removed
// later does not revoke existing autorisations; it only cannot be chosen for new mandats.
import type { Db } from '../../db/connection.ts';
import { estDemarche, TOUTES_LES_DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';

export function validerDemarchesStructure(saisie: unknown): { ok: true; demarches: Demarche[] } | { ok: false; erreur: string } {
  const brutes = [saisie ?? []].flat().map(String);
  if (brutes.some((d) => !estDemarche(d))) return { ok: false, erreur: 'Une des démarches n’existe pas.' };
  // Stored in the display order of the démarches.
  const demarches = TOUTES_LES_DEMARCHES.filter((d) => brutes.includes(d));
  if (!demarches.length) return { ok: false, erreur: 'Gardez au moins une démarche autorisée.' };
  return { ok: true, demarches };
}

export interface StructureDemarches {
  id: number;
  name: string;
  allowed_demarches: Demarche[];
}

/** Structures whose démarches this account may set: the référent's own, or any for staff. */
export async function structuresModifiables(db: Db, compte: { id: number; is_staff: boolean }, recherche = ''): Promise<StructureDemarches[]> {
  const q = db('structures').where({ is_active: true }).orderBy('name').limit(100).select('id', 'name', 'allowed_demarches');
  if (!compte.is_staff) q.whereIn('id', db('referent_structures').where({ aidant_id: compte.id }).select('structure_id'));
  if (recherche.trim()) q.andWhere((w) => w.whereILike('name', `%${recherche.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`).orWhere('siret', recherche.trim()));
  return q;
}

export async function structureModifiable(db: Db, compte: { id: number; is_staff: boolean }, structureId: number): Promise<StructureDemarches | null> {
  const q = db('structures').where({ id: structureId, is_active: true }).first('id', 'name', 'allowed_demarches');
  if (!compte.is_staff) q.whereIn('id', db('referent_structures').where({ aidant_id: compte.id }).select('structure_id'));
  return (await q) ?? null;
}

export async function modifierDemarchesAutorisees(db: Db, structureId: number, demarches: Demarche[]): Promise<void> {
  await db('structures').where({ id: structureId }).update({ allowed_demarches: demarches });
}
