// Who the provider speaks about: the usager the aidant chose. oidc-provider's grant id links the code and
// the access token to the aidant's choice (aidant, structure, usager, démarche, autorisation); at the token
// and userinfo endpoints the autorisation must still be usable, or the code / token is refused
// (invalid_grant / invalid_token). The identity is the stored pivot identity, unchanged. The choices are stored
// and read by db/queries/fournisseur-identite.ts.
import { empreinteJeton } from '../../db/domain/jetons.ts';
import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import { claimsIdentitePivot, erreursIdentitePivot } from '../../db/domain/identite-pivot.ts';
import type { ChoixUtilisable } from '../../db/queries/fournisseur-identite.ts';
import { lireGrantEtChoix } from './adapter.ts';
import { journaliser } from '../../db/queries/journal.ts';
import type { Logger } from '../../db/platform/logger.ts';

const USE = Symbol('aidants-connect choice');

/** The choice findAccount loaded for this request (the userinfo journal reads it). */
export function choixDeLaRequete(ctx: KoaContextWithOIDC): ChoixUtilisable | undefined {
  return (ctx as unknown as Record<symbol, ChoixUtilisable | undefined>)[USE];
}

export function findAccountFor(db: Db, log: Logger): FindAccount {
  return async (ctx, sub, token): Promise<Account | undefined> => {
    // At the authorization endpoint (no token) only the subject matters: the interaction has just checked it.
    if (!token) return { accountId: sub, claims: () => ({ sub }) };
    const grantId = (token as { grantId?: string }).grantId;
    // With the grant, in one query per request (api/oidc/adapter.ts).
    const found = grantId ? (await lireGrantEtChoix(db, grantId)).choix : null;
    if (!found || found.usager.sub !== sub) return undefined;
    const erreurs = erreursIdentitePivot(found.usager);
    if (erreurs.length) {
      log.error({ usagerId: found.usager.id, champs: erreurs }, 'identité pivot invalide : refusée à FranceConnect');
      return undefined;
    }
    (ctx as unknown as Record<symbol, ChoixUtilisable>)[USE] = found;
    const identite = claimsIdentitePivot(found.usager);
    const repScope = found.choix.rep_scope;
    return {
      accountId: sub,
      claims: () => ({ sub, ...identite, ...(repScope ? { rep_scope: [repScope] } : {}) }),
    };
  };
}

/** The access token as the journal keeps it: the one token fingerprint (db/domain/jetons.ts). */
export const hashAccessToken = empreinteJeton;

/** One `use_autorisation` row per authorization, however many times userinfo is called. */
export async function journaliserUtilisation(db: Db, found: ChoixUtilisable, accessToken: string): Promise<void> {
  const { choix } = found;
  await journaliser(db, {
    action: 'use_autorisation',
    aidant_id: choix.aidant_id,
    structure_id: choix.structure_id,
    usager_id: choix.usager_id,
    mandat_id: choix.mandat_id,
    demarche: choix.demarche,
    autorisation_id: choix.autorisation_id,
    access_token: hashAccessToken(accessToken),
    oidc_client_id: choix.client_id,
    idempotency_key: `use_autorisation:${choix.grant_id}`,
  });
}
