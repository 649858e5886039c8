// Rendering a page for a request: the logged-in account (and its roles, for the header's navigation), flash
// notices, the requested path and the CSRF token of its session.
// Every router imports this (not web/routes.ts, which imports every router).
import type { NextFunction, Request, Response } from 'express';
import { page, type PageOptions, type PageUser } from './layout.ts';
import { errorContent } from './errors.ts';
import { csrfToken } from '../../api/csrf.ts';
import { referentStructureIds, takeFlash } from '../../api/auth/session.ts';
import type { Db } from '../../db/connection.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The logged-in account manages a structure: the header shows the espace référent. */
    estReferent?: boolean;
  }
}

/** After loadUser: whether the account is a référent, for the navigation of every page. */
export const loadRoles = (db: Db) => async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
  if (req.aidant && !req.aidant.is_staff) req.estReferent = req.compteSession?.estReferent ?? ((await referentStructureIds(db, req.aidant.id)).length > 0);
  next();
};

function pageUser(req: Request): PageUser | null {
  const a = req.aidant;
  if (!a) return null;
  const structures = req.structuresAidant ?? [];
  const courante = structures.find((s) => s.id === a.current_structure_id);
  const structure = a.is_staff || !structures.length ? null : { nom: courante?.name ?? 'Choisir une structure', plusieurs: structures.length > 1 || !courante };
  return { fullName: a.fullName, isStaff: a.is_staff, isReferent: req.estReferent === true, isAidant: !a.is_staff && !a.referent_non_aidant, structure };
}

/** Error pages (404, 403, 419, 500…). */
export function renderPage(req: Request, status: number): string {
  const { title, content } = errorContent(status);
  const user = pageUser(req);
  return page({ title, content, user, path: req.path, csrfToken: user && req.session ? csrfToken(req) : req.session?.csrfToken });
}

/** Pages with a form call csrfToken(req) themselves; anonymous pages without forms create no session. */
export function render(req: Request, opts: Omit<PageOptions, 'csrfToken' | 'user' | 'path'>): string {
  const user = pageUser(req);
  const notices = [...takeFlash(req), ...(opts.notices ?? [])];
  return page({ ...opts, user, notices, path: req.path, csrfToken: user && req.session ? csrfToken(req) : req.session?.csrfToken });
}
