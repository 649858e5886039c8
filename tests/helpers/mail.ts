// Reading caught emails in tests: a local SMTP catcher and a mailer that sends to it.
import { startMailCatcher, type MailCatcher } from '../../scripts/fakes/mail-catcher.ts';
import { createSmtpMailer, type Mailer } from '../../activities/ports/mailer.ts';

export type { MailCatcher, CaughtEmail } from '../../scripts/fakes/mail-catcher.ts';

export async function startTestMail(): Promise<{ catcher: MailCatcher; mailer: Mailer & { transport: { close(): void } }; stop(): Promise<void> }> {
  const catcher = await startMailCatcher();
  const mailer = createSmtpMailer({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, from: 'Aidants Connect <test@aidantsconnect.beta.gouv.fr>' });
  return {
    catcher,
    mailer,
    async stop() {
      mailer.transport.close();
      await catcher.stop();
    },
  };
}

/** Waits until the outbox has nothing left to send (the relay of startApp delivers in the background). */
export async function outboxSettled(db: import('../../db/connection.ts').Db, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await db('outbox').where({ status: 'pending' }).first('id')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
