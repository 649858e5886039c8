// /stats (public, no login) and /stats.csv: figures cached per process (api/statistiques/publiques.ts).
import { Router } from 'express';
import { statistiquesCsv, statistiquesPubliques } from '../../api/statistiques/publiques.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { statistiquesPage } from './pages.ts';

export function statistiquesRouter(deps: WebDeps): Router {
  const router = Router();
  router.get('/stats', async (req, res) => {
    const s = await statistiquesPubliques(deps.db);
    res.send(render(req, { title: 'Statistiques', breadcrumb: { current: 'Statistiques' }, content: statistiquesPage(s) }));
  });
  router.get('/stats.csv', async (_req, res) => {
    const s = await statistiquesPubliques(deps.db);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="statistiques-aidants-connect.csv"',
      // The same for everyone and recomputed every 10 minutes at most.
      'Cache-Control': 'public, max-age=600',
    });
    res.send(statistiquesCsv(s));
  });
  return router;
}
