// oidc-provider's storage in PostgreSQL, in the Adapter shape the provider expects: one row per (model, id)
// in `oidc_payloads`, with the indexed columns the provider looks up (grant, session uid, user code), the
// expiry (expired rows are never returned, and the purge deletes them) and the consumption date (single-use
// codes). The statements are those of db/queries/fournisseur-identite.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import {
  consommerPayload, ecrireGrantEtChoix, ecrirePayload, grantEtChoix, lirePayload, purgerFournisseurIdentite, supprimerPayload, supprimerPayloadsDuGrant,
  type ChoixAidant, type ChoixUtilisable, type LignePayload,
} from '../../db/queries/fournisseur-identite.ts';

/**
 * One request of the provider (api/oidc/provider.ts runs each in `avecRequeteOidc`): the token and userinfo
 * endpoints read the grant and check the choice behind it; both come from one query (grantEtChoix), kept here
 * for the rest of the request, whichever asks first (issue 19: fewer queries per step). A write of the grant
 * in the same request drops it.
 */
const requeteOidc = new AsyncLocalStorage<Map<string, Promise<{ grant: LignePayload<AdapterPayload> | undefined; choix: ChoixUtilisable | null }>>>();

export function avecRequeteOidc<T>(fn: () => T): T {
  return requeteOidc.run(new Map(), fn);
}

/** The grant's live row and its usable choice, read once per provider request. */
export function lireGrantEtChoix(db: Db, grantId: string): ReturnType<typeof grantEtChoix<AdapterPayload>> {
  const lus = requeteOidc.getStore();
  const deja = lus?.get(grantId);
  if (deja) return deja;
  const lecture = grantEtChoix<AdapterPayload>(db, grantId);
  lus?.set(grantId, lecture);
  // A failed read is not kept: the next asker reads again.
  lecture.catch(() => lus?.delete(grantId));
  return lecture;
}

/** The aidant's choice to write with the grant being saved (api/oidc/interaction.ts terminerAvecChoix). */
const choixDuGrant = new AsyncLocalStorage<Omit<ChoixAidant, 'grant_id'>>();

/** Saves `grant` (oidc-provider's Grant) and the aidant's choice behind it in one statement; its id. */
export function enregistrerGrantAvecChoix(grant: { save(): Promise<string> }, choix: Omit<ChoixAidant, 'grant_id'>): Promise<string> {
  return choixDuGrant.run(choix, () => grant.save());
}

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
    const ligne = {
      id: this.key(id), type: this.model, payload: stored, grantId: payload.grantId ?? null, userCode: payload.userCode ?? null,
      uid: payload.uid ?? null, expiresIn: expiresIn ?? null,
    };
    const choix = this.model === 'Grant' ? choixDuGrant.getStore() : undefined;
    if (this.model === 'Grant') requeteOidc.getStore()?.delete(id);
    if (choix) await ecrireGrantEtChoix(this.db, ligne, { ...choix, grant_id: id });
    else await ecrirePayload(this.db, ligne);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === 'Grant') return PgAdapter.restore((await lireGrantEtChoix(this.db, id)).grant);
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
    if (this.model === 'Grant') requeteOidc.getStore()?.delete(id);
    await supprimerPayload(this.db, this.model, this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await supprimerPayloadsDuGrant(this.db, this.model, grantId);
  }
}

export const pgAdapterFactory = (db: Db) => (model: string): Adapter => new PgAdapter(db, model);

/** Deletes expired provider rows and the aidants' choices of expired grants; returns how many rows went. */
export const purgerOidc = purgerFournisseurIdentite;
