// Routes of a remote mandat's consent request (db/domain/README.md#consentement-par-sms): the waiting page, its JSON state (polled by the
// page's script), retrying a failed SMS, and continuing after consent (FranceConnect, then the usual recap).
// Everything is scoped to the aidant's current structure: another structure's request is a 404, in HTML and
// in JSON alike. The request itself is created by the creation form (web/mandats/creation-routes.ts).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireRecentTotp } from '../../api/auth/session.ts';
import { requireAidantMandats, structureCourante } from '../../api/mandats/acces.ts';
import { aleaFranceConnect, brouillonApresConsentement } from '../../api/mandats/brouillon.ts';
import { annulerDemande, etatDemande, relancerDemande, type EtatDemande } from '../../api/consentement/demandes.ts';
import { logger } from '../../db/platform/logger.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { SCRIPT_ATTENTE_CONSENTEMENT } from './attente-consentement-script.ts';
import { attenteConsentementPage, CHEMIN_SCRIPT_ATTENTE, cheminDemande, cheminSuite } from './consentement-pages.ts';
import { creationImpossiblePage, PARENTS_USAGERS } from './pages.ts';

const log = logger.child({ component: 'consentement' });

/** The JSON state: the next page once the usager consented (or the mandat exists), nothing otherwise. */
function etatJson(d: EtatDemande): { statut: EtatDemande['statut']; suite?: string } {
  if (d.statut === 'consentement') return { statut: d.statut, suite: cheminSuite(d.id) };
  if (d.statut === 'mandat-cree') return { statut: d.statut, suite: `/usagers/${d.mandat!.usagerId}#mandat-${d.mandat!.id}` };
  return { statut: d.statut };
}

/** The JSON route answers in JSON: 401 for no session, 403 for an account that cannot make mandats. */
function aidantMandatsJson(req: Request, res: Response, next: NextFunction): void {
  const a = req.aidant;
  if (!a) {
    res.status(401).json({ error: 'non_connecte' });
    return;
  }
  if (a.cgu_version !== VERSION_CGU || !a.can_create_mandats || !a.current_structure_id) {
    res.status(403).json({ error: 'interdit' });
    return;
  }
  next();
}

export function consentementRouter(deps: WebDeps): Router {
  const router = Router();
  const garde = [requireAidantMandats, requireRecentTotp];

  const introuvable = (req: Request, res: Response) => res.status(404).send(render(req, {
    title: 'Page introuvable', content: creationImpossiblePage('Cette demande d’accord n’existe pas, ou n’est pas liée à votre structure.'),
  }));

  router.get(CHEMIN_SCRIPT_ATTENTE, (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(SCRIPT_ATTENTE_CONSENTEMENT);
  });

  router.get('/mandats/consentements/:id', ...garde, async (req, res) => {
    const demande = await etatDemande(deps.db, structureCourante(req), req.params.id);
    if (!demande) return introuvable(req, res);
    res.send(render(req, {
      title: 'Accord de l’usager',
      breadcrumb: { parents: [...PARENTS_USAGERS, { label: 'Créer un mandat', href: '/mandats/nouveau' }] },
      content: attenteConsentementPage({ demande, csrf: csrfToken(req) }),
    }));
  });

  // Polled every few seconds: no TOTP freshness asked (nor renewed) by a poll.
  router.get('/mandats/consentements/:id/etat', aidantMandatsJson, async (req, res) => {
    const demande = await etatDemande(deps.db, structureCourante(req), req.params.id);
    res.set('Cache-Control', 'no-store');
    if (!demande) return res.status(404).json({ error: 'not_found' });
    res.json(etatJson(demande));
  });

  router.post('/mandats/consentements/:id/relancer', ...garde, async (req, res) => {
    const issue = await relancerDemande(deps.db, await deps.temporal(), structureCourante(req), req.params.id);
    if (issue === 'introuvable') return introuvable(req, res);
    if (issue === 'relancee') flash(req, 'info', 'Nouvel essai d’envoi du SMS en cours.');
    res.redirect(303, cheminDemande(String(req.params.id)));
  });

  // « Annuler la demande » (issue 18): only the structure's request, only before an answer; CSRF as every form.
  router.post('/mandats/consentements/:id/annuler', ...garde, async (req, res) => {
    const issue = await annulerDemande(deps.db, deps.temporal, structureCourante(req), req.aidant!.id, req.params.id);
    if (issue === 'introuvable') return introuvable(req, res);
    flash(req, 'info', issue === 'annulee' ? 'La demande est annulée : l’usager ne peut plus donner son accord.' : 'Cette demande n’attendait plus de réponse : rien n’a été annulé.');
    res.redirect(303, cheminDemande(String(req.params.id)));
  });

  // After consent: the draft is rebuilt from the request and the usager identifies with FranceConnect, as in
  // person; the FranceConnect callback and the recap are those of web/mandats/creation-routes.ts and recapitulatif-routes.ts.
  router.get('/mandats/consentements/:id/franceconnect', ...garde, async (req, res) => {
    const demande = await etatDemande(deps.db, structureCourante(req), req.params.id);
    if (!demande) return introuvable(req, res);
    if (demande.statut === 'mandat-cree') return res.redirect(303, etatJson(demande).suite!);
    if (demande.statut !== 'consentement') return res.redirect(303, cheminDemande(demande.id));
    const brouillon = brouillonApresConsentement(req, req.aidant!.id, demande);
    brouillon.franceConnect = { state: aleaFranceConnect(), nonce: aleaFranceConnect() };
    try {
      res.redirect(303, await deps.franceConnect.authorizationUrl(brouillon.franceConnect));
    } catch (err) {
      log.error({ err }, 'FranceConnect injoignable');
      res.status(503).send(render(req, { title: 'Mandat non créé', content: creationImpossiblePage('FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes depuis la page de la demande.') }));
    }
  });

  return router;
}
