// Revoking a mandat or one of its démarches: a confirmation page, then the revocation use case
// (api/mandats/revocation.ts revoquerPuisSignaler: committed, then the mandat's workflow told). Another
// structure's mandat is a 404.
import { Router, type Request } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash } from '../../api/auth/session.ts';
import { idDeRoute, structureCourante } from '../../api/mandats/acces.ts';
import { mandatARevoquer } from '../../api/mandats/consultation.ts';
import { revoquerPuisSignaler } from '../../api/mandats/revocation.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { nomUsager, PARENTS_USAGERS, revocationPage } from './pages.ts';
import { garde, introuvable } from './reponses.ts';

/** The mandat of the path and the autorisation of the query (GET) or the form (POST); null when malformed. */
function cibleDeLaRequete(req: Request): { mandatId: number; autorisationId: number | undefined } | null {
  const mandatId = idDeRoute(req.params.id);
  if (!mandatId) return null;
  const autorisationId = req.method === 'GET' ? req.query.autorisation : req.body?.autorisation;
  const autorisation = autorisationId === undefined || autorisationId === '' ? undefined : idDeRoute(autorisationId);
  if (autorisation === null) return null;
  return { mandatId, autorisationId: autorisation };
}

export function revocationRouter(deps: WebDeps): Router {
  const router = Router();

  router.get('/mandats/:id/revoquer', ...garde, async (req, res) => {
    const cible = cibleDeLaRequete(req);
    const detail = cible ? await mandatARevoquer(deps.db, structureCourante(req), cible.mandatId, cible.autorisationId) : null;
    if (!cible || !detail) return introuvable(req, res);
    if (!detail.demarches.length) {
      flash(req, 'info', 'Ce mandat ou cette démarche était déjà révoqué.');
      return res.redirect(303, `/usagers/${detail.usager.id}#mandat-${cible.mandatId}`);
    }
    res.send(render(req, {
      title: 'Révoquer',
      breadcrumb: { parents: [...PARENTS_USAGERS, { label: nomUsager(detail.usager), href: `/usagers/${detail.usager.id}` }] },
      content: revocationPage({ csrf: csrfToken(req), ...cible, usager: nomUsager(detail.usager), usagerId: detail.usager.id, demarches: detail.demarches }),
    }));
  });

  router.post('/mandats/:id/revoquer', ...garde, async (req, res) => {
    const cible = cibleDeLaRequete(req);
    if (!cible) return introuvable(req, res);
    const resultat = await revoquerPuisSignaler(deps, { aidantId: req.aidant!.id, structureId: structureCourante(req), ...cible });
    if (!resultat.ok) {
      if (resultat.raison === 'introuvable') return introuvable(req, res);
      flash(req, 'info', 'Ce mandat ou cette démarche était déjà révoqué.');
      return res.redirect(303, '/usagers');
    }
    flash(req, 'success', cible.autorisationId === undefined || resultat.mandatClos ? 'Le mandat a été révoqué.' : 'La démarche a été révoquée.');
    res.redirect(303, `/usagers/${resultat.usagerId}#mandat-${cible.mandatId}`);
  });

  return router;
}
