// The first steps of a creation or renewal: the form (démarches, duration, mobile, presence or distance), then
// FranceConnect for the usager (a renewal skips it: the stored identity is reused). At a distance the form
// creates the consent request instead (web/mandats/consentement-routes.ts continues). The recap that
// creates the mandat is web/mandats/recapitulatif-routes.ts.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { requireAidantMandats, idDeRoute, structureCourante } from '../../api/mandats/acces.ts';
import { aleaFranceConnect, brouillonEnCours, nouveauBrouillon, validerChoixMandat, type ChoixMandat } from '../../api/mandats/brouillon.ts';
import { demarchesAutorisees } from '../../api/mandats/consultation.ts';
import { commencerRenouvellement, mandatRenouvelable, renouvellementDuMandat } from '../../api/mandats/renouvellement.ts';
import { creerDemandeConsentement } from '../../api/consentement/demandes.ts';
import { FranceConnectError, MESSAGES_FRANCECONNECT, stateCorrespond } from '../../api/franceconnect/index.ts';
import { DEMANDES_PAR_AIDANT_PAR_HEURE, DEMANDES_PAR_NUMERO_PAR_JOUR, DEMANDES_PAR_STRUCTURE_PAR_JOUR } from '../../db/domain/consentement.ts';
import { logger } from '../../db/platform/logger.ts';
import { reprendreSaisie, revenirAuFormulaire } from '../../api/auth/saisie-en-attente.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { nomUsager, nouveauMandatPage, PARENTS_USAGERS } from './pages.ts';
import { garde, impossible, introuvable, RAISONS_BROUILLON } from './reponses.ts';

const log = logger.child({ component: 'mandats' });

type OptionsFormulaire = Partial<Parameters<typeof nouveauMandatPage>[0]>;

/** ?usager=<id>: a renewal, allowed only for a usager whose mandat with the structure is renewable. */
async function renouvellementDemande(deps: WebDeps, req: Request) {
  if (req.query.usager === undefined) return { demande: false as const, usager: null };
  const id = idDeRoute(req.query.usager);
  const usager = id ? await mandatRenouvelable(deps.db, structureCourante(req), id) : null;
  return { demande: true as const, usager };
}

async function formulaire(deps: WebDeps, req: Request, res: Response, status: number, extra: OptionsFormulaire = {}): Promise<void> {
  const demarches = await demarchesAutorisees(deps.db, structureCourante(req));
  // Back from a re-authentication asked when this form was sent: what the aidant had chosen and typed.
  const saisie = status === 200 ? reprendreSaisie(req, extra.renouvellement ? `/mandats/nouveau?usager=${extra.renouvellement.usagerId}` : '/mandats/nouveau') : null;
  if (saisie) extra = { ...extra, ...champsSaisis(saisie) };
  res.status(status).send(render(req, {
    title: extra.renouvellement ? 'Renouveler un mandat' : 'Créer un mandat', breadcrumb: { parents: PARENTS_USAGERS },
    content: nouveauMandatPage({ csrf: csrfToken(req), demarches, ...extra }),
  }));
}

/** What the aidant chose and typed in the form (a sent form, or one kept across a re-authentication). */
function champsSaisis(body: Record<string, unknown> | undefined): OptionsFormulaire {
  return {
    choisies: [body?.demarches ?? []].flat().map(String),
    duree: typeof body?.duree === 'string' ? body.duree : undefined,
    telephone: typeof body?.telephone === 'string' ? body.telephone : undefined,
    modalite: typeof body?.modalite === 'string' ? body.modalite : undefined,
    certification: body?.certification === 'oui',
    langue: typeof body?.langue === 'string' ? body.langue : undefined,
  };
}

/** The form again, with what the aidant typed and what to correct. */
function formulaireACorriger(req: Request, usager: { id: number; given_name: string; family_name: string } | null, erreurs: Record<string, string>): OptionsFormulaire {
  return {
    erreurs,
    ...champsSaisis(req.body),
    ...(usager ? { renouvellement: { usagerId: usager.id, nom: nomUsager(usager) } } : {}),
  };
}

/** A remote mandat: the consent request's workflow sends the SMS; the aidant waits for the answer. */
async function demanderConsentement(deps: WebDeps, req: Request, res: Response, choix: ChoixMandat): Promise<void> {
  let demande: Awaited<ReturnType<typeof creerDemandeConsentement>>;
  try {
    demande = await creerDemandeConsentement(deps.db, await deps.temporal(), {
      aidantId: req.aidant!.id, structureId: structureCourante(req), ...choix, telephone: choix.telephone!,
    });
  } catch (err) {
    log.error({ err }, 'demande de consentement non démarrée');
    return impossible(req, res, 503, 'L’envoi des SMS est indisponible pour le moment : rien n’a été envoyé. Réessayez dans quelques minutes.');
  }
  if (!demande.ok) {
    // Issue 18, item 2: the limit that refused, in words (the number's counts this structure's requests only).
    const messages = {
      'trop-de-demandes': `Votre structure a déjà envoyé ${DEMANDES_PAR_NUMERO_PAR_JOUR} demandes d’accord à ce numéro en 24 heures : attendez avant d’en envoyer une autre.`,
      'trop-de-demandes-aidant': `Vous avez déjà envoyé ${DEMANDES_PAR_AIDANT_PAR_HEURE} demandes d’accord en une heure : attendez avant d’en envoyer une autre.`,
      'trop-de-demandes-structure': `Votre structure a déjà envoyé ${DEMANDES_PAR_STRUCTURE_PAR_JOUR} demandes d’accord en 24 heures : attendez avant d’en envoyer une autre.`,
    } as const;
    return formulaire(deps, req, res, 429, formulaireACorriger(req, null, { telephone: messages[demande.raison] }));
  }
  res.redirect(303, `/mandats/consentements/${demande.demandeId}`);
}

