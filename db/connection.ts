// Knex + Objection wiring: one pool per process, built from DATABASE_URL.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// Dates and numerics come back as JS values; bigint ids as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type Db = Knex;

/**
 * Connections a process keeps at most: DATABASE_POOL_MAX, 10 by default (README « Configuration »). A request
 * holds one for each statement or transaction; past the pool's size, requests queue in the process.
 */
export function poolMaxFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const max = Number(env.DATABASE_POOL_MAX ?? 10);
  if (!Number.isInteger(max) || max < 1) throw new Error(`DATABASE_POOL_MAX doit être un entier positif (reçu : ${env.DATABASE_POOL_MAX})`);
  return max;
}

export function createDb(url = process.env.DATABASE_URL, pool: Knex.PoolConfig = { min: 0, max: poolMaxFromEnv() }): Db {
  if (!url) throw new Error('DATABASE_URL is not set');
  // Knex would print connection errors on the console; callers report failures themselves.
  const quiet = () => {};
  // Models are not bound globally: every query names its database (Aidant.query(db)), so tests can hold
  // several databases in one process.
  return knexFactory({ client: 'pg', connection: url, pool, log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet } });
}

/**
 * A query of the hot paths (every page's session and account, the identity provider's rows: README
 * « Fournisseur d’identité de FranceConnect »), sent as a named prepared statement on a connection of the pool:
 * PostgreSQL parses it once per connection instead of at every call, and no query builder runs. `texte` must
 * be the same for a given `nom` (one constant per query). Listeners of the pool's `query` event (the bench's
 * count) see it like any other query.
 *
 * Named statements live in a server connection: behind PgBouncer in transaction pooling mode (where
 * consecutive queries may reach different server connections) they fail unless PgBouncer 1.21+ tracks them
 * (`max_prepared_statements`); session pooling, or a direct connection as today, is safe (same README section).
 */
export async function requetePreparee<R>(db: Db, nom: string, texte: string, valeurs: unknown[]): Promise<R[]> {
  const client = db.client as Knex.Client & {
    acquireConnection(): Promise<pg.PoolClient & { __knexUid?: string }>;
    releaseConnection(c: unknown): Promise<void>;
  };
  const connexion = await client.acquireConnection();
  try {
    client.emit('query', { method: 'raw', sql: texte, bindings: valeurs, __knexUid: connexion.__knexUid, preparee: nom });
    const res: pg.QueryResult = await connexion.query({ name: nom, text: texte, values: valeurs });
    return res.rows as R[];
  } finally {
    await client.releaseConnection(connexion);
  }
}

/**
 * A prepared statement written with the query builder, built once: `valeur(i)` stands for the i-th value of
 * each call (a marker no real value equals). For queries whose one definition is a builder
 * (db/queries/autorisations.ts) on a hot path.
 */
export function preparerUneFois<R>(nom: string, construire: (db: Db, valeur: (i: number) => string) => Knex.QueryBuilder | Knex.Raw) {
  const MARQUE = '\u0000valeur:';
  let construite: { sql: string; bindings: readonly unknown[] } | null = null;
  return async (db: Db, valeurs: unknown[]): Promise<R[]> => {
    construite ??= construire(db, (i) => `${MARQUE}${i}`).toSQL().toNative();
    const liees = construite.bindings.map((b) => (typeof b === 'string' && b.startsWith(MARQUE) ? valeurs[Number(b.slice(MARQUE.length))] : b));
    return requetePreparee<R>(db, nom, construite.sql, liees);
  };
}
