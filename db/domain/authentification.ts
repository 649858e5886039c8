// Authentication rules (domain.md §8): TOTP periods and tolerances, card drift, link and code lifetimes,
// re-authentication window, and the growing delays of the rate limit.
import { JOUR_MS, MINUTE_MS } from './durees.ts';

export const PERIODE_TOTP_CARTE_S = 60;
export const PERIODE_TOTP_APPLICATION_S = 30;
/** Accepted steps either side of now, normally. */
export const TOLERANCE_NORMALE = 1;
/** After this many failed codes on a card, the window is widened once so a drifted card can resynchronise. */
export const ECHECS_AVANT_ELARGISSEMENT = 3;
export const TOLERANCE_ELARGIE = 30;

export const DUREE_LIEN_CONNEXION_MS = 5 * MINUTE_MS;
export const DUREE_SESSION_MS = JOUR_MS;
export const DELAI_REAUTHENTIFICATION_MS = 15 * MINUTE_MS;
export const DUREE_PREMIERE_CONNEXION_MS = 30 * MINUTE_MS;
export const ESSAIS_CODE_SMS = 5;
/** A new first-connection SMS is sent at most once a minute per account. */
export const DELAI_ENTRE_ENVOIS_MS = MINUTE_MS;

/** Free attempts before delays start; then the delay doubles at each failure, up to one hour. */
export const ESSAIS_LIBRES = 5;
/** Several aidants of one structure often share an IP address: it gets more free attempts. */
export const ESSAIS_LIBRES_IP = 20;
export function delaiApresEchecs(echecs: number, libres = ESSAIS_LIBRES): number {
  if (echecs < libres) return 0;
  return Math.min(30_000 * 2 ** (echecs - libres), 60 * 60 * 1000);
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
