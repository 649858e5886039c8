// Drill 1 of issue 19, under load: PostgreSQL stopped for 20 s (`pg_ctl stop -m fast`, then started again on
// the same port) while aidants log in, several recaps create mandats at once and mandat workflows run their
// activities (the expiry reminder's email, then the end of the mandat), and a usager answers « Oui » by SMS.
// A cluster of its own, a dev server of its own, the worker on the production task queue. During the outage
// every answer is the French 503 page (or a success), never a 500 nor a stack trace, and the health check
// names PostgreSQL. Afterwards nothing is missing or doubled: one mandat per draft, one `create_attestation`
// each, one workflow each (the worker's periodic reconciliation marks those whose start could not be
// recorded), each login's email and each reminder sent once, each ended mandat journaled once, the consent's
// SMS once each (the « Oui » of the outage was refused to Twilio, kept nowhere; answered again, it decides).
// And the exact window where the mandat's transaction committed but PostgreSQL went away before the session
// was saved: the recap says the mandat was created.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { startLocalPostgres, type LocalPostgres } from '../../db/cluster.ts';
import { createDb, type Db } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrations/run.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { csrfFrom, HttpClient, startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, totpCode } from '../../scripts/fixtures/comptes.ts';
import { devServerEnv, testWorker } from '../../scripts/fixtures/temporal.ts';
import { TASK_QUEUE } from '../../workflows/task-queue.ts';
import { demarrerVieMandat, idVieMandat, reconcilierViesMandatsPeriodiquement } from '../../db/temporal/processes/mandat.ts';
import { aidantAvecBrouillon, soumettreRecap, type ReponseRecap } from '../helpers/brouillon-mandat.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { deliverRow } from '../../activities/outbox.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import type { Mailer } from '../../activities/ports/mailer.ts';
import { startTestSms } from '../helpers/sms.ts';
import { CHEMIN_WEBHOOK_SMS } from '../../db/platform/twilio.ts';
import { creerDemandeConsentement } from '../../api/consentement/demandes.ts';
import { jusqua } from '../helpers/panne.ts';

let dossier: string;
let pg: LocalPostgres;
let db: Db;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let sms: Awaited<ReturnType<typeof startTestSms>>;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let app: RunningApp;
let structureId: number;
/** What the app's Temporal provider runs before answering (the first test stops PostgreSQL there). */
let avantTemporal: (() => Promise<void>) | null = null;

beforeAll(async () => {
  dossier = mkdtempSync(join(tmpdir(), 'ac-panne-pg-charge-'));
  pg = await startLocalPostgres({ dataDir: dossier, database: 'charge' });
  const owner = createDb(pg.ownerUrl, { min: 0, max: 1 });
  await migrateLatest(owner);
  await owner.destroy();
  db = createDb(pg.appUrl, { min: 0, max: 10 });
  mail = await startTestMail();
  sms = await startTestSms();
  env = await devServerEnv();
  worker = await testWorker(env, { deps: { db, mailer: mail.mailer, sms: sms.sms, publicUrl: 'http://app.test' }, taskQueue: TASK_QUEUE });
  running = worker.run();
  // The mandat's life starts right after the creation's commit: the provider is called there.
  app = await startApp({ db, mailer: mail.mailer, sms: sms.sms, publicUrl: 'http://app.test', temporal: async () => {
    const f = avantTemporal;
    avantTemporal = null;
    await f?.();
    return env.client;
  } });
  sms.fake.setWebhook({ url: app.url + CHEMIN_WEBHOOK_SMS, signedUrl: 'http://app.test' + CHEMIN_WEBHOOK_SMS });
  structureId = await createStructure(db, { name: 'France Services de Morlaix' });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await app?.close();
  await env?.teardown();
  await mail?.stop();
  await sms?.stop();
  await db?.destroy();
  await pg?.stop();
  if (dossier) rmSync(dossier, { recursive: true, force: true });
});

const redemarrer = async () => {
  pg = await startLocalPostgres({ dataDir: dossier, database: 'charge', preferredPort: pg.port });
};

/** The 503 page and nothing technical; a 500 never. */
function sansErreurServeur(quoi: string, status: number, page: string) {
  expect([quoi, status]).not.toEqual([quoi, 500]);
  expect(page).not.toMatch(/at .*\.ts:\d+|ECONNREFUSED|Error:|Erreur interne/);
  if (status === 503) expect(page).toMatch(/<h1>Service indisponible<\/h1>|service_unavailable/);
}

