// Rate limits on login and codes, per account and per IP, with delays that grow at each failure. Counted in
// PostgreSQL so every web instance shares them.
import type { Db } from '../../db/connection.ts';
import { delaiApresEchecs, ESSAIS_LIBRES, ESSAIS_LIBRES_IP } from '../../db/domain/authentification.ts';
import { logger } from '../logger.ts';

const log = logger.child({ component: 'rate-limit' });

/** Milliseconds the caller must still wait, 0 when none of the keys is blocked. */
export async function waitRemaining(db: Db, keys: string[]): Promise<number> {
  const rows = await db('rate_limits').whereIn('key', keys).whereNotNull('blocked_until').select('key', 'blocked_until');
  const now = Date.now();
  const remaining = Math.max(0, ...rows.map((r: { blocked_until: Date }) => new Date(r.blocked_until).getTime() - now));
  if (remaining > 0) log.warn({ keys: rows.map((r: { key: string }) => r.key), remainingMs: remaining }, 'tentative refusée : limite atteinte');
  return remaining;
}

export async function recordFailure(db: Db, keys: string[]): Promise<void> {
  for (const key of keys) {
    const [row] = await db('rate_limits')
      .insert({ key, failures: 1, updated_at: db.fn.now() })
      .onConflict('key')
      .merge({ failures: db.raw('rate_limits.failures + 1'), updated_at: db.fn.now() })
      .returning('failures');
    const delay = delaiApresEchecs(row.failures, key.startsWith('ip:') ? ESSAIS_LIBRES_IP : ESSAIS_LIBRES);
    if (delay > 0) {
      await db('rate_limits').where({ key }).update({ blocked_until: new Date(Date.now() + delay) });
      log.warn({ key, failures: row.failures, delayMs: delay }, 'échecs répétés : délai imposé');
    }
  }
}

export async function clearFailures(db: Db, keys: string[]): Promise<void> {
  await db('rate_limits').whereIn('key', keys).delete();
}

export function minutesLabel(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? 'une minute' : `${minutes} minutes`;
}
