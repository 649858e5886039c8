// What the pages are given: the database (through api/ functions), Temporal and the public URL. No mail or
// SMS port: pages write messages to the outbox (activities/outbox.ts) and the worker sends them.
import type { Db } from '../../db/connection.ts';
import type { TemporalClientProvider } from '../../db/temporal/client.ts';
import type { FranceConnectClient } from '../../api/franceconnect/index.ts';
import type { OidcInstance } from '../../api/oidc/provider.ts';

export interface WebDeps {
  db: Db;
  temporal: TemporalClientProvider;
  /** Absolute base URL of the site, for links in emails (e.g. https://aidantsconnect.beta.gouv.fr). */
  publicUrl: string;
  /** Identifies the usager at mandat creation (the local sandbox in development, FranceConnect in production). */
  franceConnect: FranceConnectClient;
  /** The identity provider FranceConnect calls (its interaction pages are served when it is present). */
  oidc?: OidcInstance;
}
