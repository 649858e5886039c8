// Routes of the espace usager (issue 21), all under /espace-usager, where the request carries the usager's
// own session (web/app.ts): an aidant's session is never read here, and this one never reaches an aidant page.
// Every id in a URL is checked against the logged-in usager (api/espace-usager/): another usager's mandat or
// journal entry is a 404. Downloads are `no-store` (the whole app is) and need the usager's session.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash } from '../../api/auth/session.ts';
import { idDeRoute } from '../../api/mandats/acces.ts';
import { chargerUsager, idTokenDeLaSession, ouvrirSessionUsager, requireUsager } from '../../api/espace-usager/session.ts';
import { aleaDeconnexion, commencerConnexionUsager, terminerConnexionUsager, urlDeconnexionFranceConnect, MESSAGES_CONNEXION_USAGER } from '../../api/espace-usager/connexion.ts';
import { csvActes, documentDuMandat, mesActes, mesMandats, monActe } from '../../api/espace-usager/consultation.ts';
import { cibleRevocation, revoquerEnLigne } from '../../api/espace-usager/revocation.ts';
import { MESSAGE_LIMITE_SIGNALEMENTS, signaler } from '../../api/espace-usager/signalements.ts';
import { exporterDonnees } from '../../api/espace-usager/export.ts';
import { aUneRevocation } from '../../api/mandats/preuve.ts';
import { stateCorrespond } from '../../api/franceconnect/index.ts';
import { urlVerification } from '../../db/domain/preuve-mandat.ts';
import { logger } from '../../db/platform/logger.ts';
import { render } from '../ui/render.ts';
import { errorContent } from '../ui/errors.ts';
import type { WebDeps } from '../ui/deps.ts';
import type { PageOptions } from '../ui/layout.ts';
import { pdfMandat } from '../mandats/pdf/mandat.ts';
import { pdfRevocation } from '../mandats/pdf/revocation.ts';
import {
  accueilPage, actesPage, aucunMandatPage, connexionImpossiblePage, dejaRevoquePage, deconnectePage, donneesPage, ESPACE_USAGER, mandatsPage,
  outilsUsager, revocationFaitePage, revocationPage, signalementPage,
} from './pages.ts';

const log = logger.child({ component: 'espace-usager' });

