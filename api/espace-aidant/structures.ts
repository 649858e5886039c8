// An aidant in several structures (db/domain/README.md#plusieurs-structures): on every request, the active
// structures the account belongs to are read again, so the header shows the current one and an aidant removed
// from a structure (or whose structure was closed) stops acting for it at their next request, whatever their
// session holds; and switching the current structure, which everything scoped follows (usagers, mandat
// creation, the identity provider's usager list all read aidants.current_structure_id). SQL: db/queries/appartenances.ts.
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/connection.ts';
import { changerStructureCourante, structuresActivesDe, type StructureActive } from '../../db/queries/appartenances.ts';
import { idStructure } from '../../db/domain/structures-aidant.ts';

export type { StructureActive } from '../../db/queries/appartenances.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The active structures of the logged-in account (not staff), by name. */
    structuresAidant?: StructureActive[];
  }
}

/** After loadUser: the account's active structures; a current structure it no longer belongs to counts as none. */
export const chargerStructures = (db: Db) => async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
  try {
    const a = req.aidant;
    if (a && !a.is_staff) {
      // Normally read with the session (loadUser); a query only when not.
      req.structuresAidant = req.compteSession?.structuresActives ?? (await structuresActivesDe(db, a.id));
      if (a.current_structure_id !== null && !req.structuresAidant.some((s) => s.id === a.current_structure_id)) a.current_structure_id = null;
    }
    next();
  } catch (err) {
    next(err);
  }
};

export type ResultatChangement = { ok: true; structure: StructureActive } | { ok: false; message: string };

/** The aidant chooses the structure they act for; a structure they do not belong to (forged form) changes nothing. */
export async function changerDeStructure(db: Db, aidantId: number, valeur: unknown): Promise<ResultatChangement> {
  const id = idStructure(valeur);
  const structures = await structuresActivesDe(db, aidantId);
  const structure = structures.find((s) => s.id === id);
  if (id === null || !structure) return { ok: false, message: 'Choisissez l’une de vos structures.' };
  if (!(await changerStructureCourante(db, aidantId, id))) return { ok: false, message: 'Choisissez l’une de vos structures.' };
  return { ok: true, structure };
}
