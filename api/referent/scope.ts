// Every référent query is scoped to the structures the référent manages: an aidant of another structure is
// simply not found (404), whatever id is typed in the URL.
import type { Db } from '../../db/connection.ts';
import type { Aidant } from '../../db/models/index.ts';
import { aidantParId } from '../../db/queries/authentification.ts';
import { structureCommune } from '../../db/queries/referent.ts';
import { HttpError } from '../auth/session.ts';

export async function aidantInScope(db: Db, structureIds: number[], aidantId: unknown): Promise<{ aidant: Aidant; structureId: number }> {
  if (typeof aidantId !== 'string' || !/^[1-9][0-9]{0,8}$/.test(aidantId)) throw new HttpError(404, 'aidant introuvable');
  const id = Number(aidantId);
  const row = await structureCommune(db, id, structureIds);
  const aidant = row ? await aidantParId(db, id) : undefined;
  if (!row || !aidant || aidant.is_staff) throw new HttpError(404, 'aidant introuvable');
  return { aidant, structureId: aidant.current_structure_id && structureIds.includes(aidant.current_structure_id) ? aidant.current_structure_id : row.structure_id };
}

// The team of the référent's structures, scoped to them (db/queries/referent.ts).
export { aidantsDesStructures, type AidantRow } from '../../db/queries/referent.ts';
