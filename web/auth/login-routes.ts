// Routes of login, magic link, re-authentication, CGU acceptance and the landing page by role.
import { Router, type Request } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { completeLogin, requestLogin } from '../../api/auth/login.ts';
import { lienConnexionValable } from '../../api/auth/magic-link.ts';
import { verifierCodeFrais } from '../../api/auth/code-frais.ts';
import { dureeEnFrancais } from '../../db/domain/francais.ts';
import { flash, openSession, referentStructureIds, safeNext } from '../../api/auth/session.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { enregistrerAcceptationCgu } from '../../api/auth/cgu.ts';
import { journaliserVerification } from '../../api/auth/reauthentication.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { acceptCguPage, confirmLinkPage, freshCodePage, invalidLinkPage, linkSentPage, loginPage } from './pages.ts';

const GENERIC_REFUSAL = 'L’adresse e-mail ou le code est incorrect. Vérifiez-les et réessayez.';

const nextOf = (req: Request) => safeNext(req.query.suivant, '');

export function loginRouter(deps: WebDeps): Router {
  const router = Router();

  router.get('/connexion', (req, res) => {
    if (req.aidant) return res.redirect(303, '/espace');
    res.send(render(req, { title: 'Se connecter', content: loginPage({ csrf: csrfToken(req), next: nextOf(req) }) }));
  });

  router.post('/connexion', async (req, res) => {
    const next = nextOf(req);
    const result = await requestLogin(deps, { email: req.body?.email, code: req.body?.code, ip: req.ip ?? 'inconnue', next: next || null });
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    const again = (status: number, errors: Record<string, string>) =>
      res.status(status).send(render(req, { title: 'Se connecter', content: loginPage({ csrf: csrfToken(req), email, errors, next }) }));
    switch (result.kind) {
      case 'sent':
        return res.send(render(req, { title: 'Lien envoyé', content: linkSentPage(result.email) }));
      case 'format':
        return again(400, result.errors);
      case 'invalid':
        return again(401, { code: GENERIC_REFUSAL });
      case 'inactive':
        return again(403, { email: 'Votre compte est désactivé. Contactez le référent Aidants Connect de votre structure pour le réactiver.' });
      case 'suspendue':
        return again(403, { email: 'Votre structure est suspendue par l’équipe Aidants Connect : vous ne pouvez pas vous connecter pour le moment. Votre référent a reçu le motif par courriel.' });
      case 'limited':
        res.set('Retry-After', String(Math.ceil(result.waitMs / 1000)));
        return again(429, { code: `Trop de tentatives. Réessayez dans ${dureeEnFrancais(result.waitMs)}.` });
    }
  });

  router.get('/connexion/lien/:token', async (req, res) => {
    if (!(await lienConnexionValable(deps.db, req.params.token))) {
      return res.status(410).send(render(req, { title: 'Lien expiré', content: invalidLinkPage() }));
    }
    // A page with a button rather than an immediate login: mail scanners that open links do not use it up.
    res.send(render(req, { title: 'Se connecter', content: confirmLinkPage(csrfToken(req), req.params.token) }));
  });

  router.post('/connexion/lien/:token', async (req, res, next) => {
    const done = await completeLogin(deps.db, req.params.token);
    if (!done) return res.status(410).send(render(req, { title: 'Lien expiré', content: invalidLinkPage() }));
    req.session.regenerate((err) => {
      if (err) return next(err);
      openSession(req, done.aidant);
      res.redirect(303, safeNext(done.nextPath, '/espace'));
    });
  });

  router.get('/verification', (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    res.send(render(req, { title: 'Confirmez votre identité', content: freshCodePage({ csrf: csrfToken(req), next: safeNext(req.query.suivant, '/espace') }) }));
  });

  router.post('/verification', async (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    const next = safeNext(req.query.suivant, '/espace');
    const again = (status: number, error: string) =>
      res.status(status).send(render(req, { title: 'Confirmez votre identité', content: freshCodePage({ csrf: csrfToken(req), next, error }) }));
    const check = await verifierCodeFrais(deps.db, req.aidant, req.body?.code, req.ip ?? 'inconnue');
    if (!check.ok) return again(check.status, check.message);
    req.session.lastActivityCheckAt = Date.now();
    await journaliserVerification(deps.db, req.aidant);
    res.redirect(303, next);
  });

  router.get('/cgu/accepter', (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    res.send(render(req, { title: "Conditions générales d'utilisation", content: acceptCguPage({ csrf: csrfToken(req), next: safeNext(req.query.suivant, '/espace'), previous: req.aidant.cgu_version }) }));
  });

  router.post('/cgu/accepter', async (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    const next = safeNext(req.query.suivant, '/espace');
    if (req.body?.accepter !== 'oui') {
      return res.status(400).send(render(req, {
        title: "Conditions générales d'utilisation",
        content: acceptCguPage({ csrf: csrfToken(req), next, previous: req.aidant.cgu_version, error: 'Cochez la case pour accepter les conditions générales d’utilisation.' }),
      }));
    }
    await enregistrerAcceptationCgu(deps.db, req.aidant.id);
    flash(req, 'success', 'Merci, vous avez accepté les conditions générales d’utilisation.');
    res.redirect(303, next);
  });

  // After login: the page that fits the account's role.
  router.get('/espace', async (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    if (req.aidant.cgu_version !== VERSION_CGU) return res.redirect(303, '/cgu/accepter?suivant=/espace');
    if (req.aidant.is_staff) return res.redirect(303, '/staff');
    if ((await referentStructureIds(deps.db, req.aidant.id)).length) return res.redirect(303, '/espace-referent');
    res.redirect(303, '/espace-aidant');
  });

  return router;
}
