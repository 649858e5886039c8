// The usager's pivot identity as FranceConnect gives it and takes it back (franceconnect.md §5, domain.md §11):
// stored unchanged, checked against FranceConnect's rules before it is sent, since FranceConnect compares it
// with the national register (RNIPP) and refuses a malformed one.
import { emailValide } from './contact.ts';

export const PAYS_FRANCE = '99100';

export interface IdentitePivot {
  given_name: string;
  family_name: string;
  preferred_username?: string | null;
  birthdate: string;
  gender: string;
  birthplace: string | null;
  birthcountry: string;
  email: string | null;
}

/** INSEE commune code: 2 digits (or 2A / 2B for Corsica), then 3 digits. */
export const FORMAT_COMMUNE_INSEE = /^(?:[0-9]{2}|2A|2B)[0-9]{3}$/;
/** INSEE country code: 99 then 3 digits (99100 = France). */
export const FORMAT_PAYS_INSEE = /^99[0-9]{3}$/;

const longueurNom = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 256;

/** YYYY-MM-DD, or with an unknown day (YYYY-MM-00) or unknown day and month (YYYY-00-00). */
export function dateNaissanceValide(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = value.match(/^([0-9]{4})-([0-9]{2})-([0-9]{2})$/);
  if (!m) return false;
  const [annee, mois, jour] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mois === 0) return jour === 0;
  if (mois > 12) return false;
  if (jour === 0) return true;
  const d = new Date(Date.UTC(annee, mois - 1, jour));
  return d.getUTCMonth() === mois - 1 && d.getUTCDate() === jour;
}

/** What is wrong with an identity by FranceConnect's rules (empty list: it can be sent). */
export function erreursIdentitePivot(id: IdentitePivot): string[] {
  const erreurs: string[] = [];
  if (!longueurNom(id.given_name)) erreurs.push('given_name');
  if (!longueurNom(id.family_name)) erreurs.push('family_name');
  if (id.preferred_username != null && id.preferred_username !== '' && !longueurNom(id.preferred_username)) erreurs.push('preferred_username');
  if (!dateNaissanceValide(id.birthdate)) erreurs.push('birthdate');
  if (id.gender !== 'female' && id.gender !== 'male') erreurs.push('gender');
  if (!FORMAT_PAYS_INSEE.test(id.birthcountry ?? '')) erreurs.push('birthcountry');
  const lieu = id.birthplace ?? '';
  // Born in France: the commune is required; born abroad: empty (never "None").
  if (id.birthcountry === PAYS_FRANCE ? !FORMAT_COMMUNE_INSEE.test(lieu) : lieu !== '') erreurs.push('birthplace');
  if (!emailValide(id.email) || id.email !== id.email?.trim()) erreurs.push('email');
  return erreurs;
}

/** The claims sent to FranceConnect, exactly as stored; born abroad gives `birthplace: ""`. */
export function claimsIdentitePivot(id: IdentitePivot): Record<string, string> {
  return {
    given_name: id.given_name,
    family_name: id.family_name,
    ...(id.preferred_username ? { preferred_username: id.preferred_username } : {}),
    birthdate: id.birthdate,
    gender: id.gender,
    birthplace: id.birthplace ?? '',
    birthcountry: id.birthcountry,
    email: id.email ?? '',
  };
}
