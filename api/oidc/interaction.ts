// What the aidant's pages do during an authorization FranceConnect asked for: read the pending request,
// list the usagers and démarches the aidant may act for, and end the interaction with the aidant's choice
// (the mandat is the consent) or with a refusal sent back to FranceConnect.
import type { Request, Response } from 'express';
import { errors } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import type { Aidant } from '../../db/models/index.ts';
import { TOUTES_LES_DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import { ACR_FRANCECONNECT, demarcheDeRepScope, lireRepScope, repScopePourDemarche, type RepScopeDemande } from '../../db/domain/fournisseur-identite.ts';
import { erreursIdentitePivot } from '../../db/domain/identite-pivot.ts';
import {
  autorisationsUtilisablesDeLUsager, usagersAvecAutorisations, type AutorisationUtilisable, type UsagerAvecAutorisations, type UsagerIdentite,
} from '../../db/queries/autorisations.ts';
import { compteSuspendu } from '../../db/queries/structures.ts';
import type { CompteDeLaSession } from '../../db/queries/authentification.ts';
import { bloqueParSuspension } from '../../db/domain/suspension.ts';
import type { OidcInstance } from './provider.ts';
import { enregistrerGrantAvecChoix } from './adapter.ts';

export interface DemandeEnCours {
  uid: string;
  clientId: string;
  scope: string;
  repScope: RepScopeDemande;
  /** Démarches FranceConnect's service asked for (null: any). */
  demarchesDemandees: Demarche[] | null;
  /** Already answered (a second submit of the same page). */
  returnTo: string | null;
  /** The provider's pending interaction, to store the answer in. */
  interaction: Awaited<ReturnType<OidcInstance['provider']['interactionDetails']>>;
}

/** The pending authorization of this browser, or null when it expired or is unknown (cookie missing). */
export async function lireDemande(oidc: OidcInstance, req: Request, res: Response): Promise<DemandeEnCours | null> {
  let details;
  try {
    details = await oidc.provider.interactionDetails(req, res);
  } catch (err) {
    if (err instanceof errors.SessionNotFound) return null;
    throw err;
  }
  if (details.uid !== req.params.uid) return null;
  const params = details.params as Record<string, string | undefined>;
  const repScope = lireRepScope(params.claims);
  return {
    uid: details.uid,
    clientId: String(params.client_id),
    scope: String(params.scope ?? ''),
    repScope,
    demarchesDemandees: repScope.valeurs ? repScope.valeurs.map(demarcheDeRepScope).filter((d): d is Demarche => d !== null) : null,
    returnTo: details.result ? details.returnTo : null,
    interaction: details,
  };
}

const sansAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The usager page's list, kept in this process for the démarche page that follows (issue 19: nothing is
 * computed twice between the two pages). Keyed by interaction, aidant and current structure; kept a few
 * minutes, the oldest dropped beyond a bound. The démarche page only shows what the list said; the final
 * submit checks the autorisation again in the database (terminerAvecChoix), so a mandat revoked between
 * the pages is refused there. Another web instance, or a list gone, reads the database as before.
 */
const LISTES_GARDEES_MS = 5 * 60_000;
const LISTES_MAX = 2_000;
const listes = new Map<string, { usagers: UsagerAvecAutorisations[]; jusqua: number }>();
const cleListe = (demande: DemandeEnCours, aidant: Aidant) => `${demande.uid}:${aidant.id}:${aidant.current_structure_id}`;

function garderListe(cle: string, usagers: UsagerAvecAutorisations[]): void {
  listes.delete(cle);
  listes.set(cle, { usagers, jusqua: Date.now() + LISTES_GARDEES_MS });
  for (const [ancienne, { jusqua }] of listes) {
    if (listes.size <= LISTES_MAX && jusqua > Date.now()) break;
    listes.delete(ancienne);
  }
}

function listeGardee(cle: string): UsagerAvecAutorisations[] | null {
  const gardee = listes.get(cle);
  if (!gardee || gardee.jusqua <= Date.now()) return null;
  return gardee.usagers;
}

