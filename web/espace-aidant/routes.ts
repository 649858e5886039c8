// The aidant's own page after login: account, structure, démarches allowed, devices.
import { Router } from 'express';
import { requireLogin } from '../../api/auth/session.ts';
import { moyensDeConnexion, structureCourante } from '../../api/espace-aidant/compte.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';
import { espaceAidantPage } from './pages.ts';

export function espaceAidantRouter(deps: WebDeps): Router {
  const router = Router();
  router.get('/espace-aidant', requireLogin, async (req, res) => {
    const aidant = req.aidant!;
    const [structure, devices] = await Promise.all([structureCourante(deps.db, aidant.current_structure_id), moyensDeConnexion(deps.db, aidant.id)]);
    res.send(render(req, { title: 'Mon espace aidant', content: espaceAidantPage({ prenom: aidant.first_name, email: aidant.email, structure, devices, peutCreerDesMandats: aidant.can_create_mandats && structure !== null }) }));
  });
  return router;
}
