// Outage drills on the real stack (issue 19), each kept to a few seconds:
// - SMTP down: the login links asked for meanwhile wait in the outbox (the aidant sees « lien envoyé »), the
//   relay retries with its backoff (OUTBOX_RETRY_BASE_MS shortened here: 30 s, 1 min, 2 min… in production)
//   and, SMTP back, each arrives exactly once. An email a workflow's activity sends during the outage (the
//   acknowledgement of a habilitation request) is retried by Temporal beside the relay: once too.
// - Twilio answering 500, then 429 with Retry-After: the consent request's SMS is retried by Temporal (after
//   the 500, its activity's backoff; after the 429, the delay Retry-After asked for) and leaves exactly once;
//   the aidant's page goes on to « en attente » without showing a failure.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startMailCatcher, type MailCatcher } from '../../scripts/fakes/mail-catcher.ts';
import { createSmtpMailer } from '../../activities/ports/mailer.ts';
import { createTwilioSms, delaiRetryAfter } from '../../activities/ports/sms.ts';
import { deliverRow } from '../../activities/outbox.ts';
import { enqueueSms } from '../../db/queries/outbox.ts';
import { FAKE_TWILIO_ACCOUNT_SID, FAKE_TWILIO_AUTH_TOKEN } from '../../db/platform/twilio.ts';
import { ApplicationFailure } from '@temporalio/common';
import { startApp, csrfFrom, HttpClient, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp, totpCode } from '../../scripts/fixtures/comptes.ts';
import { relaisTcp, type RelaisTcp } from '../helpers/panne.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { creerDemandeComplete } from '../helpers/habilitation.ts';
import { demarrerHabilitation } from '../../db/temporal/processes/habilitation.ts';
import { jusqua } from '../helpers/attente.ts';

describe('SMTP en panne', () => {
  let t: TestDb;
  let catcher: MailCatcher;
  let relais: RelaisTcp;
  let app: RunningApp;
  let mailer: ReturnType<typeof createSmtpMailer>;
  const secrets: Record<string, string> = {};
  const base = process.env.OUTBOX_RETRY_BASE_MS;

  beforeAll(async () => {
    process.env.OUTBOX_RETRY_BASE_MS = '300';
    t = await createTestDb();
    catcher = await startMailCatcher();
    relais = await relaisTcp(catcher.smtpPort);
    mailer = createSmtpMailer({ host: '127.0.0.1', port: relais.port, secure: false, from: 'Aidants Connect <test@aidantsconnect.beta.gouv.fr>' });
    app = await startApp({ db: t.db, temporal: async () => { throw new Error('pas de Temporal ici'); }, mailer });
    const structure = await createStructure(t.db, { name: 'France Services de Guingamp' });
    for (const nom of ['anna', 'bruno', 'chloe']) secrets[nom] = (await createAccount(t.db, { email: `${nom}@guingamp.fr`, structureId: structure })).totpSecret;
  });
  afterAll(async () => {
    if (base === undefined) delete process.env.OUTBOX_RETRY_BASE_MS;
    else process.env.OUTBOX_RETRY_BASE_MS = base;
    await app?.close();
    mailer?.transport.close();
    await relais?.stop();
    await catcher?.stop();
    await t?.drop();
  });

  test('links asked for during the outage wait in the outbox, then each arrives exactly once', async () => {
    await relais.couper();
    for (const nom of Object.keys(secrets)) {
      const http = new HttpClient(app.url);
      const form = await (await http.get('/connexion')).text();
      const res = await http.postForm('/connexion', { email: `${nom}@guingamp.fr`, code: await totpCode(secrets[nom]) }, csrfFrom(form));
      // The aidant is told the link is on its way: the request never waits for SMTP.
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('lien de connexion');
    }
    // The relay tried and failed (twice at least, its backoff being short here); nothing arrived.
    await jusqua(async () => (await t.db('outbox').where({ channel: 'email', status: 'pending' }).where('attempts', '>=', 2)).length === 3, 'deux tentatives échouées par courriel');
    const enAttente = await t.db('outbox').where({ channel: 'email' }).select('status', 'attempts', 'last_error');
    expect(enAttente.every((r) => r.status === 'pending' && r.last_error)).toBe(true);
    expect(catcher.emails()).toHaveLength(0);

    await relais.retablir();
    await jusqua(async () => (await t.db('outbox').where({ channel: 'email', status: 'sent' })).length === 3, 'les trois courriels envoyés');
    await new Promise((r) => setTimeout(r, 1500)); // a double would show by now (the relay sweeps every 500 ms)
    const recus = catcher.emails();
    expect(recus.map((m) => m.to[0]).sort()).toEqual(['anna@guingamp.fr', 'bruno@guingamp.fr', 'chloe@guingamp.fr']);
    expect(new Set(recus.map((m) => m.messageId)).size).toBe(3);
    // And each link works: the first aidant logs in with the email sent after the outage.
    const anna = new HttpClient(app.url);
    await loginHttp(anna, catcher, 'anna@guingamp.fr', secrets.anna);
    expect((await anna.get('/espace')).status).toBe(303);
  });

  test('an email sent by a workflow’s activity during the outage: retried, then sent exactly once', async () => {
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('panne-smtp');
    const worker = await testWorker(env, { deps: { db: t.db, mailer }, taskQueue });
    const run = worker.run();
    try {
      const f = await creerDemandeComplete(t.db, { status: 'NEW' });
      const cle = `habilitation-${f.demandeId}-soumise-1`;
      await relais.couper();
      await demarrerHabilitation(env.client, f.demandeId, f.empreinte, { taskQueue });
      // The submission is recorded (its transaction does not wait for SMTP); its email waits, tried twice.
      await jusqua(async () => (await t.db('outbox').where({ idempotency_key: cle }).where('attempts', '>=', 2).first()), 'deux tentatives du courriel');
      expect((await t.db('demandes_habilitation').where({ id: f.demandeId }).first('status')).status).toBe('AC_VALIDATION_PROCESSING');
      expect(catcher.emails().filter((m) => m.messageId?.includes(encodeURIComponent(cle)))).toHaveLength(0);
      await relais.retablir();
      await jusqua(async () => (await t.db('outbox').where({ idempotency_key: cle, status: 'sent' }).first()), 'le courriel envoyé');
      // The activity's next retry and the relay's sweep both come after: neither sends it again.
      await new Promise((r) => setTimeout(r, 5000));
      expect(catcher.emails().filter((m) => m.messageId?.includes(encodeURIComponent(cle)))).toHaveLength(1);
      expect(await t.db('evenements_habilitation').where({ demande_id: f.demandeId, type: 'soumise' })).toHaveLength(1);
    } finally {
      worker.shutdown();
      await run;
      await env.teardown();
    }
  });
});

