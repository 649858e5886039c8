// The whole service for a test file: a fresh database, the mail catcher, the web app and a worker on the
// production task queue (the pages start workflows there), all on the time-skipping Temporal server; with
// `franceConnect`, the local FranceConnect sandbox registered for the app; with `sms`, the Twilio fake (the
// worker sends through it, and its replies reach the app's webhook signed over the public URL).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TASK_QUEUE } from '../../workflows/task-queue.ts';
import { createTestDb, type TestDb } from './db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { testWorker, timeSkippingEnv } from '../../scripts/fixtures/temporal.ts';
import { startTestFranceConnect, type TestFranceConnect } from './franceconnect.ts';
import { createFranceConnectClient } from '../../api/franceconnect/index.ts';
import { freePort } from '../../db/free-port.ts';
import { startTestSms, type TwilioFake } from './sms.ts';
import { CHEMIN_WEBHOOK_SMS } from '../../db/platform/twilio.ts';

export interface ServiceStack {
  env: TestWorkflowEnvironment;
  t: TestDb;
  mail: Awaited<ReturnType<typeof startTestMail>>;
  app: RunningApp;
  fc: TestFranceConnect | null;
  sms: TwilioFake | null;
  stop(): Promise<void>;
}

/**
 * `publicUrl` is what emails and FranceConnect redirects point to; null for the app's own address (a browser
 * can then follow every redirect).
 */
export async function startServiceStack(publicUrl: string | null = 'http://app.test', opts: { franceConnect?: boolean; sms?: boolean } = {}): Promise<ServiceStack> {
  const env = await timeSkippingEnv();
  const t = await createTestDb();
  const mail = await startTestMail();
  const port = await freePort();
  const base = publicUrl ?? `http://127.0.0.1:${port}`;
  const fc = opts.franceConnect ? await startTestFranceConnect(base) : null;
  const sms = opts.sms ? await startTestSms() : null;
  const app = await startApp({
    db: t.db, temporal: async () => env.client, mailer: mail.mailer, publicUrl: base, port,
    ...(fc ? { franceConnect: createFranceConnectClient(fc.config) } : {}),
    ...(sms ? { sms: sms.sms } : {}),
  });
  sms?.fake.setWebhook({ url: app.url + CHEMIN_WEBHOOK_SMS, signedUrl: base + CHEMIN_WEBHOOK_SMS });
  const worker = await testWorker(env, { deps: { db: t.db, mailer: mail.mailer, publicUrl: base, ...(sms ? { sms: sms.sms } : {}) }, taskQueue: TASK_QUEUE });
  const running = worker.run();
  return {
    env, t, mail, app, fc, sms: sms?.fake ?? null,
    async stop() {
      worker.shutdown();
      await running;
      await app.close();
      await fc?.stop();
      await sms?.stop();
      await env.teardown();
      await mail.stop();
      await t.drop();
    },
  };
}
