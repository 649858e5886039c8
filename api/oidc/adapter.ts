// oidc-provider's storage in PostgreSQL, in the Adapter shape the provider expects: one row per (model, id)
// in `oidc_payloads`, with the indexed columns the provider looks up (grant, session uid, user code), the
// expiry (expired rows are never returned, and the purge deletes them) and the consumption date (single-use
// codes). The statements are those of db/queries/fournisseur-identite.ts.
import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import {
  consommerPayload, ecrirePayload, lirePayload, purgerFournisseurIdentite, supprimerPayload, supprimerPayloadsDuGrant,
} from '../../db/queries/fournisseur-identite.ts';

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
    await ecrirePayload(this.db, {
      id: this.key(id), type: this.model, payload: stored, grantId: payload.grantId ?? null, userCode: payload.userCode ?? null,
      uid: payload.uid ?? null, expiresIn: expiresIn ?? null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await lirePayload<AdapterPayload>(this.db, this.model, 'id', this.key(id));
    return PgAdapter.restore(row, this.bearer ? id : undefined);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return PgAdapter.restore(await lirePayload<AdapterPayload>(this.db, this.model, 'uid', uid));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return PgAdapter.restore(await lirePayload<AdapterPayload>(this.db, this.model, 'user_code', userCode));
  }

  async consume(id: string): Promise<void> {
    await consommerPayload(this.db, this.model, this.key(id));
  }

  async destroy(id: string): Promise<void> {
    await supprimerPayload(this.db, this.model, this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await supprimerPayloadsDuGrant(this.db, this.model, grantId);
  }
}

export const pgAdapterFactory = (db: Db) => (model: string): Adapter => new PgAdapter(db, model);

/** Deletes expired provider rows and the aidants' choices of expired grants; returns how many rows went. */
export const purgerOidc = purgerFournisseurIdentite;
