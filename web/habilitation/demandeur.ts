// The public habilitation request (demandeur): identity and email confirmation, the draft saved at each
// step, submission (which starts workflow habilitation-<id>), resubmission after changes, and the follow
// page. Access to a request is granted to the session by a link emailed to the demandeur.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError } from '../../api/auth/session.ts';
import {
  elementsManquants, empreinteDemande, validerAidant, validerCertifications, validerDemandeur, validerReferent, validerStructure,
} from '../../db/domain/demande-habilitation.ts';
import { demandeModifiable, normaliserEmail } from '../../db/domain/habilitation.ts';
import {
  aidantsDeLaDemande, ajouterAidantALaDemande, autreDemandeOuverte, commencerDemande, demandeParId, demandeurDeLaDemande, enregistrerEtape,
  envoiLienPermis, envoyerDemande, envoyerLienDemandeur, etatLienDemandeur, RefusProcessus, resoumettreDemande, retirerAidantDeLaDemande, utiliserLienDemandeur, vueSuiviDemande,
  type DemandeChargee,
} from '../../api/habilitation/demandeur.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import * as P from './demandeur-pages.ts';

declare module 'express-session' {
  interface SessionData {
    /** Requests this browser may see and edit (granted by an emailed link). */
    demandesHabilitation?: string[];
  }
}

/** Pages of a request sit under the request form in the fil d'Ariane. */
const DEMANDE = (current: string) => ({ parents: [{ label: "Demande d'habilitation", href: '/habilitation' }], current });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

declare module 'express-serve-static-core' {
  interface Request {
    demandeHabilitation?: DemandeChargee;
  }
}

