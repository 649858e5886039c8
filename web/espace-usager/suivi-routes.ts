// The follow-up of the usagers' reports: /espace-referent/signalements (the référent's structures only: a
// report of another structure is a 404) and /staff/signalements (all), both behind a fresh TOTP like the
// rest of those spaces.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireRecentTotp, requireReferent, requireStaff } from '../../api/auth/session.ts';
import { idDeRoute } from '../../api/mandats/acces.ts';
import { signalementsASuivre, suivre } from '../../api/espace-usager/signalements.ts';
import { render } from '../ui/render.ts';
import { errorContent } from '../ui/errors.ts';
import type { WebDeps } from '../ui/deps.ts';
import { ESPACE_REFERENT, espaceReferent } from '../espace-referent/menu.ts';
import { signalementsPage } from './suivi-pages.ts';

export function suiviSignalementsRouter(deps: WebDeps): Router {
  const router = Router();
  const espaces = [
    { base: '/espace-referent/signalements', garde: [requireReferent(deps.db), requireRecentTotp], structures: (req: Request) => req.referentStructureIds!, equipe: false },
    { base: '/staff/signalements', garde: [requireStaff, requireRecentTotp], structures: () => null, equipe: true },
  ];
  for (const e of espaces) {
    const montrer = async (req: Request, res: Response, status = 200, erreur?: { id: number; message: string }) => {
      const contenu = signalementsPage({ liste: await signalementsASuivre(deps.db, e.structures(req)), csrf: csrfToken(req), action: e.base, pourEquipe: e.equipe, erreur });
      res.status(status).send(render(req, {
        title: 'Signalements des usagers',
        breadcrumb: e.equipe ? { parents: [{ label: 'Équipe', href: '/staff' }], current: 'Signalements' } : { parents: [ESPACE_REFERENT], current: 'Signalements' },
        content: e.equipe ? contenu : espaceReferent('signalements', contenu),
      }));
    };
    router.get(e.base, ...e.garde, (req, res) => montrer(req, res));
    router.post(`${e.base}/:id`, ...e.garde, async (req, res) => {
      const id = idDeRoute(req.params.id);
      const r = id ? await suivre(deps.db, { signalementId: id, structureIds: e.structures(req), aidantId: req.aidant!.id, body: req.body }) : { ok: false as const, raison: 'introuvable' as const };
      if (!r.ok && r.raison === 'introuvable') return res.status(404).send(render(req, { title: 'Page non trouvée', content: errorContent(404).content }));
      if (!r.ok && r.raison === 'invalide') return montrer(req, res, 400, { id: id!, message: Object.values(r.erreurs).join(' ') });
      flash(req, 'success', `Le suivi du signalement n° ${id} est enregistré.`);
      res.redirect(303, `${e.base}#signalement-${id}`);
    });
  }
  return router;
}
