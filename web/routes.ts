// The server-rendered pages (DSFR, French). Each feature adds its router here.
import { Router, type Request } from 'express';
import { page, type PageOptions } from './layout.ts';
import { homeContent } from './pages/home.ts';
import { errorContent } from './pages/errors.ts';
import { accessibiliteContent, mentionsLegalesContent } from './pages/legal.ts';
import { cguContent } from './pages/cgu.ts';
import { csrfToken } from '../api/csrf.ts';

export function renderPage(req: Request, status: number): string {
  const { title, content } = errorContent(status);
  return page({ title, content, csrfToken: req.session?.csrfToken });
}

/** Pages with a form call csrfToken(req) themselves; anonymous pages without forms create no session. */
export function render(req: Request, opts: Omit<PageOptions, 'csrfToken'>): string {
  return page({ ...opts, csrfToken: opts.user && req.session ? csrfToken(req) : req.session?.csrfToken });
}

export function webRouter(): Router {
  const router = Router();
  router.get('/', (req, res) => {
    res.send(render(req, { title: 'Accueil', content: homeContent }));
  });
  router.get('/accessibilite', (req, res) => {
    res.send(render(req, { title: "Déclaration d'accessibilité", content: accessibiliteContent }));
  });
  router.get('/mentions-legales', (req, res) => {
    res.send(render(req, { title: 'Mentions légales', content: mentionsLegalesContent }));
  });
  router.get('/cgu', (req, res) => {
    res.send(render(req, { title: "Conditions générales d'utilisation", content: cguContent }));
  });
  router.post('/deconnexion', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.redirect(303, '/')));
  });
  return router;
}