test('Retry-After, in seconds or as a date, capped at an hour', () => {
  expect(delaiRetryAfter('2')).toBe(2000);
  expect(delaiRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
  expect(delaiRetryAfter('99999')).toBe(3600_000);
  expect(delaiRetryAfter('bientôt')).toBeNull();
  expect(delaiRetryAfter(undefined)).toBeNull();
});

describe('Twilio en panne : 500, puis 429 avec Retry-After', () => {
  let s: ServiceStack;
  let aidant: HttpClient;

  beforeAll(async () => {
    s = await startServiceStack('http://app.test', { franceConnect: true, sms: true });
    const structure = await createStructure(s.t.db, { name: 'CCAS de Paimpol' });
    const a = await createAccount(s.t.db, { email: 'yves.le-goff@paimpol.fr', structureId: structure });
    aidant = new HttpClient(s.app.url);
    await loginHttp(aidant, s.mail.catcher, 'yves.le-goff@paimpol.fr', a.totpSecret);
  });
  afterAll(async () => {
    await s?.stop();
  });

  test('a 429’s Retry-After is honoured: the delay of Temporal’s next attempt, and the relay’s next try', async () => {
    const port = createTwilioSms({ accountSid: FAKE_TWILIO_ACCOUNT_SID, authToken: FAKE_TWILIO_AUTH_TOKEN, from: 'AidantsCo', apiBase: s.sms!.baseUrl });
    // An activity's send (ignoreBackoff): Temporal is told to wait what Twilio asked.
    await enqueueSms(s.t.db, { idempotencyKey: 'panne-429-activite', to: '+33680000043', body: 'Essai' });
    s.sms!.failNext(1, { status: 429, retryAfterS: 7 });
    const refus = await deliverRow(s.t.db, { sms: port }, 'panne-429-activite', { ignoreBackoff: true }).catch((e: unknown) => e);
    expect(refus).toBeInstanceOf(ApplicationFailure);
    expect(refus).toMatchObject({ type: 'SmsAttendre', nextRetryDelay: 7000 });
    // The relay's own try: not before the hour Twilio asked for (its usual backoff is 30 s).
    await enqueueSms(s.t.db, { idempotencyKey: 'panne-429-relais', to: '+33680000044', body: 'Essai' });
    s.sms!.failNext(1, { status: 429, retryAfterS: 3600 });
    expect(await deliverRow(s.t.db, { sms: port }, 'panne-429-relais')).toBe('retry_later');
    const ligne = await s.t.db('outbox').where({ idempotency_key: 'panne-429-relais' }).first('next_attempt_at', 'last_error');
    expect(new Date(ligne.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(ligne.last_error).toContain('Retry-After');
    expect(s.sms!.messages().filter((m) => ['+33680000043', '+33680000044'].includes(m.to))).toHaveLength(0);
  });

  test('the consent request’s SMS is retried and leaves exactly once; the aidant waits, no failure shown', async () => {
    s.sms!.failNext(1, { status: 500 });
    s.sms!.failNext(1, { status: 429, retryAfterS: 2 });
    const page = await (await aidant.get('/mandats/nouveau')).text();
    const res = await aidant.postForm('/mandats/nouveau', { demarches: ['famille'], duree: 'SHORT', modalite: 'distance', telephone: '06 80 00 00 42', certification: 'oui' }, csrfFrom(page));
    expect(res.status).toBe(303);
    const id = res.headers.get('location')!.split('/').pop()!;
    const etat = async () => (await (await aidant.request(`/mandats/consentements/${id}/etat`, { headers: { accept: 'application/json' } })).json()) as { statut: string };
    await jusqua(async () => (await etat()).statut === 'attente', 'la demande en attente de réponse');
    await new Promise((r) => setTimeout(r, 1000));
    // The request is two SMS (the mandat, then the question): each left once, the first after two refusals.
    const envoyes = s.sms!.messages().filter((m) => m.to === '+33680000042');
    expect(envoyes).toHaveLength(2);
    expect(envoyes[0].body).toContain('va créer un mandat');
    expect(envoyes[1].body).toMatch(/Répondez « Oui [0-9]{4} »/); // the request's reply code (issue 18, item 1)
    const rows = await s.t.db('outbox').where({ channel: 'sms', recipient: '+33680000042' }).orderBy('id').select('status', 'attempts');
    expect(rows).toEqual([{ status: 'sent', attempts: 3 }, { status: 'sent', attempts: 1 }]);
    const vue = await (await aidant.get(`/mandats/consentements/${id}`)).text();
    expect(vue).toContain('En attente de la réponse de l’usager');
    expect(vue).not.toContain('Le SMS n’a pas pu être envoyé');
  });
});
