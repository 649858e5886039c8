// Drill 2 of issue 19: the Temporal dev server killed (SIGKILL) and started again on its SQLite file and its
// port, during a purge (a mandat's workflow at the end of its keeping, short durations as inputs: the purge's
// activity is under way when the server dies), a remote consent (the usager's « Oui », signed like Twilio,
// reaches the webhook while Temporal is down) and mandat creations. The web app and the worker keep their own
// connections, which find the server again by themselves; the worker's periodic reconciliation
// (reconcilierViesMandatsPeriodiquement, as workers/main.ts runs it, here every second) starts the missing
// workflows and signals the kept answer. Afterwards: every mandat has exactly one workflow, the purge happened
// once, the consent request ended once (one decision, one receipt), its mandat was created once, and a second
// draft on that consent is refused (409), not a 500.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { devServerEnv, testWorker } from '../../scripts/fixtures/temporal.ts';
import { createStructure } from '../../scripts/fixtures/comptes.ts';
import { freePort } from '../../db/free-port.ts';
import { createActivities } from '../../activities/index.ts';
import type { ParametresPurge } from '../../activities/mandat.ts';
import { TASK_QUEUE } from '../../workflows/task-queue.ts';
import { CHEMIN_WEBHOOK_SMS } from '../../db/platform/twilio.ts';
import { idWorkflowConsentement } from '../../db/domain/consentement.ts';
import { creerDemandeConsentement } from '../../api/consentement/demandes.ts';
import { demarrerVieMandat, idVieMandat, reconcilierViesMandatsPeriodiquement, type BilanReconciliation } from '../../db/temporal/processes/mandat.ts';
import { aidantAvecBrouillon, sessionAvecBrouillon, soumettreRecap } from '../helpers/brouillon-mandat.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { startTestSms, type TwilioFake } from '../helpers/sms.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { jusqua, pidDuServeurTemporal } from '../helpers/panne.ts';

const PUBLIC = 'http://app.test';
let t: TestDb;
let dossier: string;
let fichier: string;
let port: number;
let env: TestWorkflowEnvironment;
let client: Client;
let connexionWorker: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: RunningApp;
let sms: Awaited<ReturnType<typeof startTestSms>>;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let fake: TwilioFake;
let structureId: number;

/** The purge's activity waits for the test's go, once: the server is killed while it runs. */
let purgeCommencee!: () => void;
const purgeEnCours = new Promise<void>((r) => (purgeCommencee = r));
let reprendrePurge!: () => void;
const purgeReprise = new Promise<void>((r) => (reprendrePurge = r));
const appelsPurge: number[] = [];

beforeAll(async () => {
  t = await createTestDb();
  dossier = mkdtempSync(join(tmpdir(), 'ac-panne-temporal-purge-'));
  fichier = join(dossier, 'temporal.sqlite');
  port = await freePort();
  env = await demarrerServeur();
  sms = await startTestSms();
  mail = await startTestMail();
  fake = sms.fake;
  // Connections of their own (as the processes have), which outlive the killed server's environment.
  client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }) });
  connexionWorker = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
  const deps = { db: t.db, mailer: mail.mailer, sms: sms.sms, publicUrl: PUBLIC };
  const reelles = createActivities(deps);
  worker = await testWorker(env, {
    deps, taskQueue: TASK_QUEUE, connection: connexionWorker,
    activities: {
      async purgerMandat(p: ParametresPurge) {
        appelsPurge.push(p.mandatId);
        if (appelsPurge.length === 1) {
          purgeCommencee();
          await purgeReprise;
        }
        return reelles.purgerMandat(p);
      },
    },
  });
  running = worker.run();
  const appPort = await freePort();
  app = await startApp({ db: t.db, temporal: async () => client, sms: sms.sms, publicUrl: PUBLIC, port: appPort });
  fake.setWebhook({ url: app.url + CHEMIN_WEBHOOK_SMS, signedUrl: PUBLIC + CHEMIN_WEBHOOK_SMS });
  structureId = await createStructure(t.db, { name: 'France Services de Quimperlé' });
}, 120_000);

