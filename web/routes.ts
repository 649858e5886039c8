// The server-rendered pages (DSFR, French). Each feature adds its router here.
import { Router } from 'express';
import { loadRoles, render } from './ui/render.ts';
import type { WebDeps } from './ui/deps.ts';
import { homeContent } from './pages/home.ts';
import { accessibiliteContent, mentionsLegalesContent } from './pages/legal.ts';
import { cguContent } from './pages/cgu.ts';
import { loadUser, tunnelSeulement } from '../api/auth/session.ts';
import { chargerStructures } from '../api/espace-aidant/structures.ts';
import { changerDeStructureRouter } from './espace-aidant/structure.ts';
import { structuresReferentRouter } from './espace-referent/structures.ts';
import { csrfToken } from '../api/csrf.ts';
import { loggedOutPage, logoutPage } from './auth/pages.ts';
import { loginRouter } from './auth/login-routes.ts';
import { firstConnectionRouter } from './auth/first-connection-routes.ts';
import { staffRouter } from './staff/routes.ts';
import { journalStaffRouter } from './staff/journal.ts';
import { espaceAidantRouter } from './espace-aidant/routes.ts';
import { espaceReferentRouter } from './espace-referent/routes.ts';
import { habilitationRouter } from './habilitation/router.ts';
import { mandatsRouter } from './mandats/routes.ts';
import { preuveRouter } from './mandats/preuve-routes.ts';
import { langueRouter } from './mandats/langue-routes.ts';
import { consentementRouter } from './mandats/consentement-routes.ts';
import { demarchesStructuresRouter } from './structures/demarches.ts';
import { interactionRouter } from './oidc/routes.ts';
import { statistiquesRouter } from './statistiques/routes.ts';
import { espaceUsagerRouter } from './espace-usager/routes.ts';
import { suiviSignalementsRouter } from './espace-usager/suivi-routes.ts';
import { staffStructuresRouter } from './staff/structures.ts';
import { alertesRouter } from './alertes/routes.ts';
import { horairesRouter } from './structures/horaires.ts';

export function webRouter(deps: WebDeps): Router {
  const router = Router();
  router.use(loadUser(deps.db));
  router.use(tunnelSeulement);
  router.use(chargerStructures(deps.db));
  router.use(loadRoles(deps.db));
  // First: FranceConnect waits on these pages (issue 19), and no router below has a middleware for their paths.
  if (deps.oidc) router.use(interactionRouter(deps, deps.oidc));
  router.use(loginRouter(deps));
  router.use(firstConnectionRouter(deps));
  router.use(staffRouter(deps));
  router.use(journalStaffRouter(deps));
  router.use(espaceAidantRouter(deps));
  router.use(changerDeStructureRouter(deps));
  router.use(structuresReferentRouter(deps));
  router.use(espaceReferentRouter(deps));
  router.use(habilitationRouter(deps));
  router.use(mandatsRouter(deps));
  router.use(preuveRouter(deps));
  router.use(langueRouter(deps));
  router.use(consentementRouter(deps));
  router.use(demarchesStructuresRouter(deps));
  router.use(statistiquesRouter(deps));
  router.use(staffStructuresRouter(deps));
  router.use(alertesRouter(deps));
  router.use(horairesRouter(deps));
  router.use(espaceUsagerRouter(deps));
  router.use(suiviSignalementsRouter(deps));
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
  // The session is deleted, then a page confirms it. (A flash in a fresh session would be saved a second
  // time by express-session after the redirect is sent, and could overwrite the next page's session.)
  router.post('/deconnexion', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.redirect(303, '/deconnexion')));
  });
  router.get('/deconnexion', (req, res) => {
    res.send(render(req, { title: req.aidant ? 'Se déconnecter' : 'Déconnexion réussie', content: req.aidant ? logoutPage(csrfToken(req)) : loggedOutPage }));
  });
  return router;
}
