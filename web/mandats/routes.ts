// Routes of usagers and mandats, one router per page: the usagers (list and page), the creation (form →
// FranceConnect → recap with the aidant's TOTP; at a distance, form → consent by SMS
// (web/mandats/consentement-routes.ts) → the same FranceConnect and recap), the renewal (no FranceConnect),
// the revocation. Every route is scoped to the aidant's current structure: a usager or mandat of another
// structure is a 404 (web/mandats/reponses.ts).
import { Router } from 'express';
import type { WebDeps } from '../ui/deps.ts';
import { creationRouter } from './creation-routes.ts';
import { recapitulatifRouter } from './recapitulatif-routes.ts';
import { revocationRouter } from './revocation-routes.ts';
import { usagersRouter } from './usagers-routes.ts';

export function mandatsRouter(deps: WebDeps): Router {
  return Router().use(usagersRouter(deps), creationRouter(deps), recapitulatifRouter(deps), revocationRouter(deps));
}
