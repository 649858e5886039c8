// The mandat's language (issue 22, migration 015): read and chosen, always scoped to the structure like every
// mandat query (another structure's mandat is not found). Kept apart from the proof's queries: the language is
// not part of the proof hash.
import type { Db } from '../connection.ts';

export interface LangueMandat {
  id: number;
  usager_id: number;
  /** Null for a mandat from before versioned templates (it prints with the template in force). */
  template_version: string | null;
  langue: string | null;
}

export async function langueDuMandat(db: Db, structureId: number, mandatId: number): Promise<LangueMandat | null> {
  return (await db('mandats')
    .where({ id: mandatId, structure_id: structureId })
    .first<LangueMandat | undefined>('id', 'usager_id', 'template_version', 'langue')) ?? null;
}

/** Sets (or clears, with null) the language; false when the mandat is not the structure's. */
export async function changerLangueMandat(db: Db, structureId: number, mandatId: number, langue: string | null): Promise<boolean> {
  const n = await db('mandats').where({ id: mandatId, structure_id: structureId }).update({ langue });
  return n === 1;
}