export function creationRouter(deps: WebDeps): Router {
  const router = Router();

  router.get('/mandats/nouveau', ...garde, async (req, res) => {
    const r = await renouvellementDemande(deps, req);
    if (r.demande && !r.usager) return introuvable(req, res);
    await formulaire(deps, req, res, 200, r.usager ? { renouvellement: { usagerId: r.usager.id, nom: nomUsager(r.usager) } } : {});
  });

  // « Renouveler » on a mandat: the renewal form, that mandat's démarches and duration ticked (issue 18).
  router.get('/mandats/:id/renouveler', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const structureId = structureCourante(req);
    const r = id ? await renouvellementDuMandat(deps.db, structureId, id, await demarchesAutorisees(deps.db, structureId)) : null;
    if (!r) return introuvable(req, res);
    await formulaire(deps, req, res, 200, { renouvellement: { usagerId: r.usager.id, nom: nomUsager(r.usager) }, choisies: r.demarches, duree: r.duree });
  });

  router.post('/mandats/nouveau', revenirAuFormulaire, ...garde, async (req, res) => {
    const aidant = req.aidant!;
    const structureId = structureCourante(req);
    const r = await renouvellementDemande(deps, req);
    if (r.demande && !r.usager) return introuvable(req, res);
    const choix = validerChoixMandat(req.body, await demarchesAutorisees(deps.db, structureId), { distancePossible: !r.demande });
    if (!choix.ok) return formulaire(deps, req, res, 400, formulaireACorriger(req, r.usager, choix.erreurs));
    if (choix.distance) return demanderConsentement(deps, req, res, choix.choix);
    const brouillon = nouveauBrouillon(req, aidant.id, structureId, choix.choix);
    if (r.usager) {
      brouillon.renouvellementUsagerId = r.usager.id;
      await commencerRenouvellement(deps.db, { aidantId: aidant.id, structureId, usagerId: r.usager.id, ...choix.choix });
      return res.redirect(303, '/mandats/nouveau/recapitulatif');
    }
    brouillon.franceConnect = { state: aleaFranceConnect(), nonce: aleaFranceConnect() };
    try {
      res.redirect(303, await deps.franceConnect.authorizationUrl(brouillon.franceConnect));
    } catch (err) {
      log.error({ err }, 'FranceConnect injoignable');
      impossible(req, res, 503, 'FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes.');
    }
  });

  // FranceConnect sends the usager back here with a code (or an error).
  router.get('/mandats/nouveau/franceconnect', requireAidantMandats, async (req, res) => {
    const etat = brouillonEnCours(req, req.aidant!);
    if (!etat.ok) return impossible(req, res, 400, RAISONS_BROUILLON[etat.raison]);
    const b = etat.brouillon;
    if (!b.franceConnect || b.usager || b.mandatId) {
      return impossible(req, res, 400, 'Ce retour de FranceConnect a déjà été traité ou ne correspond à aucune connexion en cours.');
    }
    // Another state (a stray or forged link) is refused without touching the draft: the genuine return
    // that follows still works (issue 18, item 7). The expected state is used once, whatever the outcome.
    if (!stateCorrespond(req.query.state, b.franceConnect.state)) {
      log.warn('retour FranceConnect avec un autre state : ignoré, la connexion en cours reste valable');
      return impossible(req, res, 400, MESSAGES_FRANCECONNECT.state_invalide);
    }
    const attendu = b.franceConnect;
    delete b.franceConnect;
    let identification: Awaited<ReturnType<WebDeps['franceConnect']['callback']>>;
    try {
      identification = await deps.franceConnect.callback(new URL(req.originalUrl, 'http://retour.invalid'), attendu);
    } catch (err) {
      if (err instanceof FranceConnectError) {
        log.warn({ code: err.code, detail: err.detail }, 'identification FranceConnect refusée');
        return impossible(req, res, err.code === 'indisponible' ? 503 : 400, err.message);
      }
      throw err;
    }
    b.usager = { fcSub: identification.fcSub, identite: identification.identite };
    try {
      // Ends the usager's FranceConnect session: the next usager at this desk logs in afresh.
      res.redirect(303, await deps.franceConnect.logoutUrl({ idToken: identification.idToken, state: aleaFranceConnect() }));
    } catch {
      res.redirect(303, '/mandats/nouveau/recapitulatif');
    }
  });

  return router;
}
