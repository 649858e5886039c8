// The journal's daily anchor on the time-skipping test server, with production durations (a day, 5 minutes
// after midnight UTC): one file per day named after the workflow's day, holding the chain's head at that
// moment; a second start keeps the running workflow; continue-as-new carries on.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { timeSkippingEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { demarrerAncreJournal } from '../../db/temporal/processes/journal.ts';
import { lireAncre } from '../../db/domain/chaine-journal.ts';
import { verifierChaine } from '../../db/queries/journal.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';

let env: TestWorkflowEnvironment;
let t: TestDb;
let dataDir: string;
beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'ancres-'));
});
afterAll(async () => {
  await env?.teardown();
  await t?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ancreJournal', () => {
  test('writes one anchor a day, each the head of the chain at that moment, across continue-as-new', async () => {
    const taskQueue = uniqueTaskQueue('ancre');
    const worker = await testWorker(env, { taskQueue, deps: { db: t.db, mailer: { send: async () => { throw new Error('aucun courriel'); } }, dataDir } });
    await worker.runUntil(async () => {
      const debut = await env.currentTimeMs();
      const handle = await demarrerAncreJournal(env.client, { taskQueue, workflowId: 'ancre-journal-test', parExecution: 2 });
      const encore = await demarrerAncreJournal(env.client, { taskQueue, workflowId: 'ancre-journal-test', parExecution: 2 });
      expect(encore.firstExecutionRunId).toBe(handle.firstExecutionRunId);
      const dossier = join(dataDir, 'ancres-journal');
      const liste = () => (existsSync(dossier) ? readdirSync(dossier).filter((f) => f.endsWith('.json')).sort() : []);
      const attendre = async (n: number) => {
        for (let i = 0; i < 200 && liste().length < n; i++) await new Promise((r) => setTimeout(r, 50));
      };
      await attendre(1);
      await t.db('journal').insert([{ action: 'connect_aidant' }, { action: 'connect_aidant' }]);
      await env.sleep(JOUR_MS);
      await attendre(2);
      await t.db('journal').insert({ action: 'connect_aidant' });
      await env.sleep(2 * JOUR_MS);
      await attendre(4);
      const fichiers = liste();
      const jours = [0, 1, 2, 3].map((j) => new Date(debut + j * JOUR_MS).toISOString().slice(0, 10));
      // The first anchor is written at start, then one after each midnight UTC (+5 minutes).
      expect(fichiers.slice(0, 3)).toEqual(jours.slice(0, 3).map((d) => `ancre-journal-${d}.json`));
      const ancres = fichiers.map((f) => lireAncre(readFileSync(join(dossier, f), 'utf8')));
      expect(ancres[0].lignes).toBe(0);
      expect(ancres[1].lignes).toBe(2);
      expect(ancres[2].lignes).toBe(3);
      for (const ancre of ancres) expect(await verifierChaine(t.db, { ancre })).toMatchObject({ ok: true, lignes: 3 });
      // Two anchors per run: the workflow has continued as new and still runs.
      const description = await handle.describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.runId).not.toBe(handle.firstExecutionRunId);
      // The first run, ended by continue-as-new: the replay corpus (tests/workflows/replay.test.ts).
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'ancreJournal', 'v1-deux-ancres');
      await handle.terminate('fin du test');
    });
  });
});
