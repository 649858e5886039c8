// Reliability drill on the real dev server: the worker process is killed (SIGKILL) right after the
// validation activity committed; the attempt times out, a second worker runs the retry, and the structure
// and the accounts exist exactly once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { creerDemandeComplete, creerMembreEquipe } from '../helpers/habilitation.ts';
import { deciderHabilitation, demarrerHabilitation } from '../../db/temporal/processes/habilitation.ts';

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let child: ChildProcess | null = null;

beforeAll(async () => {
  env = await devServerEnv();
  t = await createTestDb();
  mail = await startTestMail();
  await creerMembreEquipe(t.db);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

async function until<T>(fn: () => Promise<T | null | undefined>, what: string, ms = 150_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker killed during the validation activity', () => {
  test('the retry on another worker creates the structure and the accounts exactly once', async () => {
    const taskQueue = uniqueTaskQueue('crash');
    const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    const lines: string[] = [];
    child = spawn(process.execPath, [new URL('../fixtures/worker-that-dies.ts', import.meta.url).pathname], {
      env: { ...process.env, DATABASE_URL: t.url, TEMPORAL_ADDRESS: env.address, TASK_QUEUE: taskQueue },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
    await until(async () => lines.includes('READY'), 'the first worker');

    await demarrerHabilitation(env.client, f.demandeId, f.empreinte, { taskQueue });
    const decision = deciderHabilitation(env.client, f.demandeId, { decision: 'valider' }).catch((e: unknown) => e);
    await until(async () => lines.includes('COMMITTED'), 'the committed first attempt');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(await t.db('structures').where({ siret: f.siret })).toHaveLength(1);

    const second = await testWorker(env, { deps: { db: t.db, mailer: mail.mailer, publicUrl: 'https://aidants.test' }, taskQueue });
    await second.runUntil(async () => {
      await decision;
      const d = await t.db('demandes_habilitation').where({ id: f.demandeId }).first();
      await mail.catcher.waitFor((m) => m.to.includes(d.referent_email) && m.subject.startsWith('Votre rôle de référent'), 60_000);
    });
    const d = await t.db('demandes_habilitation').where({ id: f.demandeId }).first();
    expect(d.status).toBe('VALIDATED');
    expect(await t.db('structures').where({ siret: f.siret }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await t.db('aidants').where({ email: d.referent_email }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await t.db('referent_structures').where({ structure_id: d.structure_id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    const history = await env.client.workflow.getHandle(`habilitation-${f.demandeId}`).fetchHistory();
    const timedOut = history.events!.filter((e) => e.activityTaskTimedOutEventAttributes || e.activityTaskStartedEventAttributes?.attempt === 2);
    expect(timedOut.length).toBeGreaterThan(0);
  }, 300_000);
});
