// What every activity is built from: the database, the mail and SMS ports, the site's address, a clock.
import type { Db } from '../db/connection.ts';
import type { Mailer } from './ports/mailer.ts';
import type { SmsSender } from './ports/sms.ts';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  sms?: SmsSender;
  /** Absolute base URL of the site, for links in emails. */
  publicUrl?: string;
  now?: () => Date;
  /** Where the journal's daily anchors are written (DATA_DIR; activities/journal.ts). */
  dataDir?: string;
}
