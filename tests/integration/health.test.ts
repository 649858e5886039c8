// GET /health/complet against a real Temporal dev server, a real worker and PostgreSQL; then each failure mode
// (the cheap GET /health names PostgreSQL too). Cache disabled here: each call checks again.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createSmtpMailer } from '../../activities/ports/mailer.ts';
import { createDb } from '../../db/connection.ts';

let t: TestDb;
let env: TestWorkflowEnvironment;
let app: RunningApp;
const taskQueue = uniqueTaskQueue('health');

beforeAll(async () => {
  t = await createTestDb();
  env = await devServerEnv();
  app = await startApp({ db: t.db, temporal: async () => env.client, taskQueue, healthWorkerTimeoutMs: 3000, healthCacheMs: 0, healthOpen: true });
});
afterAll(async () => {
  await app.close();
  await env.teardown();
  await t.drop();
});

async function health() {
  const res = await fetch(`${app.url}/health/complet`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> } };
}

describe('GET /health', () => {
  test('green when PostgreSQL, Temporal and a worker answer', async () => {
    const worker: Worker = await testWorker(env, { deps: { db: t.db, mailer: createSmtpMailer({ host: '127.0.0.1', port: 1, secure: false, from: 'x@y.fr' }) }, taskQueue });
    const { status, body } = await worker.runUntil(health());
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
  });

  test('503 naming the worker when no worker polls the task queue', async () => {
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body.checks.postgres.ok).toBe(true);
    expect(body.checks.temporal.ok).toBe(true);
    expect(body.checks.worker.ok).toBe(false);
  });

  test('503 naming PostgreSQL when the database is unreachable', async () => {
    const deadDb = createDb('postgres://postgres@127.0.0.1:1/nothing', { min: 0, max: 1, acquireTimeoutMillis: 1000 });
    const broken = await startApp({ db: deadDb, temporal: async () => env.client, taskQueue, healthWorkerTimeoutMs: 1000, healthOpen: true });
    try {
      for (const path of ['/health', '/health/complet']) {
        const res = await fetch(`${broken.url}${path}`);
        const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
        expect(res.status).toBe(503);
        expect(body.checks.postgres.ok).toBe(false);
      }
    } finally {
      await broken.close();
      await deadDb.destroy();
    }
  });

  test('503 naming Temporal when the server is unreachable', async () => {
    const broken = await startApp({
      db: t.db,
      temporal: async () => new Client({ connection: await Connection.connect({ address: '127.0.0.1:1', connectTimeout: '500ms' }) }),
      taskQueue,
      healthOpen: true,
    });
    try {
      const res = await fetch(`${broken.url}/health/complet`);
      const body = (await res.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
      expect(res.status).toBe(503);
      expect(body.checks.postgres.ok).toBe(true);
      expect(body.checks.temporal.ok).toBe(false);
      expect(body.checks.worker).toMatchObject({ ok: false, error: 'Temporal indisponible' });
    } finally {
      await broken.close();
    }
  });
});
