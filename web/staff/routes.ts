// Staff back office: home and card import. Reachable only by staff accounts, with a fresh code after 15
// minutes (like the espace référent): staff decisions hand out structures and accounts.
import { Router } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { requireRecentTotp, requireStaff } from '../../api/auth/session.ts';
import { uploadedText } from '../../api/uploads.ts';
import { importerCartes } from '../../db/queries/cartes.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';
import { cardImportPage, staffHomePage } from './pages.ts';

export function staffRouter(deps: WebDeps): Router {
  const router = Router();
  router.use('/staff', requireStaff, requireRecentTotp);

  router.get('/staff', async (req, res) => {
    const one = async (q: Promise<{ n: number }[]>) => Number((await q)[0].n);
    const stats = {
      cartes: await one(deps.db('totp_cards').count({ n: '*' })),
      cartesLibres: await one(deps.db('totp_cards').whereNotExists(deps.db('totp_devices').whereRaw('totp_devices.card_id = totp_cards.id')).count({ n: '*' })),
      aidantsActifs: await one(deps.db('aidants').where({ is_active: true, is_staff: false }).count({ n: '*' })),
      structures: await one(deps.db('structures').where({ is_active: true }).count({ n: '*' })),
    };
    res.send(render(req, { title: 'Équipe Aidants Connect', content: staffHomePage(stats) }));
  });

  router.get('/staff/cartes', (req, res) => {
    res.send(render(req, { title: 'Cartes TOTP', content: cardImportPage({ csrf: csrfToken(req) }) }));
  });

  router.post('/staff/cartes', async (req, res) => {
    const csv = uploadedText(req, 'fichier');
    if (!csv) return res.status(400).send(render(req, { title: 'Cartes TOTP', content: cardImportPage({ csrf: csrfToken(req), error: 'Choisissez un fichier CSV non vide.' }) }));
    const rapport = await importerCartes(deps.db, req.aidant!.id, csv);
    res.send(render(req, { title: 'Cartes TOTP', content: cardImportPage({ csrf: csrfToken(req), rapport }) }));
  });

  return router;
}
