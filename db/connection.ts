// Knex + Objection wiring: one pool per process, built from DATABASE_URL.
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// Dates and numerics come back as JS values; bigint ids as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type Db = Knex;

export function createDb(url = process.env.DATABASE_URL, pool: Knex.PoolConfig = { min: 0, max: 10 }): Db {
  if (!url) throw new Error('DATABASE_URL is not set');
  // Knex would print connection errors on the console; callers report failures themselves.
  const quiet = () => {};
  // Models are not bound globally: every query names its database (Aidant.query(db)), so tests can hold
  // several databases in one process.
  return knexFactory({ client: 'pg', connection: url, pool, log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet } });
}
