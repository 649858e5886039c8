// The recap of a creation or renewal: what the mandat will say, the usager's consent box and the aidant's
// TOTP code; its confirmation creates the mandat and starts its life (api/mandats/creation.ts
// creerMandatPuisDemarrerSaVie). A resubmit of the same draft lands on the mandat already created.
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../../api/csrf.ts';
import { flash, requireRecentTotp } from '../../api/auth/session.ts';
import { reprendreSaisie, revenirAuFormulaire } from '../../api/auth/saisie-en-attente.ts';
import { requireAidantMandats } from '../../api/mandats/acces.ts';
import { DELAI_REAUTHENTIFICATION_MS } from '../../db/domain/authentification.ts';
import { brouillonEnCours, type BrouillonMandat } from '../../api/mandats/brouillon.ts';
import { nomStructure } from '../../api/mandats/consultation.ts';
import { verifierCodeFrais } from '../../api/auth/code-frais.ts';
import { creerMandatPuisDemarrerSaVie, CreationMandatRefusee } from '../../api/mandats/creation.ts';
import { identiteUsager } from '../../api/mandats/renouvellement.ts';
import { dateExpirationMandat } from '../../db/domain/mandat.ts';
import type { IdentitePivot } from '../../db/domain/usager.ts';
import { render } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { mandatCreeServiceIndisponiblePage, PARENTS_USAGERS, recapitulatifPage } from './pages.ts';
import { garde, impossible, RAISONS_BROUILLON } from './reponses.ts';

async function recapitulatif(deps: WebDeps, req: Request, res: Response, b: BrouillonMandat, status = 200, erreurs?: Record<string, string>, consentement = false): Promise<void> {
  const structure = await nomStructure(deps.db, b.structureId);
  const identite: IdentitePivot | null = b.usager?.identite ?? (b.renouvellementUsagerId ? await identiteUsager(deps.db, b.structureId, b.renouvellementUsagerId) : null);
  if (!structure || !identite) return impossible(req, res, 400, 'L’usager n’est pas identifié : recommencez la création du mandat.');
  res.status(status).send(render(req, {
    title: 'Récapitulatif du mandat',
    breadcrumb: { parents: [...PARENTS_USAGERS, { label: 'Créer un mandat', href: '/mandats/nouveau' }], current: 'Récapitulatif' },
    content: recapitulatifPage({
      csrf: csrfToken(req), identite, demarches: b.demarches, duree: b.duree, expiration: dateExpirationMandat(new Date(), b.duree),
      structure, telephone: b.telephone, distance: Boolean(b.consentement), erreurs, consentement,
    }),
  }));
}

const CHEMIN_RECAPITULATIF = '/mandats/nouveau/recapitulatif';

/** A TOTP typed within the last 15 minutes (api/auth/session.ts requireRecentTotp, without its side effects). */
const verificationRecente = (req: Request) => Date.now() - (req.session.lastActivityCheckAt ?? 0) <= DELAI_REAUTHENTIFICATION_MS;

export function recapitulatifRouter(deps: WebDeps): Router {
  const router = Router();

  router.get(CHEMIN_RECAPITULATIF, ...garde, async (req, res) => {
    const etat = brouillonEnCours(req, req.aidant!);
    if (!etat.ok) return impossible(req, res, 400, RAISONS_BROUILLON[etat.raison]);
    if (etat.brouillon.mandatId) return res.redirect(303, `/usagers/${etat.brouillon.renouvellementUsagerId ?? ''}`);
    // Back from a re-authentication asked when the recap was sent: the box as the aidant left it.
    const saisie = reprendreSaisie(req, CHEMIN_RECAPITULATIF);
    await recapitulatif(deps, req, res, etat.brouillon, 200, undefined, saisie?.consentement === 'oui');
  });

  // No fresh-TOTP guard in front: the recap's own code is a fresh check (issue 18: the aidant past the 15
  // minutes types one code, not two). Past them, a form to correct goes through /verification first, the box
  // kept (api/auth/saisie-en-attente.ts), like every other guarded form.
  router.post(CHEMIN_RECAPITULATIF, revenirAuFormulaire, requireAidantMandats, async (req, res) => {
    const aidant = req.aidant!;
    const etat = brouillonEnCours(req, aidant);
    if (!etat.ok) return impossible(req, res, 400, RAISONS_BROUILLON[etat.raison]);
    const b = etat.brouillon;
    if (b.mandatId) return res.redirect(303, `/usagers/${b.renouvellementUsagerId ?? ''}`);
    const erreurs: Record<string, string> = {};
    if (req.body?.consentement !== 'oui') erreurs.consentement = 'Cochez la case pour attester du consentement de l’usager.';
    // The code is checked (and so consumed: one use per 30-second step) only once the rest of the form is
    // valid: a forgotten box must not make the aidant wait for the next code (issue 18).
    if (Object.keys(erreurs).length) {
      if (!verificationRecente(req)) return requireRecentTotp(req, res, () => undefined);
      return recapitulatif(deps, req, res, b, 400, erreurs);
    }
    const confirmation = await verifierCodeFrais(deps.db, aidant, req.body?.code, req.ip ?? 'inconnue');
    if (!confirmation.ok) {
      if (!verificationRecente(req)) return requireRecentTotp(req, res, () => undefined);
      if (confirmation.retryAfterMs) res.set('Retry-After', String(Math.ceil(confirmation.retryAfterMs / 1000)));
      return recapitulatif(deps, req, res, b, confirmation.status, { code: confirmation.message }, true);
    }
    req.session.lastActivityCheckAt = Date.now();
    try {
      const cree = await creerMandatPuisDemarrerSaVie(deps, b);
      b.mandatId = cree.mandatId;
      b.renouvellementUsagerId = cree.usagerId;
      delete b.usager;
      if (cree.cree) flash(req, 'success', 'Le mandat a été créé.');
      // Committed, but PostgreSQL gone before the session is saved (web/app.ts's redirect): say the mandat
      // exists, not « Service indisponible » (README « Pannes et reprises »). A resubmit lands on it.
      res.locals.sessionNonEnregistree = () => res.status(200).send(render(req, {
        title: 'Mandat créé', breadcrumb: { parents: PARENTS_USAGERS }, content: mandatCreeServiceIndisponiblePage({ usagerId: cree.usagerId, mandatId: cree.mandatId }),
      }));
      res.redirect(303, `/usagers/${cree.usagerId}#mandat-${cree.mandatId}`);
    } catch (err) {
      if (err instanceof CreationMandatRefusee) {
        delete req.session.brouillonMandat;
        return impossible(req, res, 409, err.message);
      }
      throw err;
    }
  });

  return router;
}
