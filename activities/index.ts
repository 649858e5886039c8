// The activities of every workflow, built from injected dependencies (database, mail port, clock) so that
// tests can run them against a test database and a local SMTP catcher.
import { pingPostgres } from '../db/queries/sante.ts';
import type { ActivityDeps } from './deps.ts';
import { sendEmailOnce } from './outbox.ts';
import type { EmailToSend } from '../db/queries/outbox.ts';
import { createHabilitationActivities } from './habilitation.ts';
import { createInactiviteActivities } from './inactivite.ts';
import { createMandatActivities } from './mandat.ts';
import { createConsentementActivities } from './consentement.ts';
import { createJournalActivities } from './journal.ts';
import { createAlertesActivities } from './alertes.ts';

export type { ActivityDeps } from './deps.ts';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createHabilitationActivities(deps),
    /** Health round trip: proves a worker polls the task queue and can reach PostgreSQL. */
    async ping(nonce: string): Promise<string> {
      await pingPostgres(deps.db);
      return `pong:${nonce}`;
    },
    async sendEmail(email: EmailToSend) {
      return sendEmailOnce(deps.db, deps.mailer, email);
    },
    ...createInactiviteActivities(deps),
    ...createMandatActivities(deps),
    ...createConsentementActivities(deps),
    ...createJournalActivities(deps),
    ...createAlertesActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