function envoyerFichier(res: Response, contenu: Buffer | string, type: string, nom: string): void {
  res.set({ 'Content-Type': type, 'Content-Disposition': `attachment; filename="${nom}"`, 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
  res.send(contenu);
}

export function espaceUsagerRouter(deps: WebDeps): Router {
  const router = Router();
  const franceConnect = deps.franceConnect.espaceUsager;
  router.use('/espace-usager', chargerUsager(deps.db));

  /** Every page of the space: the usager's own header tools, the space as parent in the fil d'Ariane. */
  const page = (req: Request, opts: Omit<PageOptions, 'csrfToken' | 'user' | 'path' | 'outils'>) =>
    render(req, { ...opts, outils: outilsUsager(req.usager, req.usager ? csrfToken(req) : undefined) });
  const introuvable = (req: Request, res: Response) =>
    res.status(404).send(render(req, { title: 'Page non trouvée', content: errorContent(404).content, outils: outilsUsager(req.usager, req.usager ? csrfToken(req) : undefined) }));
  const sousPage = (current: string) => ({ parents: [ESPACE_USAGER], current });
  const impossible = (req: Request, res: Response, status: number, message: string) =>
    res.status(status).send(page(req, { title: 'Connexion impossible', breadcrumb: sousPage('Connexion impossible'), content: connexionImpossiblePage(message) }));

  router.get('/espace-usager', async (req, res) => {
    if (!req.usager) return res.send(page(req, { title: 'Espace usager', breadcrumb: { current: 'Espace usager' }, content: accueilPage(csrfToken(req)) }));
    res.send(page(req, { title: 'Mes mandats — Espace usager', breadcrumb: { current: 'Espace usager' }, content: mandatsPage(req.usager, await mesMandats(deps.db, req.usager.id)) }));
  });

  router.post('/espace-usager/connexion', async (req, res) => {
    if (!franceConnect) return impossible(req, res, 503, MESSAGES_CONNEXION_USAGER.indisponible);
    try {
      const { url, attendu } = await commencerConnexionUsager(franceConnect);
      req.session.connexionUsager = attendu;
      res.redirect(303, url);
    } catch (err) {
      log.error({ err }, 'FranceConnect injoignable');
      impossible(req, res, 503, MESSAGES_CONNEXION_USAGER.indisponible);
    }
  });

  // FranceConnect sends the usager back here with a code (or an error).
  router.get('/espace-usager/franceconnect', async (req, res, next) => {
    if (!franceConnect) return impossible(req, res, 503, MESSAGES_CONNEXION_USAGER.indisponible);
    // A state is used once, whatever the outcome — but only a return carrying this browser's state consumes
    // it (as at mandat creation, api/franceconnect/client.ts stateCorrespond): a stray GET with another state
    // must not void the genuine return.
    const enCours = req.session.connexionUsager;
    const attendu = enCours && stateCorrespond(req.query.state, enCours.state) ? enCours : undefined;
    if (attendu) delete req.session.connexionUsager;
    const issue = await terminerConnexionUsager(deps.db, franceConnect, attendu, new URL(req.originalUrl, 'http://retour.invalid'));
    if (!issue.ok && issue.raison === 'erreur') {
      delete req.session.usager;
      return impossible(req, res, issue.status, issue.message);
    }
    // A fresh session (no fixation): the usager's, or only the page to show after FranceConnect's logout.
    req.session.regenerate(async (err) => {
      if (err) return next(err);
      const state = aleaDeconnexion();
      if (issue.ok) {
        ouvrirSessionUsager(req, issue.usagerId, issue.idToken);
        flash(req, 'success', 'Vous êtes connecté à votre espace usager.');
        return res.redirect(303, '/espace-usager');
      }
      // Nobody to show anything to: FranceConnect's session ends at once, nothing is kept about the person.
      req.session.finUsager = { state, raison: 'aucun-mandat' };
      const url = await urlDeconnexionFranceConnect(franceConnect, issue.idToken, state);
      res.redirect(303, url ?? '/espace-usager/deconnecte');
    });
  });

  router.post('/espace-usager/deconnexion', async (req, res) => {
    const idToken = idTokenDeLaSession(req);
    const expiree = !req.usager && Boolean(idToken);
    const state = aleaDeconnexion();
    req.session.regenerate(async () => {
      req.session.finUsager = { state, raison: expiree ? 'expiree' : 'deconnexion' };
      const url = idToken && franceConnect ? await urlDeconnexionFranceConnect(franceConnect, idToken, state) : null;
      res.redirect(303, url ?? '/espace-usager/deconnecte');
    });
  });

  // FranceConnect's post-logout redirect (and our own when FranceConnect could not be reached).
  router.get('/espace-usager/deconnecte', (req, res) => {
    const fin = req.session.finUsager;
    delete req.session.finUsager;
    delete req.session.usager;
    if (fin?.raison === 'aucun-mandat') {
      return res.send(page(req, { title: 'Aucun mandat à votre nom', breadcrumb: sousPage('Aucun mandat'), content: aucunMandatPage() }));
    }
    res.send(page(req, { title: 'Déconnexion', breadcrumb: sousPage('Déconnexion'), content: deconnectePage(fin?.raison === 'expiree') }));
  });

  const connecte = Router();
  connecte.use('/espace-usager', requireUsager);

  const mandatDeRoute = (req: Request) => idDeRoute(req.params.id);

  connecte.get('/espace-usager/mandats/:id/mandat.pdf', async (req, res) => {
    const id = mandatDeRoute(req);
    const d = id ? await documentDuMandat(deps.db, req.usager!.id, id) : null;
    if (!d) return introuvable(req, res);
    envoyerFichier(res, await pdfMandat(d, d.code ? urlVerification(deps.publicUrl, d.code) : null), 'application/pdf', `mandat-${d.id}.pdf`);
  });

  connecte.get('/espace-usager/mandats/:id/attestation-revocation.pdf', async (req, res) => {
    const id = mandatDeRoute(req);
    const d = id ? await documentDuMandat(deps.db, req.usager!.id, id) : null;
    if (!d || !aUneRevocation(d)) return introuvable(req, res);
    const pdf = await pdfRevocation(d, d.code ? urlVerification(deps.publicUrl, d.code) : null);
    if (!pdf) return introuvable(req, res);
    envoyerFichier(res, pdf, 'application/pdf', `attestation-revocation-mandat-${d.id}.pdf`);
  });

  /** ?autorisation= (GET) or the form's field (POST): one démarche; absent: the whole mandat. */
  const cible = (req: Request) => {
    const mandatId = mandatDeRoute(req);
    if (!mandatId) return null;
    const brut = req.method === 'GET' ? req.query.autorisation : req.body?.autorisation;
    if (brut === undefined || brut === '') return { mandatId };
    const autorisationId = idDeRoute(brut);
    return autorisationId ? { mandatId, autorisationId } : null;
  };

  connecte.get('/espace-usager/mandats/:id/revoquer', async (req, res) => {
    const c = cible(req);
    const detail = c ? await cibleRevocation(deps.db, req.usager!.id, c.mandatId, c.autorisationId) : null;
    if (!c || !detail) return introuvable(req, res);
    if (!detail.demarches.length) return res.send(page(req, { title: 'Rien à révoquer', breadcrumb: sousPage('Révoquer'), content: dejaRevoquePage(c.mandatId) }));
    res.send(page(req, { title: c.autorisationId === undefined ? 'Révoquer le mandat' : 'Révoquer une démarche', breadcrumb: sousPage('Révoquer'), content: revocationPage(csrfToken(req), detail) }));
  });

  connecte.post('/espace-usager/mandats/:id/revoquer', async (req, res) => {
    const c = cible(req);
    if (!c) return introuvable(req, res);
    const r = await revoquerEnLigne(deps.db, deps.temporal, deps.publicUrl, { usagerId: req.usager!.id, ...c });
    if (!r.ok) {
      if (r.raison === 'introuvable') return introuvable(req, res);
      return res.status(409).send(page(req, { title: 'Rien à révoquer', breadcrumb: sousPage('Révoquer'), content: dejaRevoquePage(c.mandatId) }));
    }
    res.redirect(303, `/espace-usager/mandats/${c.mandatId}/revocation?fin=${r.mandatClos ? 'mandat' : 'demarche'}`);
  });

  connecte.get('/espace-usager/mandats/:id/revocation', async (req, res) => {
    const id = mandatDeRoute(req);
    const d = id ? await documentDuMandat(deps.db, req.usager!.id, id) : null;
    if (!d || !aUneRevocation(d)) return introuvable(req, res);
    res.send(page(req, { title: 'Révocation enregistrée', breadcrumb: sousPage('Révocation enregistrée'), content: revocationFaitePage(d.id, req.query.fin === 'mandat' || d.statut === 'revoked') }));
  });

  connecte.get('/espace-usager/actes', async (req, res) => {
    const n = typeof req.query.page === 'string' && /^[1-9][0-9]{0,5}$/.test(req.query.page) ? Number(req.query.page) : 1;
    res.send(page(req, { title: 'Ce qui a été fait en mon nom', breadcrumb: sousPage('Ce qui a été fait en mon nom'), content: actesPage(await mesActes(deps.db, req.usager!.id, n)) }));
  });

  connecte.get('/espace-usager/actes.csv', async (req, res) => {
    envoyerFichier(res, await csvActes(deps.db, req.usager!.id), 'text/csv; charset=utf-8', 'actions-en-mon-nom.csv');
  });

  const formulaireSignalement = async (req: Request, res: Response, status: number, extra: { erreurs?: Record<string, string>; message?: string } = {}) => {
    const id = idDeRoute(req.params.id);
    const acte = id ? await monActe(deps.db, req.usager!.id, id) : null;
    if (!acte) return introuvable(req, res);
    res.status(status).send(page(req, {
      title: 'Je ne reconnais pas cette action',
      breadcrumb: { parents: [ESPACE_USAGER, { label: 'Ce qui a été fait en mon nom', href: '/espace-usager/actes' }], current: 'Signaler une action' },
      content: signalementPage({
        csrf: csrfToken(req), acte, ...extra,
        motif: typeof req.body?.motif === 'string' ? req.body.motif : undefined,
        precision: typeof req.body?.precision === 'string' ? req.body.precision.slice(0, 2000) : undefined,
      }),
    }));
  };

  connecte.get('/espace-usager/actes/:id/signaler', async (req, res) => {
    const id = idDeRoute(req.params.id);
    const acte = id ? await monActe(deps.db, req.usager!.id, id) : null;
    if (!acte) return introuvable(req, res);
    if (acte.signale) {
      flash(req, 'info', 'Vous avez déjà signalé cette action : la structure et l’équipe Aidants Connect en sont prévenues.');
      return res.redirect(303, `/espace-usager/actes#acte-${acte.id}`);
    }
    await formulaireSignalement(req, res, 200);
  });

  connecte.post('/espace-usager/actes/:id/signaler', async (req, res) => {
    const id = idDeRoute(req.params.id);
    if (!id) return introuvable(req, res);
    const r = await signaler(deps.db, deps.publicUrl, { usagerId: req.usager!.id, journalId: id, body: req.body });
    if (r.ok) {
      flash(req, 'success', 'Votre signalement est envoyé : la structure et l’équipe Aidants Connect vont vérifier cette action.');
      return res.redirect(303, `/espace-usager/actes#acte-${id}`);
    }
    if (r.raison === 'introuvable') return introuvable(req, res);
    if (r.raison === 'invalide') return formulaireSignalement(req, res, 400, { erreurs: r.erreurs });
    if (r.raison === 'limite') {
      res.set('Retry-After', '3600');
      return formulaireSignalement(req, res, 429, { message: MESSAGE_LIMITE_SIGNALEMENTS });
    }
    flash(req, 'info', 'Vous avez déjà signalé cette action : la structure et l’équipe Aidants Connect en sont prévenues.');
    res.redirect(303, `/espace-usager/actes#acte-${id}`);
  });

  connecte.get('/espace-usager/mes-donnees', (req, res) => {
    res.send(page(req, { title: 'Mes données', breadcrumb: sousPage('Mes données'), content: donneesPage(req.usager!) }));
  });

  connecte.get('/espace-usager/mes-donnees.json', async (req, res) => {
    const donnees = await exporterDonnees(deps.db, req.usager!.id);
    if (!donnees) return introuvable(req, res);
    envoyerFichier(res, JSON.stringify(donnees, null, 2), 'application/json; charset=utf-8', 'mes-donnees-aidants-connect.json');
  });

  router.use(connecte);
  return router;
}