export function demandeurRouter(deps: WebDeps): Router {
  const router = Router();
  const { db } = deps;

  /** Too many links asked for this address or from this connection (api/habilitation/demandeur.ts, envoiLienPermis). */
  const tropDEnvois = (req: Request, res: Response) => {
    res.set('Retry-After', '3600');
    res.status(429).send(render(req, { breadcrumb: DEMANDE('Trop de demandes'), title: 'Trop de demandes', content: P.pageTropDEnvois() }));
  };

  /** Loads the request of the URL; the session must have been granted access to it. */
  const acces = async (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) return next(new HttpError(404, 'demande inconnue'));
    const demande = await demandeParId(db, id);
    if (!demande) return next(new HttpError(404, 'demande inconnue'));
    if (!req.session.demandesHabilitation?.includes(id)) return res.redirect(303, `/habilitation/demande/${id}/acces`);
    req.demandeHabilitation = demande;
    next();
  };

  /** Editing steps: only a draft or a request sent back for changes. */
  const modifiable = (req: Request, res: Response, next: NextFunction) => {
    const d = req.demandeHabilitation!;
    if (demandeModifiable(d.status)) return next();
    flash(req, 'error', "Cette demande a été envoyée : elle n'est plus modifiable.");
    res.redirect(303, `/habilitation/demande/${d.id}`);
  };

  router.get('/habilitation', (req, res) => {
    res.send(render(req, { breadcrumb: { current: "Demande d'habilitation" }, title: "Demande d'habilitation", content: P.pageIdentite(csrfToken(req)) }));
  });

  router.post('/habilitation', async (req, res) => {
    const { valeurs, erreurs } = validerDemandeur(req.body ?? {});
    if (Object.keys(erreurs).length) {
      res.status(400).send(render(req, { breadcrumb: { current: "Demande d'habilitation" }, title: "Erreur — Demande d'habilitation", content: P.pageIdentite(csrfToken(req), { ...valeurs }, erreurs) }));
      return;
    }
    if (!(await envoiLienPermis(db, valeurs.email, req.ip))) return tropDEnvois(req, res);
    const { demandeurId, demandeId } = await commencerDemande(db, valeurs);
    await envoyerLienDemandeur(deps, { demandeurId, demandeId, email: valeurs.email, prenom: valeurs.first_name, type: 'confirmation' });
    res.send(render(req, { breadcrumb: DEMANDE('Confirmez votre adresse e-mail'), title: 'Confirmez votre adresse e-mail', content: P.pageEmailEnvoye(valeurs.email) }));
  });

  // The emailed link opens a page; only its button (a POST) uses the link: mail scanners that open links
  // do not burn it.
  router.get('/habilitation/confirmer/:token', async (req, res) => {
    const lien = await etatLienDemandeur(db, String(req.params.token));
    if (lien.kind === 'inconnu') {
      res.status(404).send(render(req, { breadcrumb: DEMANDE('Lien non valable'), title: 'Lien non valable', content: P.pageLienInvalide('inconnu', lien.demandeId) }));
      return;
    }
    if (lien.kind === 'expire') {
      res.status(410).send(render(req, { breadcrumb: DEMANDE('Lien expiré'), title: 'Lien expiré', content: P.pageLienInvalide('expire', lien.demandeId) }));
      return;
    }
    res.send(render(req, { breadcrumb: DEMANDE('Accéder à votre demande'), title: 'Accéder à votre demande', content: P.pageConfirmerLien(req.originalUrl, csrfToken(req)) }));
  });

  router.post('/habilitation/confirmer/:token', async (req, res) => {
    const lien = await utiliserLienDemandeur(db, String(req.params.token));
    if (lien.kind !== 'ok') {
      res.status(lien.kind === 'expire' ? 410 : 404).send(render(req, {
        breadcrumb: DEMANDE('Lien non valable'), title: 'Lien non valable', content: P.pageLienInvalide(lien.kind, lien.demandeId),
      }));
      return;
    }
    req.session.demandesHabilitation = [...new Set([...(req.session.demandesHabilitation ?? []), lien.demandeId])];
    res.redirect(303, lien.status === 'NEW' ? `/habilitation/demande/${lien.demandeId}/structure` : `/habilitation/demande/${lien.demandeId}`);
  });

  router.get('/habilitation/demande/:id/acces', (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpError(404, 'demande inconnue');
    res.send(render(req, { breadcrumb: DEMANDE('Accéder à votre demande'), title: 'Accéder à votre demande', content: P.pageDemandeAcces(id, csrfToken(req), false) }));
  });

  router.post('/habilitation/demande/:id/acces', async (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpError(404, 'demande inconnue');
    const email = normaliserEmail(String(req.body?.email ?? ''));
    // Counted for the typed address whether or not it is the demandeur's: the limit tells nothing either.
    if (!(await envoiLienPermis(db, email, req.ip))) return tropDEnvois(req, res);
    const d = await demandeurDeLaDemande(db, id);
    // The same answer whether or not the address matches: no way to probe who asked.
    if (d && d.email === email) await envoyerLienDemandeur(deps, { demandeurId: d.demandeur_id, demandeId: id, email: d.email, prenom: d.first_name, type: 'acces' });
    res.send(render(req, { breadcrumb: DEMANDE('Accéder à votre demande'), title: 'Accéder à votre demande', content: P.pageDemandeAcces(id, csrfToken(req), true) }));
  });

  router.get('/habilitation/demande/:id', acces, async (req, res) => {
    const d = req.demandeHabilitation!;
    const vue = await vueSuiviDemande(db, deps.temporal, d);
    res.send(render(req, { breadcrumb: DEMANDE('Suivi de la demande'), title: "Suivi de la demande d'habilitation", content: P.pageSuivi({ demande: d as unknown as P.VueSuivi['demande'], ...vue }) }));
  });

  // ---- Draft steps ----------------------------------------------------------------------------------

  router.get('/habilitation/demande/:id/structure', acces, modifiable, (req, res) => {
    res.send(render(req, { breadcrumb: DEMANDE('La structure'), title: "La structure — Demande d'habilitation", content: P.pageStructure(req.demandeHabilitation!.id, csrfToken(req), req.demandeHabilitation!) }));
  });

  router.post('/habilitation/demande/:id/structure', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const { valeurs, erreurs } = validerStructure(req.body ?? {});
    if (!erreurs.siret) {
      if (await autreDemandeOuverte(db, valeurs.siret as string, d.id)) erreurs.siret = 'Une demande d’habilitation est déjà en cours pour ce SIRET : une seule demande ouverte par structure.';
    }
    if (!Object.keys(erreurs).length) {
      try {
        await enregistrerEtape(db, d.id, 1, { ...valeurs });
        return res.redirect(303, `/habilitation/demande/${d.id}/referent`);
      } catch (err) {
        // Two requests racing for the same SIRET: the partial unique index decides.
        if ((err as { code?: string }).code !== '23505') throw err;
        erreurs.siret = 'Une demande d’habilitation est déjà en cours pour ce SIRET : une seule demande ouverte par structure.';
      }
    }
    res.status(400).send(render(req, { breadcrumb: DEMANDE('La structure'), title: "Erreur — La structure", content: P.pageStructure(d.id, csrfToken(req), { ...req.body, free_support_certified: valeurs.free_support_certified }, erreurs) }));
  });

  router.get('/habilitation/demande/:id/referent', acces, modifiable, (req, res) => {
    res.send(render(req, { breadcrumb: DEMANDE('Le référent'), title: "Le référent — Demande d'habilitation", content: P.pageReferent(req.demandeHabilitation!.id, csrfToken(req), req.demandeHabilitation!) }));
  });

  router.post('/habilitation/demande/:id/referent', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const { valeurs, erreurs } = validerReferent(req.body ?? {});
    if (Object.keys(erreurs).length) {
      res.status(400).send(render(req, { breadcrumb: DEMANDE('Le référent'), title: 'Erreur — Le référent', content: P.pageReferent(d.id, csrfToken(req), { ...req.body, referent_is_aidant: valeurs.referent_is_aidant }, erreurs) }));
      return;
    }
    await enregistrerEtape(db, d.id, 2, { ...valeurs });
    res.redirect(303, `/habilitation/demande/${d.id}/aidants`);
  });

  const listeAidants = (id: string) => aidantsDeLaDemande(db, id);

  router.get('/habilitation/demande/:id/aidants', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    res.send(render(req, { breadcrumb: DEMANDE('Les aidants'), title: "Les aidants — Demande d'habilitation", content: P.pageAidants(d.id, csrfToken(req), await listeAidants(d.id), !!d.referent_is_aidant) }));
  });

  router.post('/habilitation/demande/:id/aidants', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const existants = await listeAidants(d.id);
    const { valeurs, erreurs } = validerAidant(req.body ?? {}, existants.map((a: { email: string }) => a.email));
    if (Object.keys(erreurs).length) {
      res.status(400).send(render(req, { breadcrumb: DEMANDE('Les aidants'), title: 'Erreur — Les aidants', content: P.pageAidants(d.id, csrfToken(req), existants, !!d.referent_is_aidant, { ...valeurs }, erreurs) }));
      return;
    }
    await ajouterAidantALaDemande(db, d.id, valeurs);
    res.redirect(303, `/habilitation/demande/${d.id}/aidants`);
  });

  router.post('/habilitation/demande/:id/aidants/:aidantId/retirer', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    await retirerAidantDeLaDemande(db, d.id, Number(req.params.aidantId) || 0);
    res.redirect(303, `/habilitation/demande/${d.id}/aidants`);
  });

  // The last step shows what is missing (with links to its step) and the whole request before it is sent.
  router.get('/habilitation/demande/:id/engagements', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const aidants = await listeAidants(d.id);
    res.send(render(req, { breadcrumb: DEMANDE('Engagements et envoi'), title: "Engagements — Demande d'habilitation", content: P.pageEngagements(d.id, csrfToken(req), d, aidants, d, {}, elementsManquants(d, aidants.length)) }));
  });

  router.post('/habilitation/demande/:id/engagements', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const { valeurs, erreurs } = validerCertifications(req.body ?? {});
    const aidants = await listeAidants(d.id);
    const manque = elementsManquants(d, aidants.length);
    const refuser = (status: number, erreursPage = erreurs, manquePage = manque, message?: string) => {
      if (message) flash(req, 'error', message);
      res.status(status).send(render(req, { breadcrumb: DEMANDE('Engagements et envoi'), title: "Erreur — Engagements", content: P.pageEngagements(d.id, csrfToken(req), d, aidants, { ...d, ...req.body }, erreursPage, manquePage) }));
    };
    if (Object.keys(erreurs).length || manque.length) return refuser(400);
    const empreinte = empreinteDemande(d, aidants);

    if (d.status === 'CHANGES_REQUIRED') {
      if (empreinte === d.empreinte_soumise) {
        return refuser(409, {}, [], "La demande n'a pas été modifiée depuis la demande de modifications : modifiez-la avant de la soumettre à nouveau.");
      }
      try {
        await resoumettreDemande(deps.temporal, d.id, empreinte);
      } catch (err) {
        if (err instanceof RefusProcessus) return refuser(409, {}, [], err.message);
        throw err;
      }
      flash(req, 'success', "Votre demande modifiée a été soumise à nouveau à l'équipe Aidants Connect.");
      return res.redirect(303, `/habilitation/demande/${d.id}`);
    }

    // First submission: the status and the workflow start commit together (a failed start rolls back).
    const envoyee = await envoyerDemande(db, deps.temporal, d.id, valeurs, empreinte);
    if (envoyee) flash(req, 'success', "Votre demande a été envoyée à l'équipe Aidants Connect. Vous recevrez un e-mail à chaque étape.");
    res.redirect(303, `/habilitation/demande/${d.id}`);
  });

  return router;
}
