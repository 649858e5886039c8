// Staff back office: home and card import. Reachable only by staff accounts, with a fresh code after 15
// minutes (like the espace référent): staff decisions hand out structures and accounts.
import { Router } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { requireRecentTotp, requireStaff } from '../../api/auth/session.ts';
import { uploadedText } from '../../api/uploads.ts';
import { importerCartes } from '../../api/staff/cartes.ts';
import { statistiquesEquipe } from '../../api/staff/statistiques.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { cardImportPage, staffHomePage } from './pages.ts';

const CARTES = { parents: [{ label: 'Équipe', href: '/staff' }], current: 'Cartes TOTP' };

export function staffRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/staff', requireStaff, requireRecentTotp);

  router.get('/staff', async (req, res) => {
    res.send(render(req, { title: 'Équipe Aidants Connect', content: staffHomePage(await statistiquesEquipe(deps.db)), breadcrumb: { current: 'Équipe' } }));
  });

  router.get('/staff/cartes', (req, res) => {
    res.send(render(req, { title: 'Cartes TOTP', breadcrumb: CARTES, content: cardImportPage({ csrf: csrfToken(req) }) }));
  });

  router.post('/staff/cartes', async (req, res) => {
    const csv = uploadedText(req, 'fichier');
    if (!csv) return res.status(400).send(render(req, { title: 'Cartes TOTP', breadcrumb: CARTES, content: cardImportPage({ csrf: csrfToken(req), error: 'Choisissez un fichier CSV non vide.' }) }));
    const rapport = await importerCartes(deps.db, req.aidant!.id, csv);
    res.send(render(req, { title: 'Cartes TOTP', breadcrumb: CARTES, content: cardImportPage({ csrf: csrfToken(req), rapport }) }));
  });

  return router;
}
