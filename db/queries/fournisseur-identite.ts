// All SQL of the identity provider FranceConnect calls (api/oidc/): oidc-provider's rows (`oidc_payloads`,
// one per model and id, stored by api/oidc/adapter.ts in the shape the provider expects) and the aidants'
// choices behind its grants (`oidc_choix`: aidant, structure, usager, démarche, autorisation). Expired rows
// are never returned, and purgerFournisseurIdentite deletes them.
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import { colonnesAutorisationUtilisable, requeteAutorisationsUtilisables, type AutorisationUtilisable, type UsagerIdentite } from './autorisations.ts';

// ——— oidc-provider's rows ———

export interface LignePayload<P> {
  payload: P;
  consumed_at: Date | null;
}

/** The live (unexpired) row of a model, looked up by one of its indexed columns. */
export async function lirePayload<P>(db: Db, type: string, colonne: 'id' | 'uid' | 'user_code', valeur: string): Promise<LignePayload<P> | undefined> {
  return db('oidc_payloads')
    .where('type', type)
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()))
    .where(colonne, valeur)
    .first('payload', 'consumed_at');
}

/** Writes (or replaces) a row; `expiresIn` seconds from now, none when null. */
export async function ecrirePayload(
  db: Db,
  r: { id: string; type: string; payload: unknown; grantId: string | null; userCode: string | null; uid: string | null; expiresIn: number | null },
): Promise<void> {
  await db.raw(
    `insert into oidc_payloads (id, type, payload, grant_id, user_code, uid, expires_at)
     values (?, ?, ?::jsonb, ?, ?, ?, case when ?::double precision is null then null else now() + make_interval(secs => ?::double precision) end)
     on conflict (id, type) do update set payload = excluded.payload, grant_id = excluded.grant_id,
       user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
    [r.id, r.type, JSON.stringify(r.payload), r.grantId, r.userCode, r.uid, r.expiresIn, r.expiresIn],
  );
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
