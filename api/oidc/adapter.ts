// oidc-provider's storage in PostgreSQL: one row per (model, id) in `oidc_payloads`, with the indexed
// columns the provider looks up (grant, session uid, user code), the expiry (expired rows are never
// returned, and the purge deletes them) and the consumption date (single-use codes).
import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';

/**
 * Models whose id is a bearer secret (codes, tokens): the row is keyed by its SHA-256 and the payload does not
 * keep it, so a copy of the database gives nothing one could present to the token or userinfo endpoints.
 */
const BEARER_MODELS = new Set([
  'AuthorizationCode', 'AccessToken', 'RefreshToken', 'ClientCredentials', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode',
]);

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export class PgAdapter implements Adapter {
  private readonly db: Db;
  private readonly model: string;
  private readonly bearer: boolean;

  constructor(db: Db, model: string) {
    this.db = db;
    this.model = model;
    this.bearer = BEARER_MODELS.has(model);
  }

  private key(id: string): string {
    return this.bearer ? sha256(id) : id;
  }

  private live() {
    return this.db('oidc_payloads')
      .where('type', this.model)
      .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', this.db.fn.now()));
  }

  private static restore(row: { payload: AdapterPayload; consumed_at: Date | null } | undefined, id?: string): AdapterPayload | undefined {
    if (!row) return undefined;
    return {
      ...row.payload,
      ...(id !== undefined ? { jti: id } : {}),
      ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}),
    };
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const stored = this.bearer ? { ...payload, jti: undefined } : payload;
    await this.db.raw(
      `insert into oidc_payloads (id, type, payload, grant_id, user_code, uid, expires_at)
       values (?, ?, ?::jsonb, ?, ?, ?, case when ?::double precision is null then null else now() + make_interval(secs => ?::double precision) end)
       on conflict (id, type) do update set payload = excluded.payload, grant_id = excluded.grant_id,
         user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
      [this.key(id), this.model, JSON.stringify(stored), payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null, expiresIn ?? null],
    );
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.live().where('id', this.key(id)).first('payload', 'consumed_at');
    return PgAdapter.restore(row, this.bearer ? id : undefined);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return PgAdapter.restore(await this.live().where('uid', uid).first('payload', 'consumed_at'));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return PgAdapter.restore(await this.live().where('user_code', userCode).first('payload', 'consumed_at'));
  }

  async consume(id: string): Promise<void> {
    await this.db('oidc_payloads').where({ type: this.model, id: this.key(id) }).whereNull('consumed_at').update({ consumed_at: this.db.fn.now() });
  }

  async destroy(id: string): Promise<void> {
    await this.db('oidc_payloads').where({ type: this.model, id: this.key(id) }).delete();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db('oidc_payloads').where({ type: this.model, grant_id: grantId }).delete();
  }
}

export const pgAdapterFactory = (db: Db) => (model: string): Adapter => new PgAdapter(db, model);

/** Deletes expired provider rows and the aidants' choices of expired grants; returns how many rows went. */
export async function purgerOidc(db: Db): Promise<number> {
  const payloads = await db('oidc_payloads').where('expires_at', '<=', db.fn.now()).delete();
  const choix = await db('oidc_choix').where('expires_at', '<=', db.fn.now()).delete();
  return payloads + choix;
}