test('PostgreSQL gone between the mandat’s commit and the session’s save: « Le mandat a été créé », never a 500; resubmitted, the same mandat', async () => {
  const c = await aidantAvecBrouillon(db, structureId, 0);
  avantTemporal = () => pg.stop();
  let r: ReponseRecap;
  try {
    r = await soumettreRecap(app.url, c);
  } finally {
    await redemarrer();
  }
  sansErreurServeur('recap', r.status, r.page);
  expect(r.status).toBe(200);
  expect(r.page).toContain('Le mandat a été créé');
  const mandats = await db('mandats').where({ creation_key: c.brouillonId });
  expect(mandats).toHaveLength(1);
  // The session could not be saved: it still holds the draft without its mandat. Submitted again, the
  // creation key lands on the mandat already created.
  const encore = await soumettreRecap(app.url, c, db);
  expect(encore.status).toBe(303);
  expect(encore.location).toBe(`/usagers/${mandats[0].usager_id}#mandat-${mandats[0].id}`);
  expect(await db('mandats').where({ creation_key: c.brouillonId })).toHaveLength(1);
  expect(await db('journal').where({ mandat_id: mandats[0].id, action: 'create_attestation' })).toHaveLength(1);
  // Its workflow was started before PostgreSQL went away; the mark that says so could not be written: the
  // reconciliation only marks it.
  expect((await env.client.workflow.getHandle(idVieMandat(mandats[0].id)).describe()).status.name).toBe('RUNNING');
}, 60_000);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an email SMTP accepted just as PostgreSQL went away: marked sent once it is back, within its claim — never sent twice', async () => {
  const cle = 'exercice-smtp-puis-panne';
  await db.transaction(async (trx) => {
    await enqueueEmail(trx, { idempotencyKey: cle, to: 'nolwenn@morlaix.fr', subject: 'Exercice', text: 'Un seul envoi.' });
    // Out of the relay's way (it only takes rows due): this test delivers it itself.
    await trx('outbox').where({ idempotency_key: cle }).update({ next_attempt_at: new Date(Date.now() + 3_600_000) });
  });
  let retour: Promise<void> = Promise.resolve();
  const mailer: Mailer = {
    async send(m) {
      const envoye = await mail.mailer.send(m);
      await pg.stop();
      retour = pause(3000).then(redemarrer);
      return envoye;
    },
  };
  expect(await deliverRow(db, { mailer }, cle, { ignoreBackoff: true })).toBe('sent');
  await retour;
  expect(await db('outbox').where({ idempotency_key: cle }).select('status')).toEqual([{ status: 'sent' }]);
  // Another sender finds it sent, not due again once the claim ends.
  expect(await deliverRow(db, { mailer: mail.mailer }, cle, { ignoreBackoff: true })).toBe('already_sent');
  await pause(500);
  expect(mail.catcher.emails().filter((m) => m.messageId?.includes(encodeURIComponent(cle)))).toHaveLength(1);
}, 60_000);


/** Every answer the load received, to check that none was a 500 or showed a trace. */
const reponses: { quoi: string; status: number; page: string }[] = [];
async function noter(quoi: string, res: Response): Promise<{ status: number; page: string; location: string }> {
  const page = await res.text();
  reponses.push({ quoi, status: res.status, page });
  return { status: res.status, page, location: res.headers.get('location') ?? '' };
}

/** A recap submitted until it goes through: 303 to the usager, or 200 « Le mandat a été créé » (then submitted again). */
async function creerJusquauBout(c: Awaited<ReturnType<typeof aidantAvecBrouillon>>): Promise<{ creePendantPanne: boolean }> {
  let creePendantPanne = false;
  for (;;) {
    const r = await soumettreRecap(app.url, c, db);
    reponses.push({ quoi: 'récapitulatif', status: r.status, page: r.page });
    if (r.status === 303) return { creePendantPanne };
    if (r.status === 200 && r.page.includes('Le mandat a été créé')) creePendantPanne = true;
    else expect(['récapitulatif', r.status]).toEqual(['récapitulatif', 503]);
    await pause(700);
  }
}

const LIEN = /https?:\/\/\S+\/connexion\/lien\/[A-Za-z0-9_-]+/;

/** An aidant logs in (link asked, email read, link confirmed), starting again after each 503. */
async function connecterJusquauBout(email: string, secret: string, aidantId: number): Promise<void> {
  for (;;) {
    const client = new HttpClient(app.url);
    const form = await noter('GET /connexion', await client.get('/connexion'));
    if (form.status !== 200) {
      await pause(700);
      continue;
    }
    await db('totp_devices').where({ aidant_id: aidantId }).update({ last_time_step: null }).catch(() => {});
    const avant = mail.catcher.emails().length;
    const demande = await noter('POST /connexion', await client.postForm('/connexion', { email, code: await totpCode(secret) }, csrfFrom(form.page)));
    if (demande.status !== 200) {
      await pause(700);
      continue;
    }
    // The link and its email were committed: the email leaves once PostgreSQL answers the relay.
    const courriel = await mail.catcher.waitFor((m) => mail.catcher.emails().indexOf(m) >= avant && m.to.includes(email), 60_000);
    const chemin = new URL(courriel.text.match(LIEN)![0]).pathname;
    for (;;) {
      const page = await noter('GET lien', await client.get(chemin));
      if (page.status === 200) {
        const fin = await noter('POST lien', await client.postForm(chemin, {}, csrfFrom(page.page)));
        if (fin.status === 303) {
          const espace = await noter('GET /espace', await client.get('/espace'));
          if (!espace.location.startsWith('/connexion')) return;
        }
      }
      if (page.status !== 503) break; // the link used or expired meanwhile: asked again
      await pause(700);
    }
  }
}

