// Rendering a page for a request: the logged-in account, flash notices and the CSRF token of its session.
// Every router imports this (not web/routes.ts, which imports every router).
import type { Request } from 'express';
import { page, type PageOptions } from './layout.ts';
import { errorContent } from './pages/errors.ts';
import { csrfToken } from '../api/csrf.ts';
import { takeFlash } from '../api/auth/session.ts';

/** Error pages (404, 403, 419, 500…). */
export function renderPage(req: Request, status: number): string {
  const { title, content } = errorContent(status);
  return page({ title, content, csrfToken: req.session?.csrfToken });
}

/** Pages with a form call csrfToken(req) themselves; anonymous pages without forms create no session. */
export function render(req: Request, opts: Omit<PageOptions, 'csrfToken' | 'user'>): string {
  const user = req.aidant ? { fullName: req.aidant.fullName, isStaff: req.aidant.is_staff } : null;
  const notices = [...takeFlash(req), ...(opts.notices ?? [])];
  return page({ ...opts, user, notices, csrfToken: user && req.session ? csrfToken(req) : req.session?.csrfToken });
}
