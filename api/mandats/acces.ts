// Who may work on mandats: a logged-in aidant allowed to create mandats, with a current structure. Every
// mandat and usager query is then scoped to that structure (db/queries/mandats.ts, read through api/mandats/consultation.ts).
import type { NextFunction, Request, Response } from 'express';
import { HttpError, requireLogin } from '../auth/session.ts';

export function requireAidantMandats(req: Request, res: Response, next: NextFunction): void {
  requireLogin(req, res, () => {
    const a = req.aidant!;
    // Removed from its current structure (or the structure closed) with others left: the aidant picks one.
    if (a.can_create_mandats && !a.current_structure_id && req.structuresAidant?.length) {
      return res.redirect(303, `/espace-aidant/structure?suivant=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!a.can_create_mandats || !a.current_structure_id) {
      return next(new HttpError(403, 'compte sans droit de créer des mandats'));
    }
    next();
  });
}

/** The structure every mandat query of this request is scoped to. */
export function structureCourante(req: Request): number {
  return req.aidant!.current_structure_id!;
}

/** Route ids are positive integers; anything else is simply not found. */
export function idDeRoute(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9][0-9]{0,9}$/.test(value) && Number(value) <= 2_147_483_647 ? Number(value) : null;
}
