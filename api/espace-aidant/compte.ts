// What the aidant's own page reads: their current structure and their confirmed means of connection
// (the SQL: db/queries/structures.ts and db/queries/cartes.ts).
import type { Db } from '../../db/connection.ts';
import { structureParId, type StructureDeLAidant } from '../../db/queries/structures.ts';

export type { StructureDeLAidant } from '../../db/queries/structures.ts';
export { aUnMoyenDeConnexion, moyensDeConnexion, type MoyenDeConnexion } from '../../db/queries/cartes.ts';

export async function structureCourante(db: Db, structureId: number | null | undefined): Promise<StructureDeLAidant | null> {
  if (!structureId) return null;
  return structureParId(db, structureId);
}
