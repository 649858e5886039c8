// Reliability drill on the real dev server: the worker process is killed (SIGKILL) during a mandat's purge,
// once inside the purge transaction (nothing committed) and once right after its commit (the result never
// reported). The attempt times out, a second worker runs the retry, and the purge happens exactly once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { demarrerVieMandat, idVieMandat } from '../../db/temporal/processes/mandat.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { seedDemo, type SeedResult } from '../../db/seed/index.ts';
import type { conservationMandat } from '../../workflows/conservation-mandat.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let seed: SeedResult;
let child: ChildProcess | null = null;

beforeAll(async () => {
  env = await devServerEnv();
  t = await createTestDb();
  mail = await startTestMail();
  seed = await seedDemo(t.db);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker killed during the purge of a mandat', () => {
  for (const [crashAt, signal, issue] of [['avant-commit', 'IN_TRANSACTION', 'purge'], ['apres-commit', 'COMMITTED', 'deja-purge']] as const) {
    test(`${crashAt}: the retry on another worker completes the purge once`, async () => {
      const taskQueue = uniqueTaskQueue('mandat-crash');
      // A 1-day mandat created a day ago, less a second: it expires at once, and is kept one second.
      const m = await creerMandatDeTest(t.db, {
        structureId: seed.structureId, aidantId: seed.aidantIds[0], usager: { family_name: `Crash-${crashAt}` }, demarches: ['social', 'travail'], duree: 'SHORT',
        createdAt: new Date(Date.now() - JOUR_MS + 1_000),
      });
      const lines: string[] = [];
      child = spawn(process.execPath, [new URL('../fixtures/mandat-worker-that-dies.ts', import.meta.url).pathname], {
        env: { ...process.env, DATABASE_URL: t.url, TEMPORAL_ADDRESS: env.address, TASK_QUEUE: taskQueue, CRASH_AT: crashAt },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
      await until(async () => lines.includes('READY'), 'the first worker');

      await demarrerVieMandat(t.db, env.client, { mandatId: m.mandatId, expiresAt: m.expiresAt, duree: m.duree }, { taskQueue, conservationMs: 1_000 });
      await until(async () => lines.includes(signal), `the first purge attempt (${signal})`);
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      child = null;
      // PostgreSQL ends the dead worker's session (and rolls back its open transaction) when its socket closes.
      await until(async () => {
        const { rows } = await t.db.raw("select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction'");
        return rows[0].n === 0;
      }, 'the dead worker’s transaction to end');
      expect(await t.db('mandats').where({ id: m.mandatId })).toHaveLength(crashAt === 'avant-commit' ? 1 : 0);
      expect(await t.db('usagers').where({ id: m.usagerId })).toHaveLength(crashAt === 'avant-commit' ? 1 : 0);

      const second = await testWorker(env, { deps: { db: t.db, mailer: mail.mailer, publicUrl: 'https://aidants.test' }, taskQueue });
      const fin = await second.runUntil(env.client.workflow.getHandle<typeof conservationMandat>(idVieMandat(m.mandatId)).result());
      expect(fin).toMatchObject({ issue, usagerSupprime: crashAt === 'avant-commit' });

      expect(await t.db('mandats').where({ id: m.mandatId })).toHaveLength(0);
      expect(await t.db('autorisations').whereIn('id', m.autorisationIds)).toHaveLength(0);
      expect(await t.db('usagers').where({ id: m.usagerId })).toHaveLength(0);
      const journal = await t.db('journal').where({ mandat_id: m.mandatId }).orderBy('id').pluck('action');
      expect(journal).toEqual(['create_attestation', 'create_autorisation', 'create_autorisation', 'expire_mandat', 'purge_mandat']);
      const history = await env.client.workflow.getHandle(idVieMandat(m.mandatId)).fetchHistory();
      const purges = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'purgerMandat');
      expect(purges).toHaveLength(1);
      const started = history.events!.find((e) => e.activityTaskStartedEventAttributes);
      expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);
    }, 120_000);
  }
});
