// Mandat durations and retention (db/domain/README.md#durées): expiry is the creation time plus a fixed number of days.
import { JOUR_MS } from './durees.ts';

export const DUREES_MANDAT = {
  SHORT: { jours: 1, libelle: "Mandat court (expire demain)" },
  MONTH: { jours: 31, libelle: 'Un mois (31 jours)' },
  SEMESTER: { jours: 182, libelle: 'Six mois (182 jours)' },
  LONG: { jours: 365, libelle: 'Douze mois (365 jours)' },
} as const;

export type DureeMandat = keyof typeof DUREES_MANDAT;

export function estDureeMandat(value: unknown): value is DureeMandat {
  return typeof value === 'string' && Object.hasOwn(DUREES_MANDAT, value);
}

export function dateExpirationMandat(creation: Date, duree: DureeMandat): Date {
  return new Date(creation.getTime() + DUREES_MANDAT[duree].jours * JOUR_MS);
}

/** CGU §7.1: a mandat is kept 6 years after its end, then purged (db/domain/README.md#conservation). */
export const CONSERVATION_MANDAT_ANNEES = 6;

export function datePurgeMandat(fin: Date): Date {
  const d = new Date(fin.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + CONSERVATION_MANDAT_ANNEES);
  return d;
}

/**
 * What the mandat workflow sleeps for after the end before purging: at least 6 calendar years (6 × 365 days
 * plus the at most 2 leap days such a span contains), never less.
 */
export const DUREE_CONSERVATION_MANDAT_MS = (CONSERVATION_MANDAT_ANNEES * 365 + 2) * JOUR_MS;

/** Reminder to the structure's aidants before expiry, for the long durations only (db/domain/README.md#rappel-avant-expiration). */
export const RAPPEL_AVANT_EXPIRATION_MS = 30 * JOUR_MS;
export const DUREES_AVEC_RAPPEL: readonly DureeMandat[] = ['SEMESTER', 'LONG'];

export function rappelAvantExpiration(duree: DureeMandat | 'EUS_03_20'): number | null {
  return (DUREES_AVEC_RAPPEL as readonly string[]).includes(duree) ? RAPPEL_AVANT_EXPIRATION_MS : null;
}

/** Status written by the mandat workflow (and by a full revocation, in the same transaction). */
export const STATUTS_MANDAT = ['active', 'expired', 'revoked'] as const;
export type StatutMandat = (typeof STATUTS_MANDAT)[number];

/** An ended mandat stays renewable (and listed) this long after its end (db/domain/README.md#renouvellement). */
export const DELAI_RENOUVELLEMENT_MS = 365 * JOUR_MS;

/** "Expires soon" in lists: within 30 days. */
export const BIENTOT_EXPIRE_MS = 30 * JOUR_MS;

/** Creation must be finished within 30 minutes of its start (FranceConnect round trip included). */
export const DELAI_CREATION_MANDAT_MS = 30 * 60 * 1000;

/** Usagers: at least one démarche, only among those the structure allows. */
export function demarchesRefusees(choisies: readonly string[], autorisees: readonly string[]): string[] {
  return choisies.filter((d) => !autorisees.includes(d));
}

/** How a mandat is grouped in the lists (the status comes from the database; "bientôt" from its expiry). */
export type GroupeMandat = 'actif' | 'bientot' | 'expire' | 'revoque';

export function groupeMandat(m: { status: StatutMandat; expires_at: Date }, maintenant: Date): GroupeMandat {
  if (m.status === 'revoked') return 'revoque';
  if (m.status === 'expired') return 'expire';
  return m.expires_at.getTime() - maintenant.getTime() <= BIENTOT_EXPIRE_MS ? 'bientot' : 'actif';
}

export const LIBELLES_GROUPE_MANDAT: Record<GroupeMandat, string> = {
  actif: 'Mandats actifs',
  bientot: 'Mandats qui expirent dans les 30 jours',
  expire: 'Mandats expirés',
  revoque: 'Mandats révoqués',
};

/**
 * A usager's mandat with the structure can be renewed (no FranceConnect again) while it is active or ended
 * less than 365 days ago; older ones are "outdated" (db/domain/README.md#renouvellement).
 */
export function estRenouvelable(m: { status: StatutMandat; ended_at: Date | null }, maintenant: Date): boolean {
  if (m.status === 'active') return true;
  return m.ended_at !== null && maintenant.getTime() - m.ended_at.getTime() < DELAI_RENOUVELLEMENT_MS;
}

/** "26 novembre 2027" ("1er" for the first day of a month), in Paris time. */
// Built once: creating an Intl.DateTimeFormat costs about as much as a whole verification page (issue 10 bench).
const DATE_LONGUE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });

export function dateLongue(d: Date): string {
  const parts = DATE_LONGUE.formatToParts(d);
  return parts.map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value)).join('');
}

/** The sentence of the recap and the printed mandat: "pour 1 jour / 31 jours…, jusqu'au 26 novembre 2027". */
export function phraseDuree(duree: DureeMandat, expiration: Date): string {
  const jours = DUREES_MANDAT[duree].jours;
  return `pour ${jours === 1 ? '1 jour' : `${jours} jours`}, jusqu’au ${dateLongue(expiration)}`;
}
