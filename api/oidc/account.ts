// Who the provider speaks about: the usager the aidant chose. oidc-provider's grant id links the code and
// the access token to the aidant's choice (aidant, structure, usager, démarche, autorisation); at the token
// and userinfo endpoints the autorisation must still be usable, or the code / token is refused
// (invalid_grant / invalid_token). The identity is the stored pivot identity, unchanged.
import { createHash } from 'node:crypto';
import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { claimsIdentitePivot, erreursIdentitePivot } from '../../db/domain/identite-pivot.ts';
import {
  colonnesAutorisationUtilisable, requeteAutorisationsUtilisables, type AutorisationUtilisable, type UsagerIdentite,
} from '../../db/queries/autorisations.ts';
import { journaliser } from '../../db/queries/journal.ts';
import type { Logger } from '../../db/platform/logger.ts';

export interface ChoixAidant {
  grant_id: string;
  client_id: string;
  aidant_id: number;
  structure_id: number;
  usager_id: number;
  mandat_id: number;
  autorisation_id: number;
  demarche: Demarche;
  rep_scope: string | null;
  expires_at: Date;
}

export interface ChoixUtilisable {
  choix: ChoixAidant;
  usager: UsagerIdentite;
}

export async function enregistrerChoix(db: Db, choix: ChoixAidant): Promise<void> {
  await db('oidc_choix').insert(choix);
}

/** The choice behind a grant, if its autorisation is still usable by that aidant right now (one query). */
export async function choixUtilisable(db: Db, grantId: string): Promise<ChoixUtilisable | null> {
  const row = await requeteAutorisationsUtilisables(db, { aidantId: db.ref('c.aidant_id') })
    .join('oidc_choix as c', (j) => j.on('c.autorisation_id', 'a.id').andOn('c.structure_id', 'm.structure_id').andOn('c.usager_id', 'm.usager_id'))
    .where('c.grant_id', grantId)
    .where('c.expires_at', '>', db.fn.now())
    .first([...colonnesAutorisationUtilisable(db), 'c.aidant_id', 'c.grant_id', 'c.client_id', 'c.rep_scope', 'c.expires_at']);
  if (!row) return null;
  const { usager, mandat_expires_at: _fin, ...choix } = row as AutorisationUtilisable & Pick<ChoixAidant, 'aidant_id' | 'grant_id' | 'client_id' | 'rep_scope' | 'expires_at'>;
  return { choix, usager };
}

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
    const found = grantId ? await choixUtilisable(db, grantId) : null;
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

export const hashAccessToken = (token: string) => createHash('sha256').update(token).digest('hex');

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
