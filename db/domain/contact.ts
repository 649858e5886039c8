// Email addresses, mobile numbers and people's names as people type them: one normalisation and one validity
// rule for the whole service (login, first connection, habilitation requests, accounts created by command).
const FORMAT_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** Spaces removed and lower case (the database also compares emails case-insensitively). */
export function normaliserEmail(value: unknown): string {
  return typeof value === 'string' ? value.trim().replace(/\s+/g, '').toLowerCase() : '';
}

export function emailValide(value: unknown): boolean {
  return FORMAT_EMAIL.test(normaliserEmail(value));
}

/** French mobile numbers (06…, 07…, +33 6…) in E.164; null when not a French mobile number. */
export function mobileE164(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = value.replace(/[\s.\-()]/g, '').match(/^(?:\+33|0033|0)([67][0-9]{8})$/);
  return m ? `+33${m[1]}` : null;
}

/**
 * A person's first or last name: letters (accented too), spaces, apostrophes, hyphens and dots. Names are
 * written into official emails ("Bonjour <prénom>"): no digits, links or other text can ride on them.
 */
const NOM = /^\p{L}[\p{L}\p{M} '’.-]*$/u;
export const LONGUEUR_MAX_NOM = 100;

export function nomValide(value: unknown): boolean {
  return typeof value === 'string' && value.length <= LONGUEUR_MAX_NOM && NOM.test(value.trim());
}

/**
 * A phone number written the French way, « 06 98 76 54 32 », wherever the service shows one (pages, PDF, SMS
 * texts): numbers are stored in E.164 (+33698765432). Anything that is not a French number stays as stored.
 */
export function telephoneLisible(value: string): string {
  const chiffres = value.replace(/[\s.\-()]/g, '');
  const m = chiffres.match(/^(?:\+33|0033|0)([1-9])(\d{2})(\d{2})(\d{2})(\d{2})$/);
  return m ? `0${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}` : value;
}
