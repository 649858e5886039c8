// The usager's pivot identity as stored and handed back to FranceConnect (api/franceconnect/README.md#identité-pivot): checked by the
// same rules as when FranceConnect gave it (db/domain/usager.ts), since FranceConnect compares it with the
// national register (RNIPP) and refuses a malformed one.
import { dateNaissanceValide, PAYS_FRANCE, validerIdentitePivot } from './usager.ts';

export { dateNaissanceValide, PAYS_FRANCE };

/** A stored usager row's identity (the database allows null where FranceConnect sends nothing). */
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

/** The fields that break FranceConnect's rules (empty list: the identity can be sent). */
export function erreursIdentitePivot(id: IdentitePivot): string[] {
  const verification = validerIdentitePivot({ ...id, preferred_username: id.preferred_username ?? undefined, email: id.email ?? undefined });
  const champs = verification.ok ? [] : verification.erreurs.map((e) => e.split(' ')[0]);
  // Sent exactly as stored: surrounding spaces would reach FranceConnect as they are.
  if (typeof id.email === 'string' && id.email !== id.email.trim() && !champs.includes('email')) champs.push('email');
  return champs;
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
