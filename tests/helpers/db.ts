// A fresh, migrated database per test file, copied from the template that `npm test` prepares. Tests (and the
// app and worker they start) connect as the application role, like production; `owner()` connects as the
// owner role for the few tests that need it (the journal's protections, sequences).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../db/connection.ts';
import { APP_ROLE, OWNER_ROLE, urlAs, urlWithDatabase } from '../../db/roles.ts';

export interface TestDb {
  db: Db;
  /** The application role's URL (what DATABASE_URL would be). */
  url: string;
  ownerUrl: string;
  owner(): Db;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const templateUrl = process.env.TEST_TEMPLATE_DATABASE_URL;
  if (!templateUrl) throw new Error('TEST_TEMPLATE_DATABASE_URL is not set: run the tests with `npm test`');
  const client = new pg.Client({ connectionString: urlWithDatabase(templateUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function connect(name: string): TestDb {
  const base = urlWithDatabase(process.env.TEST_TEMPLATE_DATABASE_URL!, name);
  const url = urlAs(base, APP_ROLE, process.env.TEST_APP_PASSWORD);
  const ownerUrl = urlAs(base, OWNER_ROLE, process.env.TEST_OWNER_PASSWORD);
  const db = createDb(url, { min: 0, max: 5 });
  let ownerDb: Db | null = null;
  return {
    db,
    url,
    ownerUrl,
    owner: () => (ownerDb ??= createDb(ownerUrl, { min: 0, max: 2 })),
    async drop() {
      await db.destroy();
      await ownerDb?.destroy();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

export async function createTestDb(): Promise<TestDb> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ac_template owner ${OWNER_ROLE}`));
  return connect(name);
}

/** An empty database owned by the owner role (no migration applied): tests of a migration's carry-over. */
export async function createEmptyDb(): Promise<TestDb> {
  const name = `e_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} owner ${OWNER_ROLE}`));
  return connect(name);
}

/** Counts of every table, to assert that a refused request changed nothing. */
export async function snapshotCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db('pg_tables').where({ schemaname: 'public' }).whereNot('tablename', 'like', 'knex_%').pluck('tablename');
  const counts: Record<string, number> = {};
  for (const t of tables.sort()) counts[t] = Number((await db(t).count({ n: '*' }).first())!.n);
  return counts;
}
