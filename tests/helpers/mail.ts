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