afterAll(async () => {
  reprendrePurge?.();
  worker?.shutdown();
  await running;
  await app?.close();
  await client?.connection.close();
  await connexionWorker?.close();
  await env?.teardown().catch(() => {});
  if (fichier) tuerServeurRestant();
  await sms?.stop();
  await mail?.stop();
  await t?.drop();
  if (dossier) rmSync(dossier, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The dev server on its file and port. On a loaded machine it may come up slower than the environment's
 * connection waits (10 s): the server it left running is killed and started once more.
 */
async function demarrerServeur(): Promise<TestWorkflowEnvironment> {
  for (let essai = 1; ; essai++) {
    try {
      return await devServerEnv({ dbFilename: fichier, port });
    } catch (err) {
      tuerServeurRestant();
      if (essai === 3) throw err;
      await pause(1000);
    }
  }
}

function tuerServeurRestant(): void {
  try {
    process.kill(pidDuServeurTemporal(fichier), 'SIGKILL');
  } catch {
    // none left
  }
}



/** Runs of workflow `id` (one chain: continued-as-new runs, then the last one). */
async function executions(id: string): Promise<string[]> {
  const statuts: string[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${id}'` })) statuts.push(w.status.name);
  return statuts;
}

test('killed during a purge, a remote consent and creations: each mandat one workflow, the purge once, the consent ended once', async () => {
  // A remote consent request, its SMS sent, waiting for the usager.
  const demandeur = await aidantAvecBrouillon(t.db, structureId, 0);
  const telephone = '+33680000042';
  const demande = await creerDemandeConsentement(t.db, client, { aidantId: demandeur.aidantId, structureId, telephone, demarches: ['social'], duree: 'MONTH' });
  if (!demande.ok) throw new Error(demande.raison);
  const { reply_code: code } = await t.db('consent_requests').where({ id: demande.demandeId }).first('reply_code');
  await fake.waitFor((x) => x.to === telephone && x.body.includes(`Oui ${code}`), 30_000);
  await jusqua(async () => (await t.db('consent_requests').where({ id: demande.demandeId }).first('status')).status === 'awaiting', 'la demande en attente');

  // A mandat at the end of its keeping: ended in a second, kept 3 s, then purged (durations as inputs).
  const usager = await creerMandatDeTest(t.db, { structureId, aidantId: demandeur.aidantId, demarches: ['social'], duree: 'SHORT', usager: { family_name: 'PURGE' } });
  const expiresAt = new Date(Date.now() + 1000);
  await t.db('mandats').where({ id: usager.mandatId }).update({ expires_at: expiresAt });
  await demarrerVieMandat(t.db, client, { mandatId: usager.mandatId, expiresAt, duree: 'SHORT', structureId }, { rappelAvantMs: null, conservationMs: 3000 });
  // And mandats created before the kill through the recap.
  const aidants = await Promise.all([1, 2, 3, 4].map((n) => aidantAvecBrouillon(t.db, structureId, n)));
  for (const c of aidants.slice(0, 2)) expect((await soumettreRecap(app.url, c)).status).toBe(303);

  const bilans: (BilanReconciliation | { erreur: unknown })[] = [];
  const reconciliation = reconcilierViesMandatsPeriodiquement(t.db, async () => client, { intervalMs: 1000, apresPasse: (b) => bilans.push(b) });
  try {
    await purgeEnCours;
    process.kill(pidDuServeurTemporal(fichier), 'SIGKILL');
    await pause(300);

    // Temporal gone. The usager's « Oui », signed like Twilio: answered at once, kept.
    const debut = Date.now();
    const reponse = await fake.reply({ from: telephone, body: `Oui ${code}` });
    expect(reponse.status).toBe(200);
    expect(Date.now() - debut).toBeLessThan(15_000); // Twilio's own limit for a webhook's answer
    expect(await t.db('consent_sms').where({ consent_request_id: demande.demandeId, direction: 'in' })).toHaveLength(1);
    // Two recaps: their mandats are created, their workflows not started.
    for (const c of aidants.slice(2)) {
      const r = await soumettreRecap(app.url, c);
      expect(r.status).toBe(303);
      expect(r.location).toMatch(/^\/usagers\/\d+#mandat-\d+$/);
    }
    // The purge's transaction commits while the server is down; its completion cannot be reported.
    reprendrePurge();
    await jusqua(async () => !(await t.db('mandats').where({ id: usager.mandatId }).first()), 'la purge en base');
    await pause(1000);

    // Started again on its file and its port; nothing else restarted.
    await env.teardown().catch(() => {});
    env = await demarrerServeur();

    // The reconciliation's next passes: the missing workflows started, the kept answer signalled.
    await jusqua(async () => Number((await t.db('mandats').whereNull('workflow_started_at').count({ n: '*' }).first())!.n) === 0, 'les workflows des mandats créés pendant la panne');
    await jusqua(async () => (await t.db('consent_requests').where({ id: demande.demandeId }).first('status')).status === 'consented', 'l’accord de l’usager enregistré');
    await fake.waitFor((x) => x.to === telephone && x.body.includes('bien enregistré votre accord'), 30_000);

    // The purge: once in the database and the journal, its workflow completed (the lost completion retried or delivered late).
    const vie = client.workflow.getHandle(idVieMandat(usager.mandatId));
    expect(await vie.result()).toMatchObject({ issue: expect.stringMatching(/^(purge|deja-purge)$/) });
    expect(await t.db('journal').where({ mandat_id: usager.mandatId, action: 'purge_mandat' })).toHaveLength(1);
    expect(appelsPurge.every((id) => id === usager.mandatId)).toBe(true);

    // The consent's mandat, from the draft the consent builds (its id is the request's): created once.
    const distance = await sessionAvecBrouillon(t.db, demandeur.aidantId, structureId, 10, { consentement: { demandeId: demande.demandeId, telephone } });
    const cree = await soumettreRecap(app.url, { ...distance, secret: demandeur.secret, aidantId: demandeur.aidantId }, t.db);
    expect(cree.status).toBe(303);
    const mandatDistance = await t.db('mandats').where({ consent_request_id: demande.demandeId });
    expect(mandatDistance).toHaveLength(1);
    // A second draft on that consent (another creation key): refused, nothing created.
    const autre = await sessionAvecBrouillon(t.db, demandeur.aidantId, structureId, 11, { consentement: { demandeId: demande.demandeId, telephone }, brouillonId: randomUUID() });
    const refus = await soumettreRecap(app.url, { ...autre, secret: demandeur.secret, aidantId: demandeur.aidantId }, t.db);
    expect(refus.status).toBe(409);
    expect(refus.page).toContain('déjà servi à créer un mandat');
    expect(await t.db('mandats').where({ consent_request_id: demande.demandeId })).toHaveLength(1);
    await jusqua(async () => (await t.db('mandats').where({ id: mandatDistance[0].id }).first('workflow_started_at')).workflow_started_at, 'le workflow du mandat à distance');

    // The consent request ended once: one decision journaled, one receipt sent, its workflow in its retention.
    expect(await t.db('journal').where({ consent_request_id: demande.demandeId, action: 'remote_sms_consent_received' })).toHaveLength(1);
    expect(fake.messages().filter((x) => x.to === telephone && x.body.includes('bien enregistré'))).toHaveLength(1);
    expect(fake.messages().filter((x) => x.to === telephone)).toHaveLength(3); // recap, request, receipt
    expect(await executions(idWorkflowConsentement(demande.demandeId))).toEqual(['RUNNING']);

    // Every mandat: exactly one workflow (one chain, one run open), and the reconciliation starts no more.
    const mandats: { id: number }[] = await t.db('mandats').where({ structure_id: structureId }).select('id');
    expect(mandats).toHaveLength(5);
    for (const m of mandats) expect([m.id, await executions(idVieMandat(m.id))]).toEqual([m.id, ['RUNNING']]);
    expect((await executions(idVieMandat(usager.mandatId))).sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW']);
    const avant = bilans.length;
    await jusqua(async () => bilans.length > avant + 1, 'deux passages de plus');
    const derniers = bilans.slice(avant);
    expect(derniers.every((b) => !('erreur' in b) && b.mandats.demarrees === 0 && b.reponsesSms.retransmises === 0)).toBe(true);
    expect(await t.db('journal').where({ structure_id: structureId, action: 'create_attestation' })).toHaveLength(6);
    console.log(`exercice Temporal : ${bilans.length} passages de réconciliation ; purge appelée ${appelsPurge.length} fois ; ${bilans.filter((b) => !('erreur' in b) && b.reponsesSms.retransmises).length} passage(s) ont transmis la réponse SMS`);
  } finally {
    await reconciliation.stop();
  }
}, 120_000);
