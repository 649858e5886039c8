// The public habilitation request (demandeur): identity and email confirmation, the draft saved at each
// step, submission (which starts workflow habilitation-<id>), resubmission after changes, and the follow
// page. Access to a request is granted to the session by a link emailed to the demandeur.
import { createHash, randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, HttpError } from '../../api/auth/session.ts';
import { cleTentatives, reserveAttempt } from '../../api/auth/rate-limit.ts';
import { enqueueEmail } from '../../activities/outbox.ts';
import { courriels } from '../../activities/habilitation-emails.ts';
import {
  elementsManquants, empreinteDemande, validerAidant, validerCertifications, validerDemandeur, validerReferent, validerStructure,
} from '../../db/domain/demande-habilitation.ts';
import { demandeModifiable, normaliserEmail, VALIDITE_LIEN_DEMANDEUR_MS } from '../../db/domain/habilitation.ts';
import { ajouterEvenement, consommerJetonDemandeur, etatJetonDemandeur, evenementsDemande } from '../../db/queries/habilitation.ts';
import { demarrerHabilitation, lireEtatHabilitation, RefusProcessus, resoumettreHabilitation } from '../../api/processes/habilitation.ts';
import { render } from '../render.ts';
import type { WebDeps } from '../deps.ts';
import * as P from './demandeur-pages.ts';
import type { StatutDemandeStructure } from '../../db/domain/statuts.ts';

declare module 'express-session' {
  interface SessionData {
    /** Requests this browser may see and edit (granted by an emailed link). */
    demandesHabilitation?: string[];
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

interface DemandeChargee {
  id: string;
  status: StatutDemandeStructure;
  demandeur_id: number;
  etape: number;
  [k: string]: unknown;
}

declare module 'express-serve-static-core' {
  interface Request {
    demandeHabilitation?: DemandeChargee;
  }
}

export function demandeurRouter(deps: WebDeps): Router {
  const router = Router();
  const { db } = deps;
  const base = deps.publicUrl.replace(/\/$/, '');

  async function envoyerLien(demandeurId: number, demandeId: string, email: string, prenom: string, type: 'confirmation' | 'acces') {
    const token = randomBytes(32).toString('base64url');
    const [row] = await db('jetons_demandeur')
      .insert({ demandeur_id: demandeurId, demande_id: demandeId, token_hash: hash(token), expires_at: new Date(Date.now() + VALIDITE_LIEN_DEMANDEUR_MS) })
      .returning('id');
    // The token rests sealed in the outbox until the worker sends it (activities/outbox.ts).
    const lien = `${base}/habilitation/confirmer/{{jeton}}`;
    const c = type === 'confirmation' ? courriels.confirmationEmail({ prenom, lien }) : courriels.accesDemande({ prenom, lien });
    await enqueueEmail(db, {
      idempotencyKey: `demandeur-lien-${row.id}`, to: email, subject: c.subject, text: c.text,
      secrets: { jeton: token }, expiresAt: new Date(Date.now() + VALIDITE_LIEN_DEMANDEUR_MS),
    });
  }

  /**
   * Official emails sent on a visitor's request (with the visitor's text in the greeting): at most a few per
   * recipient and per connection each hour (db/domain/authentification.ts, LIMITES_TENTATIVES).
   */
  async function envoiPermis(email: string, ip: string | undefined): Promise<boolean> {
    const attempt = await reserveAttempt(db, [
      { cle: cleTentatives('destinataire', email), type: 'destinataire' },
      { cle: cleTentatives('envoi-ip', ip ?? 'inconnue'), type: 'envoi-ip' },
    ]);
    return attempt.waitMs === 0;
  }
  const tropDEnvois = (req: Request, res: Response) => {
    res.set('Retry-After', '3600');
    res.status(429).send(render(req, { title: 'Trop de demandes', content: P.pageTropDEnvois() }));
  };

  /** Loads the request of the URL; the session must have been granted access to it. */
  const acces = async (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) return next(new HttpError(404, 'demande inconnue'));
    const demande = await db('demandes_habilitation').where({ id }).first();
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
    res.send(render(req, { title: "Demande d'habilitation", content: P.pageIdentite(csrfToken(req)) }));
  });

