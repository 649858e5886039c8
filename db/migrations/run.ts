// Running the migrations (as the owner role): the list in ./index.ts, then the application role's rights.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import { migrations } from './index.ts';
import { accorderDroitsApplication } from './droits.ts';

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

/** Applies the pending migrations (as the owner role), then the application role's rights (db/migrations/droits.ts). */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource });
  await accorderDroitsApplication(db);
  return applied as string[];
}

/** Applies the migrations up to and including `name` (tests of a migration carrying rows over). */
export async function migrateUpTo(db: Db, name: string): Promise<void> {
  for (const m of Object.keys(migrations)) {
    await db.migrate.up({ migrationSource, name: m });
    if (m === name) return;
  }
}

export async function migrateRollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}
