// The aidant's side of an authorization FranceConnect asked for (/interaction/:uid): an expired request
// gets a French page; otherwise login (email + code + magic link) or a fresh code after 15 minutes, then
// the person accompanied, then the démarche; every step is checked again on submit. Refusals go back to
// FranceConnect as access_denied with its state.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireLogin, requireRecentTotp } from '../../api/auth/session.ts';
import {
  aidantSuspendu, demarchesAffichees, estMotifRefus, lireDemande, terminerAvecChoix, terminerAvecRefus, usagersProposes, type DemandeEnCours,
} from '../../api/oidc/interaction.ts';
import type { OidcInstance } from '../../api/oidc/provider.ts';
import { aidantPeutAgir } from '../../db/domain/fournisseur-identite.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { choixDemarchePage, choixIndisponiblePage, choixUsagerPage, demandeExpireeContent, refusPage } from './pages.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    demande?: DemandeEnCours;
  }
}

export function interactionRouter(deps: WebDeps, oidc: OidcInstance): Router {
  const router = Router();

  // The last form posts here, and the answer redirects (through the provider) to FranceConnect: the CSP
  // must let a form end up at FranceConnect's callback. Nothing of these pages may be cached.
  router.use('/interaction/:uid', (_req, res, next) => {
    const csp = res.getHeader('Content-Security-Policy');
    if (typeof csp === 'string') res.setHeader('Content-Security-Policy', csp.replace(/form-action 'self'/, `form-action 'self' ${oidc.redirectOrigins.join(' ')}`));
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const demandeEnCours = async (req: Request, res: Response, next: NextFunction) => {
    const demande = await lireDemande(oidc, req, res);
    if (!demande) {
      res.status(400).send(render(req, demandeExpireeContent()));
      return;
    }
    res.locals.demande = demande;
    next();
  };

  const aidantHabilite = async (req: Request, res: Response, next: NextFunction) => {
    if (aidantPeutAgir(req.aidant!) && !(await aidantSuspendu(deps.db, req.aidant!, req.compteSession))) return next();
    res.status(403).send(render(req, refusPage({ uid: res.locals.demande!.uid, csrf: csrfToken(req), motif: 'aidant_non_habilite' })));
  };

  const guards = [demandeEnCours, requireLogin, requireRecentTotp, aidantHabilite];

  router.get('/interaction/:uid', ...guards, async (req, res) => {
    const demande = res.locals.demande!;
    const recherche = typeof req.query.recherche === 'string' ? req.query.recherche.trim().slice(0, 100) : '';
    const { usagers, total } = await usagersProposes(deps.db, req.aidant!, demande, recherche);
    if (!total) {
      return res.status(403).send(render(req, refusPage({ uid: demande.uid, csrf: csrfToken(req), motif: 'aucun_mandat' })));
    }
    res.send(render(req, {
      title: 'Choisir la personne accompagnée',
      content: choixUsagerPage({ uid: demande.uid, csrf: csrfToken(req), prenomAidant: req.aidant!.first_name, usagers, total, recherche, demandees: demande.demarchesDemandees }),
    }));
  });

  router.get('/interaction/:uid/demarche', ...guards, async (req, res) => {
    const demande = res.locals.demande!;
    if (req.query.usager === undefined || req.query.usager === '') {
      flash(req, 'error', 'Choisissez la personne que vous accompagnez.');
      return res.redirect(303, `/interaction/${demande.uid}`);
    }
    // The usager page's list, not a second query (api/oidc/interaction.ts); the submit checks again.
    const choix = await demarchesAffichees(deps.db, req.aidant!, demande, req.query.usager);
    if (!choix) return res.status(404).send(render(req, choixIndisponiblePage(demande.uid)));
    res.send(render(req, {
      title: 'Choisir la démarche',
      content: choixDemarchePage({ uid: demande.uid, csrf: csrfToken(req), usager: choix.usager, demarches: choix.demarches }),
    }));
  });

  router.post('/interaction/:uid/demarche', ...guards, async (req, res) => {
    const demande = res.locals.demande!;
    const result = await terminerAvecChoix({ db: deps.db, oidc }, demande, req.aidant!, { usager: req.body?.usager, demarche: req.body?.demarche });
    switch (result.kind) {
      case 'termine':
        return res.redirect(303, result.returnTo);
      case 'indisponible':
        return res.status(404).send(render(req, choixIndisponiblePage(demande.uid)));
      case 'identite_incomplete':
        return res.status(409).send(render(req, choixIndisponiblePage(demande.uid, true)));
      case 'demarche_manquante':
        return res.status(400).send(render(req, {
          title: 'Choisir la démarche',
          content: choixDemarchePage({ uid: demande.uid, csrf: csrfToken(req), usager: result.choix.usager, demarches: result.choix.autorisations.map((a) => a.demarche), erreur: 'Choisissez la démarche que vous réalisez.' }),
        }));
    }
  });

  // Cancel or refusal: the request goes back to FranceConnect. Needs the browser's interaction cookie and
  // the session's CSRF token, not a login (an aidant whose session ended can still give the hand back).
  router.post('/interaction/:uid/annuler', demandeEnCours, async (req, res) => {
    const motif = estMotifRefus(req.body?.motif) ? req.body.motif : 'annulation';
    res.redirect(303, await terminerAvecRefus(res.locals.demande!, motif));
  });

  return router;
}
