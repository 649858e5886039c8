// What the pages are given: the database (through api/ functions), Temporal and the public URL. No mail or
// SMS port: pages write messages to the outbox (activities/outbox.ts) and the worker sends them.
import type { Db } from '../db/connection.ts';
import type { TemporalClientProvider } from '../api/temporal-client.ts';

export interface WebDeps {
  db: Db;
  temporal: TemporalClientProvider;
  /** Absolute base URL of the site, for links in emails (e.g. https://aidantsconnect.beta.gouv.fr). */
  publicUrl: string;
}
