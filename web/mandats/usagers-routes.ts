// The aidant's usagers: the list (with a search) and a usager's page with their mandats, scoped to the
// aidant's current structure (api/mandats/consultation.ts): another structure's usager is a 404.
import { Router } from 'express';
import { idDeRoute, structureCourante } from '../../api/mandats/acces.ts';
import { nomStructure, usagerDeLaStructure, usagersDeLaStructure } from '../../api/mandats/consultation.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { nomUsager, PARENTS_USAGERS, usagerPage, usagersPage } from './pages.ts';
import { garde, introuvable } from './reponses.ts';

export function usagersRouter(deps: WebDeps): Router {
  const router = Router();

  router.get('/usagers', ...garde, async (req, res) => {
    const recherche = typeof req.query.recherche === 'string' ? req.query.recherche.slice(0, 100) : '';
    const structureId = structureCourante(req);
    const [usagers, structure] = await Promise.all([usagersDeLaStructure(deps.db, structureId, recherche), nomStructure(deps.db, structureId)]);
    res.send(render(req, { title: 'Mes usagers', content: usagersPage({ usagers, recherche, structure: structure?.name ?? 'votre structure' }) }));
  });

  router.get('/usagers/:id', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const usager = id ? await usagerDeLaStructure(deps.db, structureCourante(req), id) : null;
    if (!usager) return introuvable(req, res);
    res.send(render(req, { title: nomUsager(usager), breadcrumb: { parents: PARENTS_USAGERS }, content: usagerPage({ usager, maintenant: new Date() }) }));
  });

  return router;
}
