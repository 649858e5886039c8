// The health check's query (api/health.ts, and the worker's side of the round trip in activities/index.ts): PostgreSQL answers.
import type { Db } from '../connection.ts';

export async function pingPostgres(db: Db): Promise<void> {
  await db.raw('select 1');
}
