// The inactivity rule (db/domain/README.md#inactivité, CGU art. 5): 5 months without login → warning email, 1 more month
// without login → the account is deactivated. Applied to every aidant, whatever their TOTP device.
//
// A month counts as 30 days: one fixed length keeps the timers, the tests and the date announced in the
// warning email consistent whatever the calendar month (so "5 months" lasts 150 days).
//
// Reference point of a cycle: the newest of the last login and the moment the watch started. An aidant who
// never logged in is thus counted from the start of the watch (their activation, since the watch starts
// then), and a reactivated aidant gets a full 5 months instead of being warned at once for an old login.
import { JOUR_MS } from './durees.ts';

export { JOUR_MS };
export const MOIS_INACTIVITE_MS = 30 * JOUR_MS;

/** Without login for this long after the reference point, the aidant is warned. */
export const DELAI_AVERTISSEMENT_INACTIVITE_MS = 5 * MOIS_INACTIVITE_MS;
/** Still without login this long after the warning, the account is deactivated. */
export const DELAI_DESACTIVATION_INACTIVITE_MS = 1 * MOIS_INACTIVITE_MS;

/** A login strictly after the cycle's reference point starts a new cycle from that login. */
export function connexionPlusRecente(derniereConnexion: Date | null, referenceMs: number): boolean {
  return derniereConnexion !== null && derniereConnexion.getTime() > referenceMs;
}

export type EtapeInactivite = 'avertissement' | 'desactivation';

/**
 * Idempotency key of a step's side effects (journal row, emails) in one cycle. A cycle is named by its
 * reference point, so a retried activity reuses the key and a later cycle gets a new one.
 */
export function cleInactivite(aidantId: number, referenceMs: number, etape: EtapeInactivite, destinataire?: string): string {
  return `inactivite-${aidantId}-${referenceMs}-${etape}${destinataire ? `-${destinataire}` : ''}`;
}
