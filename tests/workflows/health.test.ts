// The health workflow on the time-skipping test server, with a worker running injected activities.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import { healthCheck } from '../../workflows/index.ts';

let env: TestWorkflowEnvironment;
let t: TestDb;
beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
});
afterAll(async () => {
  await env?.teardown();
  await t?.drop();
});

describe('healthCheck workflow', () => {
  test('round-trips through the ping activity', async () => {
    const taskQueue = uniqueTaskQueue();
    const worker = await testWorker(env, { deps: { db: t.db, mailer: { send: async () => ({ messageId: 'x' }) } }, taskQueue });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(healthCheck, { taskQueue, workflowId: 'health-replay-sample', args: ['n1'] });
      expect(await handle.result()).toBe('pong:n1');
      await maybeSaveHistory(handle, 'healthCheck', 'v1');
    });
  });
});