  router.post('/habilitation', async (req, res) => {
    const { valeurs, erreurs } = validerDemandeur(req.body ?? {});
    if (Object.keys(erreurs).length) {
      res.status(400).send(render(req, { title: "Erreur — Demande d'habilitation", content: P.pageIdentite(csrfToken(req), { ...valeurs }, erreurs) }));
      return;
    }
    if (!(await envoiPermis(valeurs.email, req.ip))) return tropDEnvois(req, res);
    const { demandeurId, demandeId } = await db.transaction(async (trx) => {
      await trx('demandeurs').insert(valeurs).onConflict('email').ignore();
      const demandeur = await trx('demandeurs').where({ email: valeurs.email }).forUpdate().first();
      // Someone else's address must not rename its confirmed owner.
      if (!demandeur.email_confirmed_at) await trx('demandeurs').where({ id: demandeur.id }).update({ first_name: valeurs.first_name, last_name: valeurs.last_name, profession: valeurs.profession });
      const [demande] = await trx('demandes_habilitation').insert({ demandeur_id: demandeur.id }).returning('id');
      await ajouterEvenement(trx, { demandeId: demande.id, type: 'brouillon', detail: 'Demande commencée', acteur: 'demandeur' });
      return { demandeurId: demandeur.id as number, demandeId: demande.id as string };
    });
    await envoyerLien(demandeurId, demandeId, valeurs.email, valeurs.first_name, 'confirmation');
    res.send(render(req, { title: 'Confirmez votre adresse e-mail', content: P.pageEmailEnvoye(valeurs.email) }));
  });

  // The emailed link opens a page; only its button (a POST) uses the link: mail scanners that open links
  // do not burn it.
  router.get('/habilitation/confirmer/:token', async (req, res) => {
    const { etat, demandeId } = await etatJetonDemandeur(db, String(req.params.token));
    if (etat !== 'valable') {
      res.status(etat === 'expire' ? 410 : 404).send(render(req, { title: etat === 'expire' ? 'Lien expiré' : 'Lien non valable', content: P.pageLienInvalide(etat, demandeId) }));
      return;
    }
    res.send(render(req, { title: 'Accéder à votre demande', content: P.pageConfirmerLien(req.originalUrl, csrfToken(req)) }));
  });

  router.post('/habilitation/confirmer/:token', async (req, res) => {
    const utilise = await consommerJetonDemandeur(db, String(req.params.token));
    if (!utilise) {
      const { etat, demandeId } = await etatJetonDemandeur(db, String(req.params.token));
      res.status(etat === 'expire' ? 410 : 404).send(render(req, { title: 'Lien non valable', content: P.pageLienInvalide(etat === 'expire' ? 'expire' : 'inconnu', demandeId) }));
      return;
    }
    req.session.demandesHabilitation = [...new Set([...(req.session.demandesHabilitation ?? []), utilise.demandeId])];
    res.redirect(303, utilise.statut === 'NEW' ? `/habilitation/demande/${utilise.demandeId}/structure` : `/habilitation/demande/${utilise.demandeId}`);
  });

  router.get('/habilitation/demande/:id/acces', (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpError(404, 'demande inconnue');
    res.send(render(req, { title: 'Accéder à votre demande', content: P.pageDemandeAcces(id, csrfToken(req), false) }));
  });

  router.post('/habilitation/demande/:id/acces', async (req, res) => {
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new HttpError(404, 'demande inconnue');
    const email = normaliserEmail(String(req.body?.email ?? ''));
    // Counted for the typed address whether or not it is the demandeur's: the limit tells nothing either.
    if (!(await envoiPermis(email, req.ip))) return tropDEnvois(req, res);
    const d = await db('demandes_habilitation').join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id')
      .where({ 'demandes_habilitation.id': id }).first('demandeurs.id as demandeur_id', 'demandeurs.email', 'demandeurs.first_name');
    // The same answer whether or not the address matches: no way to probe who asked.
    if (d && d.email === email) await envoyerLien(d.demandeur_id, id, d.email, d.first_name, 'acces');
    res.send(render(req, { title: 'Accéder à votre demande', content: P.pageDemandeAcces(id, csrfToken(req), true) }));
  });

