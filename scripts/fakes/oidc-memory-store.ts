// In-memory storage for an oidc-provider used as a local fake: one store per provider instance (oidc-provider's
// own memory adapter is shared by every instance of the process, and tests run two fakes side by side).
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | null;
}

export interface MemoryStore {
  adapter(model: string): Adapter;
  /** Writes a record directly (e.g. a Client registered after start). */
  put(model: string, id: string, payload: AdapterPayload): void;
}

export function createMemoryStore(now: () => number = Date.now): MemoryStore {
  const entries = new Map<string, Entry>();
  const key = (model: string, id: string) => `${model}:${id}`;

  function live(k: string): Entry | undefined {
    const e = entries.get(k);
    if (e && e.expiresAt !== null && e.expiresAt <= now()) {
      entries.delete(k);
      return undefined;
    }
    return e;
  }

  function purgeExpired() {
    for (const k of entries.keys()) live(k);
  }

  return {
    put(model, id, payload) {
      entries.set(key(model, id), { payload: structuredClone(payload), expiresAt: null });
    },
    adapter(model) {
      const find = (predicate: (p: AdapterPayload) => boolean) => {
        for (const [k, e] of entries) {
          if (k.startsWith(`${model}:`) && live(k) && predicate(e.payload)) return structuredClone(e.payload);
        }
        return undefined;
      };
      return {
        async upsert(id, payload, expiresIn) {
          if (entries.size > 10_000) purgeExpired();
          entries.set(key(model, id), { payload: structuredClone(payload), expiresAt: expiresIn ? now() + expiresIn * 1000 : null });
        },
        async find(id) {
          const e = live(key(model, id));
          return e ? structuredClone(e.payload) : undefined;
        },
        async findByUid(uid) {
          return find((p) => p.uid === uid);
        },
        async findByUserCode(userCode) {
          return find((p) => p.userCode === userCode);
        },
        async consume(id) {
          const e = live(key(model, id));
          if (e) e.payload.consumed = Math.floor(now() / 1000);
        },
        async destroy(id) {
          entries.delete(key(model, id));
        },
        async revokeByGrantId(grantId) {
          for (const [k, e] of entries) if (e.payload.grantId === grantId) entries.delete(k);
        },
      };
    },
  };
}
