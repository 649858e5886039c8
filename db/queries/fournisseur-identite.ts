// All SQL of the identity provider FranceConnect calls (api/oidc/): oidc-provider's rows (`oidc_payloads`,
// one per model and id, stored by api/oidc/adapter.ts in the shape the provider expects) and the aidants'
// choices behind its grants (`oidc_choix`: aidant, structure, usager, démarche, autorisation). Expired rows
// are never returned, and purgerFournisseurIdentite deletes them.
import type { Knex } from 'knex';
import { preparerUneFois, requetePreparee, type Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import { colonnesAutorisationUtilisable, requeteAutorisationsUtilisables, type AutorisationUtilisable, type UsagerIdentite } from './autorisations.ts';

// ——— oidc-provider's rows ———

export interface LignePayload<P> {
  payload: P;
  consumed_at: Date | null;
}

const LIGNE_VIVANTE = `(expires_at is null or expires_at > now())`;

/**
 * The live (unexpired) row of a model, looked up by one of its indexed columns. Like every statement of the
 * provider's hot path here, a named prepared statement (db/connection.ts requetePreparee).
 */
export async function lirePayload<P>(db: Db, type: string, colonne: 'id' | 'uid' | 'user_code', valeur: string): Promise<LignePayload<P> | undefined> {
  const [ligne] = await requetePreparee<LignePayload<P>>(db, `oidc_lire_par_${colonne}`,
    `select payload, consumed_at from oidc_payloads where type = $1 and ${LIGNE_VIVANTE} and ${colonne} = $2 limit 1`, [type, valeur]);
  return ligne;
}

export interface LigneAEcrire {
  id: string;
  type: string;
  payload: unknown;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresIn: number | null;
}

const ECRIRE_PAYLOAD = `insert into oidc_payloads (id, type, payload, grant_id, user_code, uid, expires_at)
     values ($1, $2, $3::jsonb, $4, $5, $6, case when $7::double precision is null then null else now() + make_interval(secs => $7::double precision) end)
     on conflict (id, type) do update set payload = excluded.payload, grant_id = excluded.grant_id,
       user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`;
const valeursPayload = (r: LigneAEcrire) => [r.id, r.type, JSON.stringify(r.payload), r.grantId, r.userCode, r.uid, r.expiresIn];

/** Writes (or replaces) a row; `expiresIn` seconds from now, none when null. */
export async function ecrirePayload(db: Db, r: LigneAEcrire): Promise<void> {
  await requetePreparee(db, 'oidc_ecrire', ECRIRE_PAYLOAD, valeursPayload(r));
}

/**
 * A grant and the aidant's choice behind it, written by one statement: neither exists without the other
 * (api/oidc/interaction.ts terminerAvecChoix).
 */
export async function ecrireGrantEtChoix(db: Db, grant: LigneAEcrire, choix: ChoixAidant): Promise<void> {
  await requetePreparee(db, 'oidc_ecrire_grant_et_choix',
    `with grant_ecrit as (${ECRIRE_PAYLOAD} returning id)
     insert into oidc_choix (grant_id, client_id, aidant_id, structure_id, usager_id, mandat_id, autorisation_id, demarche, rep_scope, expires_at)
     select id, $8, $9, $10, $11, $12, $13, $14, $15, $16 from grant_ecrit`,
    [...valeursPayload(grant), choix.client_id, choix.aidant_id, choix.structure_id, choix.usager_id, choix.mandat_id, choix.autorisation_id, choix.demarche, choix.rep_scope, choix.expires_at]);
}

/** Marks a single-use row (a code) as consumed, once. */
export async function consommerPayload(db: Db, type: string, id: string): Promise<void> {
  await db('oidc_payloads').where({ type, id }).whereNull('consumed_at').update({ consumed_at: db.fn.now() });
}

export async function supprimerPayload(db: Db, type: string, id: string): Promise<void> {
  await db('oidc_payloads').where({ type, id }).delete();
}

export async function supprimerPayloadsDuGrant(db: Db, type: string, grantId: string): Promise<void> {
  await db('oidc_payloads').where({ type, grant_id: grantId }).delete();
}

/** Deletes expired provider rows and the aidants' choices of expired grants; returns how many rows went. */
export async function purgerFournisseurIdentite(db: Db): Promise<number> {
  const payloads = await db('oidc_payloads').where('expires_at', '<=', db.fn.now()).delete();
  const choix = await db('oidc_choix').where('expires_at', '<=', db.fn.now()).delete();
  return payloads + choix;
}

/** Deletes everything a grant produced (codes, tokens, the grant) and the aidant's choice behind it. */
export async function revoquerGrant(db: Db, grantId: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('oidc_payloads').where({ grant_id: grantId }).delete();
    await trx('oidc_payloads').where({ type: 'Grant', id: grantId }).delete();
    await trx('oidc_choix').where({ grant_id: grantId }).delete();
  });
}

// ——— The aidants' choices ———

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

/** The choice's query, on the rule of db/queries/autorisations.ts; `grant` stands for the grant id. */
function requeteChoix(db: Db, grant: string) {
  return requeteAutorisationsUtilisables(db, { aidantId: db.ref('c.aidant_id') })
    .join('oidc_choix as c', (j) => j.on('c.autorisation_id', 'a.id').andOn('c.structure_id', 'm.structure_id').andOn('c.usager_id', 'm.usager_id'))
    .where('c.grant_id', grant)
    .where('c.expires_at', '>', db.fn.now())
    .first([...colonnesAutorisationUtilisable(db), 'c.aidant_id', 'c.grant_id', 'c.client_id', 'c.rep_scope', 'c.expires_at']);
}

const lireGrantEtChoix = preparerUneFois<Record<string, unknown>>('oidc_grant_et_choix', (db, valeur) => db
  .select('g.payload as grant_payload', 'g.consumed_at as grant_consumed_at', 'ch.*')
  .from(db.raw('(select 1) as un'))
  .joinRaw(`left join lateral (select payload, consumed_at from oidc_payloads where type = 'Grant' and ${LIGNE_VIVANTE} and id = ?) as g on true`, [valeur(0)])
  .joinRaw('left join lateral (?) as ch on true', [requeteChoix(db, valeur(0)) as unknown as Knex.Raw]));

/**
 * The provider's live `Grant` row and the usable choice behind it, in one query: the token and userinfo
 * endpoints need both (api/oidc/adapter.ts keeps the answer for the rest of the request). Each is looked up
 * on its own: a missing grant does not hide the choice, nor the reverse.
 */
export async function grantEtChoix<P>(db: Db, grantId: string): Promise<{ grant: LignePayload<P> | undefined; choix: ChoixUtilisable | null }> {
  const [ligne] = await lireGrantEtChoix(db, [grantId]);
  const { grant_payload, grant_consumed_at, ...choix } = ligne;
  return {
    grant: grant_payload ? { payload: grant_payload as P, consumed_at: grant_consumed_at as Date | null } : undefined,
    choix: choix.autorisation_id === null || choix.autorisation_id === undefined ? null : choixDeLaLigne(choix),
  };
}

function choixDeLaLigne(row: Record<string, unknown>): ChoixUtilisable {
  const { usager, mandat_expires_at: _fin, ...choix } = row as unknown as AutorisationUtilisable & Pick<ChoixAidant, 'aidant_id' | 'grant_id' | 'client_id' | 'rep_scope' | 'expires_at'>;
  return { choix, usager };
}
