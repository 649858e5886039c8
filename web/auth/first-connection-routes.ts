// Routes of a référent's first connection, and the tunnel that sets up their authenticator app.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { terminerPremiereConnexion, lienPremiereConnexionValable, demanderPremiereConnexion } from '../../api/auth/first-connection.ts';
import { dureeEnFrancais } from '../../db/domain/francais.ts';
import { flash, openSession } from '../../api/auth/session.ts';
import { DeviceError, enregistrerApplication } from '../../api/referent/devices.ts';
import { aUnMoyenDeConnexion } from '../../api/espace-aidant/compte.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { clearPendingSecret, enrolmentPage, pendingSecret, qrCodeDataUrl } from './enrolment.ts';
import { firstConnectionCodePage, firstConnectionExpiredPage, firstConnectionPage, firstConnectionSentPage } from './first-connection-pages.ts';
import { html } from '../ui/html.ts';
import { DUREE_PREMIERE_CONNEXION_MS } from '../../db/domain/authentification.ts';

export function firstConnectionRouter(deps: WebDeps): Router {
  const router = Router();
  const title = 'Première connexion';

  router.get('/premiere-connexion', (req, res) => {
    res.send(render(req, { title, content: firstConnectionPage({ csrf: csrfToken(req) }) }));
  });

  router.post('/premiere-connexion', async (req, res) => {
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const values = { email: text(req.body?.email), phone: text(req.body?.phone) };
    const result = await demanderPremiereConnexion(deps, { email: req.body?.email, phone: req.body?.phone, ip: req.ip ?? 'inconnue' });
    if (result.kind === 'format') return res.status(400).send(render(req, { title, content: firstConnectionPage({ csrf: csrfToken(req), values, errors: result.errors }) }));
    if (result.kind === 'limited') {
      res.set('Retry-After', String(Math.ceil(result.waitMs / 1000)));
      return res.status(429).send(render(req, { title, content: firstConnectionPage({ csrf: csrfToken(req), values, errors: { email: `Trop de tentatives. Réessayez dans ${dureeEnFrancais(result.waitMs)}.` } }) }));
    }
    res.send(render(req, { title, content: firstConnectionSentPage() }));
  });

  router.get('/premiere-connexion/lien/:token', async (req, res) => {
    if (!(await lienPremiereConnexionValable(deps.db, req.params.token))) return res.status(410).send(render(req, { title, content: firstConnectionExpiredPage() }));
    res.send(render(req, { title, content: firstConnectionCodePage({ csrf: csrfToken(req), action: req.originalUrl }) }));
  });

  router.post('/premiere-connexion/lien/:token', async (req, res, next) => {
    const result = await terminerPremiereConnexion(deps.db, req.params.token, req.body?.code);
    if (result.kind === 'expired') return res.status(410).send(render(req, { title, content: firstConnectionExpiredPage() }));
    if (result.kind === 'wrong_code') {
      if (result.attemptsLeft <= 0) return res.status(410).send(render(req, { title, content: firstConnectionExpiredPage() }));
      const error = `Ce code est incorrect. Il vous reste ${result.attemptsLeft} ${result.attemptsLeft > 1 ? 'essais' : 'essai'}.`;
      return res.status(401).send(render(req, { title, content: firstConnectionCodePage({ csrf: csrfToken(req), action: req.originalUrl, error }) }));
    }
    req.session.regenerate((err) => {
      if (err) return next(err);
      openSession(req, result.aidant);
      req.session.firstConnectionAt = Date.now();
      res.redirect(303, '/premiere-connexion/application');
    });
  });

  const intro = html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>Dernière étape : configurez l’application qui vous donnera un code à chaque connexion.</p></div>`;

  // Only right after a first connection (SMS code + link) and for an account without any device: replacing
  // an app, or setting one up for an aidant, goes through the espace référent behind a fresh code.
  const hasDevice = (aidantId: number) => aUnMoyenDeConnexion(deps.db, aidantId);
  const inTunnel = (at: number | undefined) => typeof at === 'number' && Date.now() - at < DUREE_PREMIERE_CONNEXION_MS;

  /**
   * Outside the tunnel (an ordinary session) the page is closed. A tunnel session whose account got a device
   * meanwhile (enrolled from elsewhere) is ended rather than turned into a full session.
   */
  const leaveTunnel = async (req: Request, res: Response): Promise<boolean> => {
    if (!inTunnel(req.session.firstConnectionAt)) {
      res.redirect(303, '/espace');
      return true;
    }
    if (await hasDevice(req.aidant!.id)) {
      delete req.session.aidantId;
      delete req.session.firstConnectionAt;
      res.redirect(303, '/connexion');
      return true;
    }
    return false;
  };

  router.get('/premiere-connexion/application', async (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    if (await leaveTunnel(req, res)) return;
    const secret = pendingSecret(req, req.aidant.id);
    res.send(render(req, { title, content: enrolmentPage({ csrf: csrfToken(req), action: req.originalUrl, who: '', qrSvgDataUrl: await qrCodeDataUrl(req.aidant.email, secret), secret, intro }) }));
  });

  router.post('/premiere-connexion/application', async (req, res) => {
    if (!req.aidant) return res.redirect(303, '/connexion');
    if (await leaveTunnel(req, res)) return;
    const secret = pendingSecret(req, req.aidant.id);
    try {
      await enregistrerApplication(deps.db, { referentId: req.aidant.id, structureId: req.aidant.current_structure_id }, req.aidant.id, secret, req.body?.code);
    } catch (err) {
      if (!(err instanceof DeviceError)) throw err;
      return res.status(400).send(render(req, { title, content: enrolmentPage({ csrf: csrfToken(req), action: req.originalUrl, who: '', qrSvgDataUrl: await qrCodeDataUrl(req.aidant.email, secret), secret, error: err.message, intro }) }));
    }
    clearPendingSecret(req);
    // The app is enrolled: the session is a full one from now on.
    delete req.session.firstConnectionAt;
    flash(req, 'success', 'Votre application est configurée. Utilisez-la à chaque connexion.');
    res.redirect(303, '/espace');
  });

  return router;
}