  router.get('/habilitation/demande/:id', acces, async (req, res) => {
    const d = req.demandeHabilitation!;
    const [aidants, evenements, messages, etat] = await Promise.all([
      db('demandes_aidant').where({ demande_id: d.id }).orderBy('id'),
      evenementsDemande(db, d.id),
      db('messages_habilitation').where({ demande_id: d.id }).orderBy('created_at'),
      d.status === 'NEW' ? null : deps.temporal().then((c) => lireEtatHabilitation(c, d.id)).catch(() => null),
    ]);
    res.send(render(req, { title: "Suivi de la demande d'habilitation", content: P.pageSuivi({ demande: d as unknown as P.VueSuivi["demande"], aidants, evenements, messages, etat }) }));
  });

  // ---- Draft steps ----------------------------------------------------------------------------------

  const enregistrerEtape = (id: string, etape: number, valeurs: Record<string, unknown>) =>
    db('demandes_habilitation').where({ id }).update({ ...valeurs, etape: db.raw('greatest(etape, ?)', [etape]), updated_at: db.fn.now() });

  router.get('/habilitation/demande/:id/structure', acces, modifiable, (req, res) => {
    res.send(render(req, { title: "La structure — Demande d'habilitation", content: P.pageStructure(req.demandeHabilitation!.id, csrfToken(req), req.demandeHabilitation!) }));
  });

