// The usager's pivot identity as FranceConnect sends it (api/franceconnect/README.md#identité-pivot), and the usager's
// `sub`. The identity is validated strictly but stored exactly as received: FranceConnect compares it with
// the national register (RNIPP) when we hand it back as identity provider, so nothing is ever normalised.
import { createHash } from 'node:crypto';
import { emailValide } from './contact.ts';
import { LONGUEUR_SEL_MIN, selDepuisEnv } from './sels.ts';

export interface IdentitePivot {
  /** All first names, space-separated. */
  given_name: string;
  /** Birth name. */
  family_name: string;
  /** Usage name, when FranceConnect sends one. */
  preferred_username?: string;
  /** `YYYY-MM-DD`, or `YYYY-MM-00` / `YYYY-00-00` when partly unknown. */
  birthdate: string;
  gender: 'female' | 'male';
  /** INSEE commune code when born in France; `''` or null (as FranceConnect sent it) when born abroad. */
  birthplace: string | null;
  /** INSEE country code; `99100` = France. */
  birthcountry: string;
  email: string;
}

export const PAYS_FRANCE = '99100';
const LONGUEUR_NOM_MAX = 256;
const COMMUNE_INSEE = /^(?:[0-9]{2}|2A|2B)[0-9]{3}$/;
const PAYS_INSEE = /^99[0-9]{3}$/;
const DATE_NAISSANCE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export type ResultatIdentitePivot = { ok: true; identite: IdentitePivot } | { ok: false; erreurs: string[] };

function nomValide(value: unknown): value is string {
  // Length in characters (code points), not UTF-16 units: accented and rare letters count once.
  return typeof value === 'string' && value.trim() !== '' && [...value].length <= LONGUEUR_NOM_MAX;
}

/** `YYYY-MM-DD` on the calendar; an unknown day (`00`), or unknown month and day (`00-00`), are allowed. */
export function dateNaissanceValide(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = value.match(DATE_NAISSANCE);
  if (!m) return false;
  const [annee, mois, jour] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (annee < 1800) return false;
  if (mois === 0) return jour === 0;
  if (mois > 12) return false;
  if (jour === 0) return true;
  const date = new Date(Date.UTC(annee, mois - 1, jour));
  return date.getUTCMonth() === mois - 1 && date.getUTCDate() === jour;
}

/**
 * Checks the claims received from FranceConnect's userinfo and keeps only the pivot identity (nothing else
 * is stored or handed on). Error messages are in French, for logs and support.
 */
export function validerIdentitePivot(claims: unknown): ResultatIdentitePivot {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return { ok: false, erreurs: ["l'identité reçue n'est pas un objet JSON"] };
  }
  const c = claims as Record<string, unknown>;
  const erreurs: string[] = [];

  if (!nomValide(c.given_name)) erreurs.push(`given_name : prénoms attendus (1 à ${LONGUEUR_NOM_MAX} caractères)`);
  if (!nomValide(c.family_name)) erreurs.push(`family_name : nom de naissance attendu (1 à ${LONGUEUR_NOM_MAX} caractères)`);
  // null means "no usage name" just like an absent claim.
  const nomUsage = c.preferred_username;
  if (nomUsage !== undefined && nomUsage !== null && !(typeof nomUsage === 'string' && [...nomUsage].length <= LONGUEUR_NOM_MAX)) {
    erreurs.push(`preferred_username : nom d'usage de ${LONGUEUR_NOM_MAX} caractères au plus attendu`);
  }
  if (!dateNaissanceValide(c.birthdate)) erreurs.push('birthdate : date AAAA-MM-JJ attendue (AAAA-MM-00 ou AAAA-00-00 si incomplète)');
  if (c.gender !== 'female' && c.gender !== 'male') erreurs.push('gender : « female » ou « male » attendu');

  const paysValide = typeof c.birthcountry === 'string' && PAYS_INSEE.test(c.birthcountry);
  if (!paysValide) erreurs.push('birthcountry : code pays INSEE à 5 chiffres attendu (99100 pour la France)');
  // Born abroad: FranceConnect sends an empty birthplace; an absent one is kept as null.
  const lieu = c.birthplace === undefined ? null : c.birthplace;
  if (paysValide && c.birthcountry === PAYS_FRANCE) {
    if (typeof lieu !== 'string' || !COMMUNE_INSEE.test(lieu)) {
      erreurs.push('birthplace : code commune INSEE à 5 caractères attendu pour une naissance en France');
    }
  } else if (paysValide && lieu !== null && lieu !== '') {
    erreurs.push("birthplace : doit être vide pour une naissance à l'étranger");
  }

  if (typeof c.email !== 'string' || !emailValide(c.email) || c.email.length > 254) erreurs.push('email : adresse e-mail valide attendue');

  if (erreurs.length) return { ok: false, erreurs };
  const identite: IdentitePivot = {
    given_name: c.given_name as string,
    family_name: c.family_name as string,
    ...(typeof nomUsage === 'string' ? { preferred_username: nomUsage } : {}),
    birthdate: c.birthdate as string,
    gender: c.gender as 'female' | 'male',
    birthplace: lieu as string | null,
    birthcountry: c.birthcountry as string,
    email: c.email as string,
  };
  return { ok: true, identite };
}

/** The usager's `sub` (ours, also towards FranceConnect as identity provider): hex SHA-256(FC sub + salt). */
export function subUsager(fcSub: string, salt: string): string {
  return createHash('sha256').update(fcSub + salt, 'utf8').digest('hex');
}

/** The salt must stay the public service's one for continuity with existing usagers (never change it). */
export { LONGUEUR_SEL_MIN };

/** `FC_AS_FI_HASH_SALT`; required (16 characters at least) in production, a fixed value elsewhere. */
export function hashSaltFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return selDepuisEnv(env, 'FC_AS_FI_HASH_SALT', 'sel-de-developpement-aidants-connect-ne-pas-utiliser-en-production');
}
