// The server-rendered pages (DSFR, French). Each feature adds its router here.
import { Router, type Request } from 'express';
import { page, type PageOptions } from './layout.ts';
import { homeContent } from './pages/home.ts';
import { errorContent } from './pages/errors.ts';
import { accessibiliteContent, mentionsLegalesContent } from './pages/legal.ts';
import { cguContent } from './pages/cgu.ts';
import { csrfToken } from '../api/csrf.ts';
import { loadUser, takeFlash } from '../api/auth/session.ts';
import { loginRouter } from './auth/login-routes.ts';
import { firstConnectionRouter } from './auth/first-connection-routes.ts';
import { staffRouter } from './staff/routes.ts';
import { espaceAidantRouter } from './espace-aidant/routes.ts';
import { espaceReferentRouter } from './espace-referent/routes.ts';
import { habilitationRouter } from './habilitation/router.ts';
import type { Db } from '../db/connection.ts';
import type { TemporalClientProvider } from '../api/temporal-client.ts';
import type { Mailer } from '../activities/ports/mailer.ts';
import type { SmsSender } from '../activities/ports/sms.ts';

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

export interface WebDeps {
  db: Db;
  temporal: TemporalClientProvider;
  mailer: Mailer;
  sms: SmsSender;
  /** Absolute base URL of the site, for links in emails (e.g. https://aidantsconnect.beta.gouv.fr). */
  publicUrl: string;
}

export function webRouter(deps: WebDeps): Router {
  const router = Router();
  router.use(loadUser(deps.db));
  router.use(loginRouter(deps));
  router.use(firstConnectionRouter(deps));
  router.use(staffRouter(deps));
  router.use(espaceAidantRouter(deps));
  router.use(espaceReferentRouter(deps));
  router.use(habilitationRouter(deps));
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
