// The alerts' pages (issue 20): /espace-referent/alertes for the référents (their structures only: another
// structure's alert is a 404) and /staff/alertes for staff (every structure). Closing needs a comment.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireRecentTotp, requireReferent, requireStaff } from '../../api/auth/session.ts';
import { alerteVisible, alertesVisibles, clore, type PorteeAlertes } from '../../api/alertes/alertes.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import type { Crumb } from '../ui/breadcrumb.ts';
import { ESPACE_REFERENT, espaceReferent } from '../espace-referent/menu.ts';
import { alertePage, listeAlertesPage } from './pages.ts';
import type { SafeHtml } from '../ui/html.ts';

interface Espace {
  base: string;
  portee: (req: Request) => PorteeAlertes;
  parents: Crumb[];
  cadre: (contenu: SafeHtml, sousPage: boolean) => SafeHtml;
  avecStructure: boolean;
  intro: string;
}

export function alertesRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/espace-referent/alertes', requireReferent(deps.db), requireRecentTotp);
  router.use('/staff/alertes', requireStaff, requireRecentTotp);

  const referent: Espace = {
    base: '/espace-referent/alertes',
    portee: (req) => req.referentStructureIds!,
    parents: [ESPACE_REFERENT],
    cadre: (contenu, sousPage) => espaceReferent('alertes', contenu, sousPage),
    avecStructure: false,
    intro: 'Aidants Connect relève les activités inhabituelles des aidants de votre structure : mandat créé ou utilisé en dehors de vos horaires d’ouverture, nombreux mandats en peu de temps, activité pendant une suspension. Vérifiez chacune avec la personne concernée, puis closez-la avec un commentaire.',
  };
  const staff: Espace = {
    base: '/staff/alertes',
    portee: () => null,
    parents: [{ label: 'Équipe', href: '/staff' }],
    cadre: (contenu) => contenu,
    avecStructure: true,
    intro: 'Les alertes de toutes les structures. Les référents de chaque structure les reçoivent aussi et peuvent les clore.',
  };

  for (const e of [referent, staff]) {
    router.get(e.base, async (req, res) => {
      const alertes = await alertesVisibles(deps.db, e.portee(req));
      res.send(render(req, { title: 'Alertes', breadcrumb: { parents: e.parents, current: 'Alertes' }, content: e.cadre(listeAlertesPage({ alertes, base: e.base, avecStructure: e.avecStructure, intro: e.intro }), false) }));
    });

    const montrer = async (req: Request, res: Response, status = 200, erreur?: string) => {
      const alerte = await alerteVisible(deps.db, e.portee(req), req.params.id);
      const commentaire = typeof req.body?.commentaire === 'string' ? req.body.commentaire : undefined;
      res.status(status).send(render(req, {
        title: `Alerte n° ${alerte.id}`,
        breadcrumb: { parents: [...e.parents, { label: 'Alertes', href: e.base }], current: `Alerte n° ${alerte.id}` },
        content: e.cadre(alertePage({ alerte, base: e.base, csrf: csrfToken(req), erreur, commentaire }), true),
      }));
    };
    router.get(`${e.base}/:id`, (req, res) => montrer(req, res));
    router.post(`${e.base}/:id/cloture`, async (req, res) => {
      const r = await clore(deps.db, e.portee(req), req.aidant!.id, req.params.id, req.body?.commentaire);
      if (!r.ok) return montrer(req, res, 400, r.erreur);
      flash(req, 'success', 'L’alerte est close : votre commentaire est conservé au journal.');
      res.redirect(303, `${e.base}/${req.params.id}`);
    });
  }
  return router;
}
