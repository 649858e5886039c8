// Routes of usagers and mandats: list and page of a usager, creation (form → FranceConnect → recap with
// the aidant's TOTP; at a distance, form → consent by SMS (web/mandats/consentement-routes.ts) → the same
// FranceConnect and recap), renewal (no FranceConnect), revocation. Every route is scoped to the aidant's current
// structure: a usager or mandat of another structure is a 404.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireRecentTotp } from '../../api/auth/session.ts';
import { idDeRoute, requireAidantMandats, structureCourante } from '../../api/mandats/acces.ts';
import { aleaFranceConnect, brouillonEnCours, nouveauBrouillon, validerChoixMandat, type BrouillonMandat } from '../../api/mandats/brouillon.ts';
import { demarchesAutorisees, mandatARevoquer, nomStructure, usagerDeLaStructure, usagersDeLaStructure } from '../../api/mandats/consultation.ts';
import { confirmerParCode } from '../../api/mandats/confirmation.ts';
import { creerMandat, CreationMandatRefusee } from '../../api/mandats/creation.ts';
import { revoquer } from '../../api/mandats/revocation.ts';
import { commencerRenouvellement, identiteUsager, mandatRenouvelable } from '../../api/mandats/renouvellement.ts';
import { FranceConnectError } from '../../api/franceconnect/index.ts';
import { demarrerVieMandat, signalerRevocationMandat } from '../../db/temporal/processes/mandat.ts';
import { logger } from '../../db/platform/logger.ts';
import { creerDemandeConsentement } from '../../api/consentement/demandes.ts';
import { DEMANDES_PAR_NUMERO_PAR_JOUR } from '../../db/domain/consentement.ts';
import { dateExpirationMandat } from '../../db/domain/mandat.ts';
import type { IdentitePivot } from '../../db/domain/usager.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { creationImpossiblePage, PARENTS_USAGERS, nomUsager, nouveauMandatPage, recapitulatifPage, revocationPage, usagerPage, usagersPage } from './pages.ts';

const log = logger.child({ component: 'mandats' });

const RAISONS_BROUILLON = {
  absent: 'Aucune création de mandat n’est en cours dans ce navigateur.',
  expire: 'La création du mandat a duré plus de 30 minutes : recommencez-la.',
  'autre-compte': 'Cette création de mandat a été commencée par un autre compte ou pour une autre structure.',
} as const;