test('20 s without PostgreSQL under load: 503 in French, never a 500; afterwards every row, journal entry, email and workflow once', async () => {
  const recaps = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => aidantAvecBrouillon(db, structureId, n)));
  const comptes = await Promise.all([1, 2, 3, 4].map(async (n) => {
    const email = `connexion-${n}@morlaix.fr`;
    const a = await createAccount(db, { email, structureId });
    return { email, secret: a.totpSecret, aidantId: a.aidant.id };
  }));
  // Mandats of another structure (two aidants) whose reminder and end fall during the outage.
  const landivisiau = await createStructure(db, { name: 'CCAS de Landivisiau' });
  const referents = await Promise.all(['anna', 'erwan'].map((p) => createAccount(db, { email: `${p}@landivisiau.fr`, structureId: landivisiau })));
  const t0 = Date.now();
  const vies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const m = await creerMandatDeTest(db, { structureId: landivisiau, aidantId: referents[0].aidant.id, demarches: ['social'], duree: 'SHORT', usager: { family_name: `VIE${i}` } });
    const expiresAt = new Date(t0 + 9000);
    await db('mandats').where({ id: m.mandatId }).update({ expires_at: expiresAt });
    // Reminder 6 s before the end (3 s after t0), retention of an hour (no purge in this drill).
    await demarrerVieMandat(db, env.client, { mandatId: m.mandatId, expiresAt, duree: 'SHORT', structureId: landivisiau }, { rappelAvantMs: 6000, conservationMs: 3_600_000 });
    vies.push(m.mandatId);
  }
  // A remote consent waiting for the usager, whose « Oui » arrives during the outage.
  const telephone = '+33680000029';
  const demande = await creerDemandeConsentement(db, env.client, { aidantId: recaps[0].aidantId, structureId, telephone, demarches: ['social'], duree: 'MONTH' });
  if (!demande.ok) throw new Error(demande.raison);
  const { reply_code: code } = await db('consent_requests').where({ id: demande.demandeId }).first('reply_code');
  await jusqua(async () => (await db('consent_requests').where({ id: demande.demandeId }).first('status')).status === 'awaiting', 'la demande de consentement en attente');
  const bilans: unknown[] = [];
  const reconciliation = reconcilierViesMandatsPeriodiquement(db, async () => env.client, { intervalMs: 1000, apresPasse: (b) => bilans.push(b) });

  try {
    // The load: every recap and login starts within the first 3 seconds, PostgreSQL stops after 1 second.
    const charge = Promise.all([
      ...recaps.map(async (c, i) => {
        await pause(i * 500);
        return creerJusquauBout(c);
      }),
      ...comptes.map(async (c, i) => {
        await pause(250 + i * 700);
        await connecterJusquauBout(c.email, c.secret, c.aidantId);
      }),
    ]);
    await pause(1000);
    const arret = Date.now();
    await pg.stop();
    try {
      await pause(2000);
      const sante = await fetch(`${app.url}/health`);
      expect(sante.status).toBe(503);
      expect(await sante.json()).toMatchObject({ status: 'degraded', checks: { postgres: { ok: false } } });
      const page = await noter('GET /usagers', await new HttpClient(app.url).request('/usagers', { headers: { accept: 'text/html', cookie: recaps[0].cookie } }));
      expect(page.status).toBe(503);
      expect(page.page).toContain('Réessayez dans quelques minutes');
      // The usager's « Oui », signed like Twilio: nothing can be stored, Twilio is told (503) and records it.
      const oui = await sms.fake.reply({ from: telephone, body: `Oui ${code}` });
      expect(oui.status).toBe(503);
      await pause(Math.max(0, 20_000 - (Date.now() - arret)));
    } finally {
      await redemarrer();
    }
    const creations = await charge;

    // No 500, no trace; the outage was felt (503s), and everything went through in the end.
    for (const r of reponses) sansErreurServeur(r.quoi, r.status, r.page);
    expect(reponses.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    // Besides: a login form shown during the outage to a first visit (its session could not be stored) is
    // « Formulaire expiré » once sent after it — the aidant reloads it.
    const expire = (r: { quoi: string; status: number; page: string }) => r.quoi === 'POST /connexion' && r.status === 403 && r.page.includes('Formulaire expiré');
    expect(reponses.filter((r) => ![200, 302, 303, 503].includes(r.status) && !expire(r)).map((r) => [r.quoi, r.status])).toEqual([]);

    // One mandat per draft, its journal and its workflow once.
    const mandats = await db('mandats').whereIn('creation_key', recaps.map((c) => c.brouillonId)).select('id', 'creation_key');
    expect(mandats.map((m) => m.creation_key).sort()).toEqual(recaps.map((c) => c.brouillonId).sort());
    for (const m of mandats) expect(await db('journal').where({ mandat_id: m.id, action: 'create_attestation' })).toHaveLength(1);
    // The reconciliation (every second) starts or marks what the outage left without its mark.
    await jusqua(async () => Number((await db('mandats').whereNull('workflow_started_at').count({ n: '*' }).first())!.n) === 0, 'les workflows des mandats marqués');
    for (const id of [...mandats.map((m) => m.id), ...vies]) {
      const executions = [];
      for await (const w of env.client.workflow.list({ query: `WorkflowId = '${idVieMandat(id)}'` })) executions.push(w.status.name);
      // The lives continued as new into their retention: one chain, one run open.
      expect([id, executions.filter((s) => s === 'RUNNING')]).toEqual([id, ['RUNNING']]);
      expect([id, executions.filter((s) => s !== 'RUNNING' && s !== 'CONTINUED_AS_NEW')]).toEqual([id, []]);
    }

    // The lives: the reminder retried until PostgreSQL answered, then the end; each written and mailed once.
    await jusqua(async () => (await db('mandats').whereIn('id', vies).where({ status: 'expired' })).length === vies.length, 'la fin des mandats', 60_000);
    for (const id of vies) {
      expect(await db('journal').where({ mandat_id: id, action: 'expire_mandat' })).toHaveLength(1);
      for (const r of referents) expect(await db('outbox').where({ idempotency_key: `mandat-${id}-rappel-${r.aidant.id}` }).select('status')).toEqual([{ status: 'sent' }]);
    }

    // Nothing of that answer was kept; answered again once PostgreSQL is back, it decides, the receipt leaves once.
    expect(await db('consent_sms').where({ consent_request_id: demande.demandeId, direction: 'in' })).toHaveLength(0);
    expect((await sms.fake.reply({ from: telephone, body: `Oui ${code}` })).status).toBe(200);
    await jusqua(async () => (await db('consent_requests').where({ id: demande.demandeId }).first('status')).status === 'consented', 'l’accord enregistré');
    await sms.fake.waitFor((x) => x.to === telephone && x.body.includes('bien enregistré votre accord'), 30_000);
    expect(await db('journal').where({ consent_request_id: demande.demandeId, action: 'remote_sms_consent_received' })).toHaveLength(1);

    // Every email written was sent, and received exactly once.
    await jusqua(async () => (await db('outbox').whereNot({ status: 'sent' })).length === 0, 'la boîte d’envoi vide', 20_000)
      .catch(async (err) => {
        console.log(await db('outbox').whereNot({ status: 'sent' }).select('*'));
        throw err;
      });
    await pause(1000);
    const ecrits: { idempotency_key: string }[] = await db('outbox').where({ channel: 'email' }).select('idempotency_key');
    const recus = mail.catcher.emails();
    for (const { idempotency_key: cle } of ecrits) {
      expect([cle, recus.filter((m) => m.messageId?.includes(encodeURIComponent(cle))).length]).toEqual([cle, 1]);
    }
    expect(recus).toHaveLength(ecrits.length);
    // Every SMS too: the request's recap, the request and the receipt, each once.
    const smsEcrits: string[] = await db('outbox').where({ channel: 'sms' }).pluck('idempotency_key');
    expect(smsEcrits).toHaveLength(3);
    expect(sms.fake.messages().filter((x) => x.to === telephone)).toHaveLength(3);
    // Each aidant's login: the links asked, each once in the outbox.
    for (const c of comptes) expect((await db('magic_links').where({ aidant_id: c.aidantId })).length).toBeGreaterThanOrEqual(1);
    console.log(`exercice PostgreSQL sous charge : ${reponses.length} réponses (${reponses.filter((r) => r.status === 503).length} × 503, ${reponses.filter(expire).length} × « Formulaire expiré »), ${creations.slice(0, recaps.length).filter((c) => c?.creePendantPanne).length} récapitulatif(s) « créé » sans session enregistrée, ${bilans.length} passages de réconciliation`);
  } finally {
    await reconciliation.stop();
  }
}, 120_000);
