// The whole app in one process for the tests that throw inputs at every route (tests/integration/entrees-*.test.ts):
// a fresh database, the mail catcher, the time-skipping Temporal server, the identity provider mounted (its
// issuer is the app's own URL) and the SMS webhook checking signatures with the fake Twilio's token; accounts
// of every kind logged in (aidant, référent, staff), a usager with a mandat, an interaction of the provider
// waiting for an aidant; and a counter of every row written (a trigger per table), to prove a refused request
// wrote nothing.
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import twilio from 'twilio';
import { createTestDb, type TestDb } from './db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { timeSkippingEnv } from '../../scripts/fixtures/temporal.ts';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { clientFranceConnect, creerMandat, creerUsager, demandeFranceConnect, IDENTITES_FC, startOidcApp, suivre, uidOf, type OidcApp } from '../../scripts/fixtures/fournisseur-identite.ts';
import { CHEMIN_WEBHOOK_SMS, FAKE_TWILIO_AUTH_TOKEN } from '../../db/platform/twilio.ts';

export interface Session {
  http: HttpClient;
  csrf: string;
  /** The session cookie, for requests sent without the HttpClient (raw bodies). */
  cookie(): string;
}

export interface AppComplete {
  url: string;
  t: TestDb;
  env: TestWorkflowEnvironment;
  oidc: OidcApp;
  mail: Awaited<ReturnType<typeof startTestMail>>;
  sessions: { anonyme: Session; aidant: Session; referent: Session; staff: Session };
  ids: { structure: number; usager: number; mandat: number; aidant: number; collegue: number; interaction: string };
  /** The id of the last row-write seen by the counter (compare before/after a request). */
  ecritures(): Promise<number>;
  /** The tables a write was counted in after `depuis`. */
  tablesEcrites(depuis: number): Promise<string[]>;
  /** X-Twilio-Signature of a webhook call with these (parsed) parameters. */
  signatureTwilio(params: Record<string, string>): string;
  stop(): Promise<void>;
}

/**
 * Tables a refused (but well-formed) request may still write: the visit's session, and the counters of failed
 * attempts behind the rate limits (a wrong code is counted, by design). A request refused at the entrance
 * (api/entrees.ts) writes in none, not even these.
 */
export const TABLES_SANS_DOMAINE = ['sessions', 'rate_limits', 'tentatives', 'limites_verification'];

async function session(url: string, page: string, login?: { mail: AppComplete['mail']; email: string; secret: string }): Promise<Session> {
  const http = new HttpClient(url);
  if (login) await loginHttp(http, login.mail.catcher, login.email, login.secret);
  const csrf = csrfFrom(await (await http.get(page)).text());
  const jar = http as unknown as { cookies: Map<string, string> };
  return { http, csrf, cookie: () => [...jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}

export async function startAppComplete(): Promise<AppComplete> {
  const env = await timeSkippingEnv();
  const t = await createTestDb();
  const mail = await startTestMail();
  const oidc = await startOidcApp({ db: t.db, mailer: mail.mailer, temporal: async () => env.client, twilioAuthToken: FAKE_TWILIO_AUTH_TOKEN });
  const url = oidc.url;

  // Every row written in a table of the schema is counted (as the owner: a SECURITY DEFINER function).
  const owner = t.owner();
  await owner.raw(`create table fuzz_ecritures (id bigserial primary key, tbl text not null, op text not null)`);
  await owner.raw(`create function fuzz_compter() returns trigger language plpgsql security definer as $$
    begin insert into fuzz_ecritures (tbl, op) values (tg_table_name, tg_op); return null; end $$`);
  const tables: string[] = await owner('pg_tables').where({ schemaname: 'public' }).whereNot('tablename', 'like', 'knex_%').whereNot('tablename', 'fuzz_ecritures').pluck('tablename');
  for (const table of tables) {
    await owner.raw(`create trigger fuzz_compter after insert or update or delete on ?? for each row execute function fuzz_compter()`, [table]);
  }

  const structure = await createStructure(t.db, { name: 'France Services de Morlaix' });
  const a = await createAccount(t.db, { email: 'aidant.fuzz@morlaix.fr', first_name: 'Awa', last_name: 'Diallo', structureId: structure });
  const r = await createAccount(t.db, { email: 'referent.fuzz@morlaix.fr', first_name: 'Rémi', last_name: 'Kerjean', structureId: structure, referent: true });
  const c = await createAccount(t.db, { email: 'collegue.fuzz@morlaix.fr', first_name: 'Chloé', last_name: 'Le Bihan', structureId: structure });
  const s = await createAccount(t.db, { email: 'instruction.fuzz@aidantsconnect.beta.gouv.fr', is_staff: true });
  const usager = await creerUsager(t.db, IDENTITES_FC.angela);
  const { mandatId } = await creerMandat(t.db, { structureId: structure, usagerId: usager.id, aidantId: a.aidant.id, demarches: ['famille', 'argent'] });

  const aidant = await session(url, '/usagers', { mail, email: 'aidant.fuzz@morlaix.fr', secret: a.totpSecret });
  const referent = await session(url, '/espace-referent', { mail, email: 'referent.fuzz@morlaix.fr', secret: r.totpSecret });
  const staff = await session(url, '/staff', { mail, email: 'instruction.fuzz@aidantsconnect.beta.gouv.fr', secret: s.totpSecret });
  const anonyme = await session(url, '/connexion');
  // An authorization of FranceConnect waiting for the aidant: its interaction's pages and forms are live.
  const fc = await clientFranceConnect(url);
  const demande = demandeFranceConnect(fc, { repScope: ['famille'] });
  const liste = await suivre(aidant.http, demande.url, url);
  if (!liste.path.startsWith('/interaction/')) throw new Error(`interaction attendue, reçu ${liste.status} ${liste.path}`);

  return {
    url, t, env, oidc, mail,
    sessions: { anonyme, aidant, referent, staff },
    ids: { structure, usager: usager.id, mandat: mandatId, aidant: a.aidant.id, collegue: c.aidant.id, interaction: uidOf(liste.path) },
    ecritures: async () => Number((await owner('fuzz_ecritures').max({ n: 'id' }).first())?.n ?? 0),
    // The outbox relay marks deliveries in the background (UPDATE outbox): not the request's doing.
    tablesEcrites: async (depuis) =>
      owner('fuzz_ecritures').where('id', '>', depuis).whereNotIn('tbl', TABLES_SANS_DOMAINE).whereNot((q) => q.where({ tbl: 'outbox', op: 'UPDATE' })).distinct().pluck('tbl'),
    signatureTwilio: (params) => twilio.getExpectedTwilioSignature(FAKE_TWILIO_AUTH_TOKEN, url + CHEMIN_WEBHOOK_SMS, params),
    async stop() {
      await oidc.close();
      await env.teardown();
      await mail.stop();
      await t.drop();
    },
  };
}

/** A fresh Twilio MessageSid. */
export const messageSid = () => `SM${randomBytes(16).toString('hex')}`;