/** The interaction is answered: its list is of no more use. */
function oublierListes(uid: string): void {
  for (const cle of listes.keys()) if (cle.startsWith(`${uid}:`)) listes.delete(cle);
}

/** Usagers the aidant may act for under this request, filtered by a name search (accents and case ignored). */
export async function usagersProposes(db: Db, aidant: Aidant, demande: DemandeEnCours, recherche: string): Promise<{ usagers: UsagerAvecAutorisations[]; total: number }> {
  const tous = await usagersAvecAutorisations(db, aidant.id, demande.demarchesDemandees);
  garderListe(cleListe(demande, aidant), tous);
  const mots = sansAccents(recherche).split(/\s+/).filter(Boolean);
  const usagers = mots.length
    ? tous.filter((u) => {
        const nom = sansAccents(`${u.given_name} ${u.family_name} ${u.preferred_username ?? ''}`);
        return mots.every((m) => nom.includes(m));
      })
    : tous;
  return { usagers, total: tous.length };
}

/** What the démarche page shows: the usager and the démarches they may be chosen for. */
export interface DemarchesAffichees {
  usager: Pick<UsagerIdentite, 'id' | 'given_name' | 'family_name' | 'preferred_username' | 'birthdate'>;
  demarches: Demarche[];
}

/**
 * The démarche page: from the usager page's list when this process still holds it, else from the database
 * (demarchesPourUsager). Null when the usager cannot be chosen.
 */
export async function demarchesAffichees(db: Db, aidant: Aidant, demande: DemandeEnCours, usagerId: unknown): Promise<DemarchesAffichees | null> {
  const id = idUsager(usagerId);
  if (id === null) return null;
  const deLaListe = listeGardee(cleListe(demande, aidant))?.find((u) => u.id === id);
  if (deLaListe) {
    const { demarches, ...usager } = deLaListe;
    return { usager, demarches: TOUTES_LES_DEMARCHES.filter((d) => demarches.includes(d)) };
  }
  const choix = await demarchesPourUsager(db, aidant, demande, usagerId);
  return choix && { usager: choix.usager, demarches: choix.autorisations.map((a) => a.demarche) };
}

const idUsager = (valeur: unknown) => (typeof valeur === 'string' && /^[0-9]{1,9}$/.test(valeur) ? Number(valeur) : null);

export interface UsagerChoisi {
  usager: UsagerIdentite;
  autorisations: AutorisationUtilisable[];
}

/** The usager and the démarches the aidant may choose for them; null when none (unknown, another structure, ended). */
export async function demarchesPourUsager(db: Db, aidant: Aidant, demande: DemandeEnCours, usagerId: unknown): Promise<UsagerChoisi | null> {
  const id = idUsager(usagerId);
  if (id === null) return null;
  const autorisations = await autorisationsUtilisablesDeLUsager(db, aidant.id, id, demande.demarchesDemandees);
  if (!autorisations.length) return null;
  const { usager } = autorisations[0];
  // One autorisation per démarche (the latest-ending if two mandats overlap), in the démarches' display order.
  const parDemarche = new Map<string, AutorisationUtilisable>();
  for (const a of autorisations) if (!parDemarche.has(a.demarche)) parDemarche.set(a.demarche, a);
  return { usager, autorisations: TOUTES_LES_DEMARCHES.flatMap((d) => parDemarche.get(d) ?? []) };
}

export type ResultatChoix =
  | { kind: 'termine'; returnTo: string }
  | { kind: 'indisponible' }
  | { kind: 'demarche_manquante'; choix: UsagerChoisi }
  | { kind: 'identite_incomplete' };

/**
 * Ends the interaction with the aidant's choice: the autorisation is checked again here (a forged or stale
 * form is refused), a grant is stored with the requested scopes (and `rep_scope` when asked), the choice is
 * recorded against that grant, and the provider resumes with the usager as subject, acr eidas1.
 */
