// What the pages are given: the database (through api/ functions), Temporal, the mail and SMS ports.
import type { Db } from '../db/connection.ts';
import type { TemporalClientProvider } from '../api/temporal-client.ts';
import type { Mailer } from '../activities/ports/mailer.ts';
import type { SmsSender } from '../activities/ports/sms.ts';
import type { FranceConnectClient } from '../api/franceconnect/index.ts';
import type { OidcInstance } from '../api/oidc/provider.ts';

export interface WebDeps {
  db: Db;
  temporal: TemporalClientProvider;
  mailer: Mailer;
  sms: SmsSender;
  /** Absolute base URL of the site, for links in emails (e.g. https://aidantsconnect.beta.gouv.fr). */
  publicUrl: string;
  /** Identifies the usager at mandat creation (the local sandbox in development, FranceConnect in production). */
  franceConnect: FranceConnectClient;
  /** The identity provider FranceConnect calls (its interaction pages are served when it is present). */
  oidc?: OidcInstance;
}
