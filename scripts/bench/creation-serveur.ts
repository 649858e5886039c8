// The web process of the creation bench (scripts/bench/creation-mandats.ts): the application as web/main.ts
// builds it (one PostgreSQL pool sized by DATABASE_POOL_MAX, one Temporal client), in a process of its own so
// that the bench reads its CPU alone in /proc/<pid>/stat. Says `READY <port>`; on a `stats` line on stdin it
// answers `STATS <statements> <transactions>`: the SQL statements and the transactions it sent since it started
// (BEGIN and COMMIT counted as statements: each is a round trip), so the bench divides them by the creations.
// BENCH_CREATIONS_SQL=1 prints each statement on stderr, to see what a creation sends. An `exit` line ends the
// process normally (so that a CPU profile asked by BENCH_CREATIONS_PROFIL is written).
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createDb } from '../../db/connection.ts';
import { lazyTemporalClient } from '../../db/temporal/client.ts';
import { temporalSettingsFromEnv } from '../../db/temporal/connection.ts';
import { createApp } from '../../web/app.ts';

const secret = process.env.SESSION_SECRET;
if (!secret) throw new Error('SESSION_SECRET manquant : ce processus est lancé par le banc des créations');
const db = createDb();
let statements = 0;
let transactions = 0;
db.on('query', (q: { sql?: string }) => {
  statements++;
  if (process.env.BENCH_CREATIONS_SQL === '1') console.error(`[sql] ${q.sql}`);
  if (/^\s*begin\b/i.test(q.sql ?? '')) transactions++;
});
const temporal = lazyTemporalClient(temporalSettingsFromEnv());
await temporal(); // connected before the first request, as a long-running web process is
const app = createApp({ db, temporal, sessionSecret: secret, logger: pino({ level: 'warn' }) });
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`READY ${(server.address() as AddressInfo).port}`);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') console.log(`STATS ${statements} ${transactions}`);
  if (line === 'exit') process.exit(0);
});
