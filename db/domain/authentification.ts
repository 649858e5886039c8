// Authentication rules (db/domain/README.md#authentification): TOTP periods and tolerances, card drift, link and code lifetimes,
// re-authentication window, and the growing delays of the rate limit.
import { HEURE_MS, JOUR_MS, MINUTE_MS } from './durees.ts';

export const PERIODE_TOTP_CARTE_S = 60;
export const PERIODE_TOTP_APPLICATION_S = 30;
/** Accepted steps either side of now, normally. */
export const TOLERANCE_NORMALE = 1;
/**
 * Steps either side accepted when someone authenticated resynchronises a drifted card (a référent, or the
 * aidant logged in by another means). Anonymous failures never widen the window.
 */
export const TOLERANCE_RESYNCHRONISATION = 30;

export const DUREE_LIEN_CONNEXION_MS = 5 * MINUTE_MS;
export const DUREE_SESSION_MS = JOUR_MS;
export const DELAI_REAUTHENTIFICATION_MS = 15 * MINUTE_MS;
export const DUREE_PREMIERE_CONNEXION_MS = 30 * MINUTE_MS;
export const ESSAIS_CODE_SMS = 5;
/** A new first-connection SMS is sent at most once a minute per account. */
export const DELAI_ENTRE_ENVOIS_MS = MINUTE_MS;

/**
 * Limits on attempts, over a sliding window (api/auth/rate-limit.ts). `refuse`: beyond `max` attempts in the
 * window, refused until the oldest leaves it. `ralentit`: never refused, only slowed down (an account must not
 * be locked out by someone else's failures from other addresses).
 */
export type TypeLimite = 'compte-ip' | 'ip' | 'compte' | 'premiere-connexion' | 'carte' | 'destinataire' | 'envoi-ip' | 'rattachement';
export interface RegleLimite {
  max: number;
  fenetreMs: number;
  effet: 'refuse' | 'ralentit';
}
export const LIMITES_TENTATIVES: Record<TypeLimite, RegleLimite> = {
  /** Codes typed for one account from one address. */
  'compte-ip': { max: 5, fenetreMs: 15 * MINUTE_MS, effet: 'refuse' },
  /** Everything from one address (several aidants of a structure often share one: more room). */
  ip: { max: 20, fenetreMs: 15 * MINUTE_MS, effet: 'refuse' },
  /** Codes typed for one account from anywhere: beyond `max`, each attempt waits a little longer. */
  compte: { max: 10, fenetreMs: 15 * MINUTE_MS, effet: 'ralentit' },
  /** First-connection requests for one email address. */
  'premiere-connexion': { max: 5, fenetreMs: 15 * MINUTE_MS, effet: 'refuse' },
  /** Codes typed to validate or resynchronise one aidant's card. */
  carte: { max: 5, fenetreMs: 15 * MINUTE_MS, effet: 'refuse' },
  /** Official emails sent to one address on a visitor's request (habilitation links). */
  destinataire: { max: 3, fenetreMs: HEURE_MS, effet: 'refuse' },
  /** Such emails asked from one address. */
  'envoi-ip': { max: 10, fenetreMs: HEURE_MS, effet: 'refuse' },
  /** Requests by one référent for aidants of other structures (each emails those structures' référents). */
  rattachement: { max: 10, fenetreMs: HEURE_MS, effet: 'refuse' },
};
/** The slowing down of an account after many failures: doubles from 250 ms, never more than 3 s. */
export const RALENTISSEMENT_MAX_MS = 3000;
export function ralentissementApresEchecs(echecs: number): number {
  const max = LIMITES_TENTATIVES.compte.max;
  return echecs < max ? 0 : Math.min(250 * 2 ** (echecs - max), RALENTISSEMENT_MAX_MS);
}

export const RAISONS_DISSOCIATION_CARTE = {
  perte: 'Perte',
  casse: 'Casse',
  dysfonctionnement: 'Dysfonctionnement',
  depart: "Départ de l'aidant",
  erreur: "Erreur d'association",
  autre: 'Autre',
} as const;
export type RaisonDissociation = keyof typeof RAISONS_DISSOCIATION_CARTE;

export function estCodeTotp(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{6}$/.test(value);
}