export async function terminerAvecChoix(
  deps: { db: Db; oidc: OidcInstance },
  demande: DemandeEnCours,
  aidant: Aidant,
  form: { usager: unknown; demarche: unknown },
): Promise<ResultatChoix> {
  if (demande.returnTo) return { kind: 'termine', returnTo: demande.returnTo };
  const choix = await demarchesPourUsager(deps.db, aidant, demande, form.usager);
  if (!choix) return { kind: 'indisponible' };
  if (typeof form.demarche !== 'string' || !form.demarche) return { kind: 'demarche_manquante', choix };
  const autorisation = choix.autorisations.find((a) => a.demarche === form.demarche);
  if (!autorisation) return { kind: 'indisponible' };

  const { usager } = choix;
  if (erreursIdentitePivot(usager).length) return { kind: 'identite_incomplete' };

  const { provider, settings } = deps.oidc;
  const grant = new provider.Grant({ accountId: usager.sub, clientId: demande.clientId });
  grant.addOIDCScope(demande.scope);
  // Without this, the consent prompt would never be satisfied for a request naming rep_scope.
  if (demande.repScope.demande) grant.addOIDCClaims(['rep_scope']);
  // The grant and the choice behind it: one statement (api/oidc/adapter.ts).
  const grantId = await enregistrerGrantAvecChoix(grant, {
    client_id: demande.clientId,
    aidant_id: aidant.id,
    structure_id: autorisation.structure_id,
    usager_id: usager.id,
    mandat_id: autorisation.mandat_id,
    autorisation_id: autorisation.autorisation_id,
    demarche: autorisation.demarche,
    rep_scope: demande.repScope.demande ? (repScopePourDemarche(autorisation.demarche, demande.repScope.valeurs) ?? autorisation.demarche) : null,
    expires_at: new Date(Date.now() + settings.ttl.Grant * 1000),
  });

  // What provider.interactionResult does, on the interaction already read for this request.
  const { interaction } = demande;
  interaction.result = { login: { accountId: usager.sub, acr: ACR_FRANCECONNECT, remember: false }, consent: { grantId } };
  await interaction.persist();
  oublierListes(demande.uid);
  return { kind: 'termine', returnTo: interaction.returnTo };
}

/**
 * Issue 20: the aidant's structure is suspended by staff. Its sessions end at the suspension and its usable
 * autorisations are none; the interaction still refuses at once (a session opened in a race). The
 * suspension normally comes with the session's account (`compte`, read with the session): no query then.
 */
export async function aidantSuspendu(db: Db, aidant: Aidant, compte?: CompteDeLaSession): Promise<boolean> {
  if (compte?.aidant.id !== aidant.id) return compteSuspendu(db, aidant);
  return bloqueParSuspension(aidant) && aidant.current_structure_id !== null && compte.structureCouranteSuspendue;
}

/**
 * Why the authorization is refused: each gives FranceConnect the error it forwards to the service, in French
 * (issue 18) and in the characters RFC 6749 §4.1.2.1 allows in `error_description` (printable ASCII, no
 * double quote or backslash): hence the wording without accents.
 */
export const REFUS = {
  annulation: "L'aidant a interrompu la connexion",
  aucun_mandat: 'Aucun mandat en cours pour cette demande',
  aidant_non_habilite: 'Ce compte ne peut pas agir pour un usager',
} as const;
export type MotifRefus = keyof typeof REFUS;

export function estMotifRefus(value: unknown): value is MotifRefus {
  return typeof value === 'string' && Object.hasOwn(REFUS, value);
}

/** Ends the interaction with `access_denied`: FranceConnect receives it with its `state`. */
export async function terminerAvecRefus(demande: DemandeEnCours, motif: MotifRefus): Promise<string> {
  const { interaction } = demande;
  interaction.result = { error: 'access_denied', error_description: REFUS[motif] };
  await interaction.persist();
  oublierListes(demande.uid);
  return interaction.returnTo;
}
