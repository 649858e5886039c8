// The aidant's own page after login: account, structure, démarches allowed, devices.
import { Router } from 'express';
import { flash, requireLogin, requireRecentTotp } from '../../api/auth/session.ts';
import { csrfToken } from '../../api/csrf.ts';
import { DeviceError, resynchroniserCarte } from '../../api/referent/devices.ts';
import { moyensDeConnexion, structureCourante } from '../../api/espace-aidant/compte.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { espaceAidantPage } from './pages.ts';

export function espaceAidantRouter(deps: WebDeps): Router {
  const router = Router();
  router.get('/espace-aidant', requireLogin, async (req, res) => {
    const aidant = req.aidant!;
    const [structure, devices] = await Promise.all([structureCourante(deps.db, aidant.current_structure_id), moyensDeConnexion(deps.db, aidant.id)]);
    res.send(render(req, { title: 'Mon espace aidant', content: espaceAidantPage({ prenom: aidant.first_name, email: aidant.email, structure, devices, csrf: csrfToken(req), peutCreerDesMandats: aidant.can_create_mandats && structure !== null }) }));
  });

  // Logged in by another means (an app) and behind a fresh code: the aidant may resynchronise their own card.
  router.post('/espace-aidant/carte/resynchronisation', requireLogin, requireRecentTotp, async (req, res) => {
    const aidant = req.aidant!;
    try {
      await resynchroniserCarte(deps.db, { referentId: aidant.id, structureId: aidant.current_structure_id }, aidant.id, req.body?.code);
      flash(req, 'success', 'Carte resynchronisée : vous pouvez de nouveau vous connecter avec.');
    } catch (err) {
      if (!(err instanceof DeviceError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, '/espace-aidant');
  });
  return router;
}
