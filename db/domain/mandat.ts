// Mandat durations and retention (domain.md §4): expiry is the creation time plus a fixed number of days.
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

/** CGU §7.1: a mandat is kept 6 years after its end, then purged. */
export const CONSERVATION_MANDAT_ANNEES = 6;

export function datePurgeMandat(fin: Date): Date {
  const d = new Date(fin.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + CONSERVATION_MANDAT_ANNEES);
  return d;
}
