// All SQL of structures as the pages see them (api/structures/, api/espace-aidant/): one structure, and the
// démarches it allows, set by its référents or by staff.
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';

export interface StructureDeLAidant {
  id: number;
  name: string;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  allowed_demarches: Demarche[];
}

export async function structureParId(db: Db, structureId: number): Promise<StructureDeLAidant | null> {
  return (await db('structures').where({ id: structureId }).first()) ?? null;
}

export interface StructureDemarches {
  id: number;
  name: string;
  allowed_demarches: Demarche[];
}

/** Active structures whose démarches this account may set (the référent's own, or any for staff), 100 at most. */
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
