// Rate limits on login and codes, per account and per IP, with delays that grow at each failure. Counted in
// PostgreSQL so every web instance shares them. An attempt is counted before its code is checked, under row
// locks, so parallel guesses cannot slip through together; a successful attempt is then given back.
import type { Db } from '../../db/connection.ts';
import { delaiApresEchecs, ESSAIS_LIBRES, ESSAIS_LIBRES_IP } from '../../db/domain/authentification.ts';
import { logger } from '../logger.ts';

const log = logger.child({ component: 'rate-limit' });
const freeAttempts = (key: string) => (key.startsWith('ip:') ? ESSAIS_LIBRES_IP : ESSAIS_LIBRES);

/** Counts one attempt on every key; returns the milliseconds to wait when a key is blocked (then nothing is counted). */
export async function reserveAttempt(db: Db, keys: string[]): Promise<number> {
  return db.transaction(async (trx) => {
    await trx('rate_limits').insert(keys.map((key) => ({ key, failures: 0 }))).onConflict('key').ignore();
    const rows: { key: string; failures: number; blocked_until: Date | null }[] = await trx('rate_limits').whereIn('key', keys).orderBy('key').forUpdate();
    const now = Date.now();
    const wait = Math.max(0, ...rows.map((r) => (r.blocked_until ? new Date(r.blocked_until).getTime() - now : 0)));
    if (wait > 0) {
      log.warn({ keys, waitMs: wait }, 'tentative refusée : limite atteinte');
      return wait;
    }
    for (const row of rows) {
      const failures = row.failures + 1;
      const delay = delaiApresEchecs(failures, freeAttempts(row.key));
      await trx('rate_limits').where({ key: row.key }).update({ failures, blocked_until: delay > 0 ? new Date(now + delay) : null, updated_at: trx.fn.now() });
      if (delay > 0) log.warn({ key: row.key, failures, delayMs: delay }, 'échecs répétés : délai imposé');
    }
    return 0;
  });
}

/** A right code: the account starts afresh, the IP gets its attempt back. */
export async function refundAttempt(db: Db, keys: string[]): Promise<void> {
  const [accountKey, ...others] = keys;
  await db('rate_limits').where({ key: accountKey }).delete();
  for (const key of others) {
    await db('rate_limits')
      .where({ key })
      .update({
        failures: db.raw('greatest(failures - 1, 0)'),
        blocked_until: db.raw('case when failures - 1 < ? then null else blocked_until end', [freeAttempts(key)]),
      });
  }
}

export function minutesLabel(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? 'une minute' : `${minutes} minutes`;
}