export function mandatsRouter(deps: WebDeps): Router {
  const router = Router();
  const garde = [requireAidantMandats, requireRecentTotp];

  const introuvable = (req: Request, res: Response) => res.status(404).send(render(req, { title: 'Page introuvable', breadcrumb: { parents: PARENTS_USAGERS }, content: creationImpossiblePage('Ce mandat ou cet usager n’existe pas, ou n’est pas lié à votre structure.') }));
  const impossible = (req: Request, res: Response, status: number, message: string) =>
    res.status(status).send(render(req, { title: 'Mandat non créé', breadcrumb: { parents: PARENTS_USAGERS }, content: creationImpossiblePage(message) }));

  /** Workflows are started and told after the commit; a failure is caught up by the worker's reconciliation. */
  const demarrerVie = async (mandat: { mandatId: number; expiresAt: Date; duree: BrouillonMandat['duree']; structureId: number }) => {
    try {
      await demarrerVieMandat(deps.db, await deps.temporal(), mandat);
    } catch (err) {
      log.error({ err, mandatId: mandat.mandatId }, 'workflow du mandat non démarré : la réconciliation du worker le démarrera');
    }
  };
  const signalerFin = async (mandatIds: number[]) => {
    for (const mandatId of mandatIds) {
      try {
        await signalerRevocationMandat(await deps.temporal(), mandatId);
      } catch (err) {
        log.error({ err, mandatId }, 'révocation non transmise au workflow du mandat : il la lira en base à son réveil');
      }
    }
  };

  router.get('/usagers', ...garde, async (req, res) => {
    const recherche = typeof req.query.recherche === 'string' ? req.query.recherche.slice(0, 100) : '';
    const structureId = structureCourante(req);
    const [usagers, structure] = await Promise.all([usagersDeLaStructure(deps.db, structureId, recherche), nomStructure(deps.db, structureId)]);
    res.send(render(req, { title: 'Mes usagers', content: usagersPage({ usagers, recherche, structure: structure?.name ?? 'votre structure' }) }));
  });

  router.get('/usagers/:id', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const usager = id ? await usagerDeLaStructure(deps.db, structureCourante(req), id) : null;
    if (!usager) return introuvable(req, res);
    res.send(render(req, { title: nomUsager(usager), breadcrumb: { parents: PARENTS_USAGERS }, content: usagerPage({ usager, maintenant: new Date() }) }));
  });

  const formulaire = async (req: Request, res: Response, status: number, extra: Partial<Parameters<typeof nouveauMandatPage>[0]> = {}) => {
    const demarches = await demarchesAutorisees(deps.db, structureCourante(req));
    res.status(status).send(render(req, { title: extra.renouvellement ? 'Renouveler un mandat' : 'Créer un mandat', breadcrumb: { parents: PARENTS_USAGERS }, content: nouveauMandatPage({ csrf: csrfToken(req), demarches, ...extra }) }));
  };

  /** ?usager=<id>: a renewal, allowed only for a usager whose mandat with the structure is renewable. */
  const renouvellement = async (req: Request) => {
    if (req.query.usager === undefined) return { demande: false as const };
    const id = idDeRoute(req.query.usager);
    const usager = id ? await mandatRenouvelable(deps.db, structureCourante(req), id) : null;
    return { demande: true as const, usager };
  };

  router.get('/mandats/nouveau', ...garde, async (req, res) => {
    const r = await renouvellement(req);
    if (r.demande && !r.usager) return introuvable(req, res);
    await formulaire(req, res, 200, r.usager ? { renouvellement: { usagerId: r.usager.id, nom: nomUsager(r.usager) } } : {});
  });

  router.post('/mandats/nouveau', ...garde, async (req, res) => {
    const aidant = req.aidant!;
    const structureId = structureCourante(req);
    const r = await renouvellement(req);
    if (r.demande && !r.usager) return introuvable(req, res);
    const choix = validerChoixMandat(req.body, await demarchesAutorisees(deps.db, structureId), { distancePossible: !r.demande });
    const aCorriger = (erreurs: Record<string, string>, status = 400) => formulaire(req, res, status, {
      erreurs,
      choisies: [req.body?.demarches ?? []].flat().map(String),
      duree: typeof req.body?.duree === 'string' ? req.body.duree : undefined,
      telephone: typeof req.body?.telephone === 'string' ? req.body.telephone : undefined,
      modalite: typeof req.body?.modalite === 'string' ? req.body.modalite : undefined,
      certification: req.body?.certification === 'oui',
      ...(r.usager ? { renouvellement: { usagerId: r.usager.id, nom: nomUsager(r.usager) } } : {}),
    });
    if (!choix.ok) return aCorriger(choix.erreurs);
    if (choix.distance) {
      // A remote mandat: the consent request's workflow sends the SMS; the aidant waits for the answer.
      let demande: Awaited<ReturnType<typeof creerDemandeConsentement>>;
      try {
        demande = await creerDemandeConsentement(deps.db, await deps.temporal(), { aidantId: aidant.id, structureId, ...choix.choix, telephone: choix.choix.telephone! });
      } catch (err) {
        log.error({ err }, 'demande de consentement non démarrée');
        return impossible(req, res, 503, 'L’envoi des SMS est indisponible pour le moment : rien n’a été envoyé. Réessayez dans quelques minutes.');
      }
      if (!demande.ok) {
        return aCorriger({ telephone: `Ce numéro a déjà reçu ${DEMANDES_PAR_NUMERO_PAR_JOUR} demandes d’accord en 24 heures : attendez avant d’en envoyer une autre.` }, 429);
      }
      return res.redirect(303, `/mandats/consentements/${demande.demandeId}`);
    }
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
    // A state is used once, whatever the outcome.
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

  const recapitulatif = async (req: Request, res: Response, b: BrouillonMandat, status = 200, erreurs?: Record<string, string>) => {
    const structure = await nomStructure(deps.db, b.structureId);
    const identite: IdentitePivot | null = b.usager?.identite ?? (b.renouvellementUsagerId ? await identiteUsager(deps.db, b.structureId, b.renouvellementUsagerId) : null);
    if (!structure || !identite) return impossible(req, res, 400, 'L’usager n’est pas identifié : recommencez la création du mandat.');
    res.status(status).send(render(req, {
      title: 'Récapitulatif du mandat',
      breadcrumb: { parents: [...PARENTS_USAGERS, { label: 'Créer un mandat', href: '/mandats/nouveau' }], current: 'Récapitulatif' },
      content: recapitulatifPage({
        csrf: csrfToken(req), identite, demarches: b.demarches, duree: b.duree, expiration: dateExpirationMandat(new Date(), b.duree),
        structure, telephone: b.telephone, distance: Boolean(b.consentement), erreurs,
      }),
    }));
  };

  router.get('/mandats/nouveau/recapitulatif', ...garde, async (req, res) => {
    const etat = brouillonEnCours(req, req.aidant!);
    if (!etat.ok) return impossible(req, res, 400, RAISONS_BROUILLON[etat.raison]);
    if (etat.brouillon.mandatId) return res.redirect(303, `/usagers/${etat.brouillon.renouvellementUsagerId ?? ''}`);
    await recapitulatif(req, res, etat.brouillon);
  });

  router.post('/mandats/nouveau/recapitulatif', ...garde, async (req, res) => {
    const aidant = req.aidant!;
    const etat = brouillonEnCours(req, aidant);
    if (!etat.ok) return impossible(req, res, 400, RAISONS_BROUILLON[etat.raison]);
    const b = etat.brouillon;
    if (b.mandatId) return res.redirect(303, `/usagers/${b.renouvellementUsagerId ?? ''}`);
    const erreurs: Record<string, string> = {};
    if (req.body?.consentement !== 'oui') erreurs.consentement = 'Cochez la case pour attester du consentement de l’usager.';
    const confirmation = await confirmerParCode(deps.db, aidant, req.body?.code, req.ip ?? 'inconnue');
    if (!confirmation.ok) erreurs.code = confirmation.message;
    if (Object.keys(erreurs).length) {
      if (!confirmation.ok && confirmation.retryAfterMs) res.set('Retry-After', String(Math.ceil(confirmation.retryAfterMs / 1000)));
      return recapitulatif(req, res, b, confirmation.ok ? 400 : confirmation.status, erreurs);
    }
    try {
      const cree = await creerMandat(deps.db, b);
      b.mandatId = cree.mandatId;
      b.renouvellementUsagerId = cree.usagerId;
      delete b.usager;
      if (cree.cree) {
        await demarrerVie({ mandatId: cree.mandatId, expiresAt: cree.expiresAt, duree: b.duree, structureId: b.structureId });
        await signalerFin(cree.mandatsClos);
        flash(req, 'success', 'Le mandat a été créé.');
      }
      res.redirect(303, `/usagers/${cree.usagerId}#mandat-${cree.mandatId}`);
    } catch (err) {
      if (err instanceof CreationMandatRefusee) {
        delete req.session.brouillonMandat;
        return impossible(req, res, 409, err.message);
      }
      throw err;
    }
  });

  const mandatAConfirmer = async (req: Request) => {
    const mandatId = idDeRoute(req.params.id);
    if (!mandatId) return null;
    const autorisationId = req.method === 'GET' ? req.query.autorisation : req.body?.autorisation;
    const autorisation = autorisationId === undefined || autorisationId === '' ? undefined : idDeRoute(autorisationId);
    if (autorisation === null) return null;
    return { mandatId, autorisationId: autorisation };
  };

  router.get('/mandats/:id/revoquer', ...garde, async (req, res) => {
    const cible = await mandatAConfirmer(req);
    const detail = cible ? await mandatARevoquer(deps.db, structureCourante(req), cible.mandatId, cible.autorisationId) : null;
    if (!cible || !detail) return introuvable(req, res);
    if (!detail.demarches.length) {
      flash(req, 'info', 'Ce mandat ou cette démarche était déjà révoqué.');
      return res.redirect(303, `/usagers/${detail.usager.id}#mandat-${cible.mandatId}`);
    }
    res.send(render(req, {
      title: 'Révoquer',
      breadcrumb: { parents: [...PARENTS_USAGERS, { label: nomUsager(detail.usager), href: `/usagers/${detail.usager.id}` }] },
      content: revocationPage({ csrf: csrfToken(req), ...cible, usager: nomUsager(detail.usager), usagerId: detail.usager.id, demarches: detail.demarches }),
    }));
  });

  router.post('/mandats/:id/revoquer', ...garde, async (req, res) => {
    const cible = await mandatAConfirmer(req);
    if (!cible) return introuvable(req, res);
    const resultat = await revoquer(deps.db, { aidantId: req.aidant!.id, structureId: structureCourante(req), ...cible });
    if (!resultat.ok) {
      if (resultat.raison === 'introuvable') return introuvable(req, res);
      flash(req, 'info', 'Ce mandat ou cette démarche était déjà révoqué.');
      return res.redirect(303, '/usagers');
    }
    if (resultat.mandatClos) await signalerFin([cible.mandatId]);
    flash(req, 'success', cible.autorisationId === undefined || resultat.mandatClos ? 'Le mandat a été révoqué.' : 'La démarche a été révoquée.');
    res.redirect(303, `/usagers/${resultat.usagerId}#mandat-${cible.mandatId}`);
  });

  return router;
}
