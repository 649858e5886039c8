// For one-off commands (seed, account creation): DATABASE_URL, else the project's own cluster in .data/pg
// (reused when `npm start` runs it, started for the command and stopped after otherwise), migrated.
import { join } from 'node:path';
import { startLocalPostgres, SetupError } from '../db/cluster.ts';
import { createDb, migrateLatest, type Db } from '../db/connection.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  let url = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    try {
      const pg = await startLocalPostgres({ dataDir: process.env.DATA_DIR ? join(process.env.DATA_DIR, 'pg') : join(ROOT, '.data/pg'), database: 'aidants_connect', preferredPort: Number(process.env.PG_PORT ?? 54329) });
      url = pg.url;
      stop = pg.stop;
    } catch (err) {
      console.error(`ERREUR : ${err instanceof SetupError ? err.message : (err as Error).message}`);
      process.exit(1);
    }
  }
  const db = createDb(url, { min: 0, max: 2 });
  try {
    await migrateLatest(db);
    return await fn(db);
  } finally {
    await db.destroy();
    await stop();
  }
}
