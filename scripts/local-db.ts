// For one-off commands (seed, account creation, migrations, re-encryption): DATABASE_URL (and
// MIGRATION_DATABASE_URL for the migrations), else the project's own cluster in .data/pg (reused when
// `npm start` runs it, started for the command and stopped after otherwise), migrated as the owner role;
// the command itself runs as the application role, like the service. SECRETS_KEYS, else the development key.
import { join } from 'node:path';
import { startLocalPostgres, SetupError } from '../db/cluster.ts';
import { createDb, type Db } from '../db/connection.ts';
import { migrateLatest } from '../db/migrations/run.ts';
import { dataDir, ensureSecretsKeysEnv } from './dev-secrets.ts';

export async function withDatabase<T>(fn: (db: Db) => Promise<T>, opts: { asOwner?: boolean } = {}): Promise<T> {
  let url = process.env.DATABASE_URL ?? process.env.MIGRATION_DATABASE_URL;
  let ownerUrl = process.env.MIGRATION_DATABASE_URL ?? url;
  let stop = async () => {};
  if (!url) {
    try {
      const pg = await startLocalPostgres({ dataDir: join(dataDir(), 'pg'), database: 'aidants_connect', preferredPort: Number(process.env.PG_PORT ?? 54329) });
      url = pg.appUrl;
      ownerUrl = pg.ownerUrl;
      stop = pg.stop;
    } catch (err) {
      console.error(`ERREUR : ${err instanceof SetupError ? err.message : (err as Error).message}`);
      process.exit(1);
    }
  }
  ensureSecretsKeysEnv();
  const owner = createDb(ownerUrl, { min: 0, max: 2 });
  const db = opts.asOwner ? owner : createDb(url, { min: 0, max: 2 });
  try {
    await migrateLatest(owner);
    return await fn(db);
  } finally {
    await owner.destroy();
    if (db !== owner) await db.destroy();
    await stop();
  }
}
