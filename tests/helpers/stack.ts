// The whole service for a test file: a fresh database, the mail catcher, the web app and a worker on the
// production task queue (the pages start workflows there), all on the time-skipping Temporal server.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TASK_QUEUE } from '../../workflows/task-queue.ts';
import { createTestDb, type TestDb } from './db.ts';
import { startTestMail } from './mail.ts';
import { startApp, type RunningApp } from './web.ts';
import { testWorker, timeSkippingEnv } from './temporal.ts';

export interface ServiceStack {
  env: TestWorkflowEnvironment;
  t: TestDb;
  mail: Awaited<ReturnType<typeof startTestMail>>;
  app: RunningApp;
  stop(): Promise<void>;
}

export async function startServiceStack(publicUrl = 'http://app.test'): Promise<ServiceStack> {
  const env = await timeSkippingEnv();
  const t = await createTestDb();
  const mail = await startTestMail();
  const app = await startApp({ db: t.db, temporal: async () => env.client, mailer: mail.mailer, publicUrl });
  const worker = await testWorker(env, { deps: { db: t.db, mailer: mail.mailer, publicUrl }, taskQueue: TASK_QUEUE });
  const running = worker.run();
  return {
    env, t, mail, app,
    async stop() {
      worker.shutdown();
      await running;
      await app.close();
      await env.teardown();
      await mail.stop();
      await t.drop();
    },
  };
}
