// A fresh, migrated database per test file, copied from the template that `npm test` prepares.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../db/connection.ts';

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const templateUrl = process.env.TEST_TEMPLATE_DATABASE_URL;
  if (!templateUrl) throw new Error('TEST_TEMPLATE_DATABASE_URL is not set: run the tests with `npm test`');
  const url = new URL(templateUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDb(): Promise<TestDb> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ac_template`));
  const url = new URL(process.env.TEST_TEMPLATE_DATABASE_URL!);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { min: 0, max: 5 });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.destroy();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Counts of every table, to assert that a refused request changed nothing. */
export async function snapshotCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db('pg_tables').where({ schemaname: 'public' }).whereNot('tablename', 'like', 'knex_%').pluck('tablename');
  const counts: Record<string, number> = {};
  for (const t of tables.sort()) counts[t] = Number((await db(t).count({ n: '*' }).first())!.n);
  return counts;
}
