// `npm run rechiffrer`: after adding a new key in front of SECRETS_KEYS, re-seals every secret at rest
// (TOTP secrets, card seeds, unsent outbox secrets) under it, row by row; the old keys can then be removed.
// Safe to run again or to interrupt: a value already under the current key is left as it is.
import { withDatabase } from './local-db.ts';
import { currentKeyId, reseal, sealedKeyId, type SecretPurpose } from '../db/secrets.ts';
import type { Db } from '../db/connection.ts';

const COLUMNS: { table: string; column: string; purpose: SecretPurpose }[] = [
  { table: 'totp_devices', column: 'secret', purpose: 'totp_devices.secret' },
  { table: 'totp_cards', column: 'seed', purpose: 'totp_cards.seed' },
  { table: 'outbox', column: 'secrets', purpose: 'outbox.secrets' },
];

export async function reencryptAll(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const current = currentKeyId();
  for (const { table, column, purpose } of COLUMNS) {
    counts[table] = 0;
    const rows: { id: number; value: string }[] = await db(table).whereNotNull(column).select('id', `${column} as value`);
    for (const row of rows) {
      if (sealedKeyId(row.value) === current) continue;
      // Compare-and-set: a value changed meanwhile (a new app enrolled) is left to the next run.
      counts[table] += await db(table).where({ id: row.id, [column]: row.value }).update({ [column]: reseal(purpose, row.value) });
    }
  }
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await withDatabase(async (db) => {
    const counts = await reencryptAll(db);
    console.log(`Secrets rechiffrés avec la clé « ${currentKeyId()} » : ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')}.`);
    console.log('Vous pouvez maintenant retirer les anciennes clés de SECRETS_KEYS.');
  });
}