  router.post('/habilitation/demande/:id/structure', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const { valeurs, erreurs } = validerStructure(req.body ?? {});
    if (!erreurs.siret) {
      const autre = await db('demandes_habilitation').where({ siret: valeurs.siret }).whereNot({ id: d.id })
        .whereIn('status', ['NEW', 'AC_VALIDATION_PROCESSING', 'CHANGES_REQUIRED']).first('id');
      if (autre) erreurs.siret = 'Une demande d’habilitation est déjà en cours pour ce SIRET : une seule demande ouverte par structure.';
    }
    if (!Object.keys(erreurs).length) {
      try {
        await enregistrerEtape(d.id, 1, { ...valeurs });
        return res.redirect(303, `/habilitation/demande/${d.id}/referent`);
      } catch (err) {
        // Two requests racing for the same SIRET: the partial unique index decides.
        if ((err as { code?: string }).code !== '23505') throw err;
        erreurs.siret = 'Une demande d’habilitation est déjà en cours pour ce SIRET : une seule demande ouverte par structure.';
      }
    }
    res.status(400).send(render(req, { title: "Erreur — La structure", content: P.pageStructure(d.id, csrfToken(req), { ...req.body, free_support_certified: valeurs.free_support_certified }, erreurs) }));
  });

  router.get('/habilitation/demande/:id/referent', acces, modifiable, (req, res) => {
    res.send(render(req, { title: "Le référent — Demande d'habilitation", content: P.pageReferent(req.demandeHabilitation!.id, csrfToken(req), req.demandeHabilitation!) }));
  });

  router.post('/habilitation/demande/:id/referent', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const { valeurs, erreurs } = validerReferent(req.body ?? {});
    if (Object.keys(erreurs).length) {
      res.status(400).send(render(req, { title: 'Erreur — Le référent', content: P.pageReferent(d.id, csrfToken(req), { ...req.body, referent_is_aidant: valeurs.referent_is_aidant }, erreurs) }));
      return;
    }
    await enregistrerEtape(d.id, 2, { ...valeurs });
    res.redirect(303, `/habilitation/demande/${d.id}/aidants`);
  });

  const listeAidants = (id: string) => db('demandes_aidant').where({ demande_id: id }).orderBy('id');

  router.get('/habilitation/demande/:id/aidants', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    res.send(render(req, { title: "Les aidants — Demande d'habilitation", content: P.pageAidants(d.id, csrfToken(req), await listeAidants(d.id), !!d.referent_is_aidant) }));
  });

  router.post('/habilitation/demande/:id/aidants', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const existants = await listeAidants(d.id);
    const { valeurs, erreurs } = validerAidant(req.body ?? {}, existants.map((a: { email: string }) => a.email));
    if (Object.keys(erreurs).length) {
      res.status(400).send(render(req, { title: 'Erreur — Les aidants', content: P.pageAidants(d.id, csrfToken(req), existants, !!d.referent_is_aidant, { ...valeurs }, erreurs) }));
      return;
    }
    await db.transaction(async (trx) => {
      await trx('demandes_aidant').insert({ demande_id: d.id, ...valeurs, status: 'new' }).onConflict(['demande_id', 'email']).ignore();
      await trx('demandes_habilitation').where({ id: d.id }).update({ etape: trx.raw('greatest(etape, 3)'), updated_at: trx.fn.now() });
    });
    res.redirect(303, `/habilitation/demande/${d.id}/aidants`);
  });

  router.post('/habilitation/demande/:id/aidants/:aidantId/retirer', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    await db('demandes_aidant').where({ demande_id: d.id, id: Number(req.params.aidantId) || 0 }).delete();
    res.redirect(303, `/habilitation/demande/${d.id}/aidants`);
  });

  router.get('/habilitation/demande/:id/engagements', acces, modifiable, (req, res) => {
    const d = req.demandeHabilitation!;
    res.send(render(req, { title: "Engagements — Demande d'habilitation", content: P.pageEngagements(d.id, csrfToken(req), d.status, d) }));
  });

  router.post('/habilitation/demande/:id/engagements', acces, modifiable, async (req, res) => {
    const d = req.demandeHabilitation!;
    const { valeurs, erreurs } = validerCertifications(req.body ?? {});
    const aidants = await listeAidants(d.id);
    const manque = elementsManquants(d, aidants.length);
    const refuser = (status: number, erreursPage = erreurs, manquePage = manque, message?: string) => {
      if (message) flash(req, 'error', message);
      res.status(status).send(render(req, { title: "Erreur — Engagements", content: P.pageEngagements(d.id, csrfToken(req), d.status, { ...d, ...req.body }, erreursPage, manquePage) }));
    };
    if (Object.keys(erreurs).length || manque.length) return refuser(400);
    const empreinte = empreinteDemande(d, aidants);

    if (d.status === 'CHANGES_REQUIRED') {
      if (empreinte === d.empreinte_soumise) {
        return refuser(409, {}, [], "La demande n'a pas été modifiée depuis la demande de modifications : modifiez-la avant de la soumettre à nouveau.");
      }
      try {
        await resoumettreHabilitation(await deps.temporal(), d.id, empreinte);
      } catch (err) {
        if (err instanceof RefusProcessus) return refuser(409, {}, [], err.message);
        throw err;
      }
      flash(req, 'success', "Votre demande modifiée a été soumise à nouveau à l'équipe Aidants Connect.");
      return res.redirect(303, `/habilitation/demande/${d.id}`);
    }

    // First submission: the status and the workflow start commit together (a failed start rolls back).
    const envoyee = await db.transaction(async (trx) => {
      const ligne = await trx('demandes_habilitation').where({ id: d.id }).forUpdate().first('status');
      if (ligne.status !== 'NEW') return false;
      await trx('demandes_habilitation').where({ id: d.id }).update({
        ...valeurs, status: 'AC_VALIDATION_PROCESSING', submitted_at: trx.fn.now(), empreinte_soumise: empreinte, nombre_soumissions: 1, updated_at: trx.fn.now(),
      });
      await demarrerHabilitation(await deps.temporal(), d.id, empreinte);
      return true;
    });
    if (envoyee) flash(req, 'success', "Votre demande a été envoyée à l'équipe Aidants Connect. Vous recevrez un e-mail à chaque étape.");
    res.redirect(303, `/habilitation/demande/${d.id}`);
  });

  return router;
}
