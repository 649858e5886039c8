// The health check's query (api/health.ts): PostgreSQL answers.
import type { Db } from '../connection.ts';

export async function pingPostgres(db: Db): Promise<void> {
  await db.raw('select 1');
}
