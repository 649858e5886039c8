// Every habilitation page: the public request form and follow page, the staff back office and the
// référent's waiting list. Mounted once by web/routes.ts.
import { Router } from 'express';
import type { WebDeps } from '../ui/deps.ts';
import { demandeurRouter } from './demandeur.ts';
import { staffHabilitationRouter } from './staff.ts';
import { referentHabilitationRouter } from './referent.ts';

export function habilitationRouter(deps: WebDeps): Router {
  const router = Router();
  router.use(demandeurRouter(deps));
  router.use(staffHabilitationRouter(deps));
  router.use(referentHabilitationRouter(deps));
  return router;
}
