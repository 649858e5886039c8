// Routes of the mandat in the usager's language (issue 22): the language page of a mandat (choose, change or
// remove the language) and the printable translation. Scoped to the aidant's current structure like the PDF
// route (web/mandats/preuve-routes.ts), with the mandat pages' guard (web/mandats/reponses.ts): another
// structure's mandat is a 404, and so is the translation of a mandat without one (no language, or a code with
// no translation of its template version).
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash } from '../../api/auth/session.ts';
import { idDeRoute, structureCourante } from '../../api/mandats/acces.ts';
import { choisirLangue, choixLangue, documentTraduit } from '../../api/mandats/langue.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { languePage, titrePageTraduction, traductionPage } from './langue-pages.ts';
import { nomUsager, PARENTS_USAGERS } from './pages.ts';
import { garde, introuvable } from './reponses.ts';

export function langueRouter(deps: WebDeps): Router {
  const router = Router();

  router.get('/mandats/:id/traduction', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const t = id ? await documentTraduit(deps.db, structureCourante(req), id) : null;
    if (!t) return introuvable(req, res);
    res.send(render(req, {
      title: titrePageTraduction(t.document, t.traduction),
      breadcrumb: { parents: [...PARENTS_USAGERS, { label: nomUsager(t.document.usager), href: `/usagers/${t.document.usager.id}` }], current: `Traduction du mandat n° ${t.document.id}` },
      content: traductionPage(t),
    }));
  });

  const pageLangue = async (req: Request, res: Response, status: number, erreur?: string) => {
    const id = idDeRoute(req.params.id);
    const choix = id ? await choixLangue(deps.db, structureCourante(req), id) : null;
    if (!choix) return introuvable(req, res);
    res.status(status).send(render(req, {
      title: 'Langue de l’usager',
      breadcrumb: { parents: [...PARENTS_USAGERS, { label: 'Page de l’usager', href: `/usagers/${choix.usagerId}` }] },
      content: languePage({ csrf: csrfToken(req), ...choix, erreur }),
    }));
  };

  router.get('/mandats/:id/langue', ...garde, (req, res) => pageLangue(req, res, 200));

  router.post('/mandats/:id/langue', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const resultat = id ? await choisirLangue(deps.db, structureCourante(req), id, req.body?.langue) : null;
    if (!resultat || (!resultat.ok && resultat.raison === 'introuvable')) return introuvable(req, res);
    if (!resultat.ok) return pageLangue(req, res, 400, resultat.erreur);
    flash(req, 'success', resultat.nomFrancais
      ? `Mandat n° ${id} : sa traduction en ${resultat.nomFrancais} s’imprime avec « Imprimer la traduction ».`
      : `Le mandat n° ${id} s’imprime en français seulement.`);
    res.redirect(303, `/usagers/${resultat.usagerId}#mandat-${id}`);
  });

  return router;
}
