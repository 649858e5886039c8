// The inactivity watch at full production length on the time-skipping test server (months pass in
// milliseconds), with a real database and the mail catcher; the same workflow with short durations on the
// real dev server; and its activities run twice. Logins are written to PostgreSQL only, stamped with the test
// server's time (not this machine's: skipped time puts the two apart).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { activityInfo } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type ActivityDeps } from '../../activities/index.ts';
import { createInactiviteActivities, type ParametresAvertissement } from '../../activities/inactivite.ts';
import { arreterVeilleInactivite, demarrerVeilleInactivite, demarrerVeillesManquantes, idVeilleInactivite } from '../../db/temporal/processes/inactivite.ts';
import type { Db } from '../../db/connection.ts';
import { DELAI_AVERTISSEMENT_INACTIVITE_MS as AVERTISSEMENT, DELAI_DESACTIVATION_INACTIVITE_MS as DESACTIVATION, JOUR_MS, MOIS_INACTIVITE_MS as MOIS } from '../../db/domain/inactivite.ts';
import { enregistrerConnexion } from '../../db/queries/authentification.ts';
import { DEMO, seedDemo, type SeedResult } from '../../db/seed/index.ts';
import { AIDANT_ID, INACTIVITE_ETAPE } from '../../workflows/search-attributes.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { devServerEnv, testWorker, timeSkippingEnv, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';

/** A workflow task runs a few (real) milliseconds after its timer fires. */
const MARGE = 60_000;
const SUJET_AVERTISSEMENT = 'Réactivez votre compte Aidants Connect';
const SUJET_DESACTIVATION = 'Votre compte Aidants Connect a été désactivé';
const PUBLIC_URL = 'https://aidants.example.test';

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let seed: SeedResult;
let deps: ActivityDeps;
beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
  mail = await startTestMail();
  seed = await seedDemo(t.db);
  deps = { db: t.db, mailer: mail.mailer, publicUrl: PUBLIC_URL };
});
afterAll(async () => {
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

interface AidantDeTest {
  id: number;
  email: string;
  nom: string;
}

/** A fresh aidant of the demo structure (whose référente is DEMO.referent), never logged in. */
async function nouvelAidant(db: Db = t.db, structureId = seed.structureId): Promise<AidantDeTest> {
  const suffixe = randomUUID().slice(0, 8);
  const email = `aidant-${suffixe}@inactivite.example.test`;
  const [{ id }] = await db('aidants').insert({ email, first_name: 'Alix', last_name: `Veille-${suffixe}`, current_structure_id: structureId }).returning('id');
  await db('aidant_structures').insert({ aidant_id: id, structure_id: structureId });
  return { id, email, nom: `Alix Veille-${suffixe}` };
}

const sujetsRecusPar = (email: string) => mail.catcher.emails().filter((m) => m.to.includes(email)).map((m) => m.subject);
const compte = (id: number) => t.db('aidants').where({ id }).first();
const journal = (id: number, action: string) => t.db('journal').where({ aidant_id: id, action }).orderBy('id');
const debutDe = async (handle: { describe(): Promise<{ startTime: Date }> }) => (await handle.describe()).startTime.getTime();

function entre(valeur: number, min: number, max: number) {
  expect(valeur).toBeGreaterThanOrEqual(min);
  expect(valeur).toBeLessThan(max);
}

async function avecWorker<T>(fn: (taskQueue: string) => Promise<T>, activities?: Parameters<typeof testWorker>[1]['activities']): Promise<T> {
  const taskQueue = uniqueTaskQueue('inactivite');
  const worker = await testWorker(env, { deps, taskQueue, activities });
  return worker.runUntil(fn(taskQueue));
}

describe('inactiviteAidant at production length (time skipping)', () => {
  test('no login: warning at 5 months, deactivation at 6, emails to the aidant and the référente, journaled', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const handle = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      const debutMs = await debutDe(handle);
      const fin = await handle.result();

      expect(fin.issue).toBe('desactive');
      const apres = await compte(aidant.id);
      expect(apres.is_active).toBe(false);
      const avertiMs = apres.deactivation_warning_at.getTime();
      entre(avertiMs - debutMs, AVERTISSEMENT, AVERTISSEMENT + MARGE);
      entre(fin.aMs - avertiMs, DESACTIVATION, DESACTIVATION + MARGE);

      await mail.catcher.waitFor((m) => m.to.includes(aidant.email) && m.subject === SUJET_DESACTIVATION);
      expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
      const [avertissement] = mail.catcher.emails().filter((m) => m.to.includes(aidant.email));
      expect(avertissement.text).toContain(`${PUBLIC_URL}/connexion`);
      const aLaReferente = await mail.catcher.waitFor((m) => m.to.includes(DEMO.referent.email) && m.subject.includes(aidant.nom));
      expect(aLaReferente.text).toContain(aidant.email);
      expect(mail.catcher.emails().filter((m) => m.subject.includes(aidant.nom))).toHaveLength(1);

      const [averti] = await journal(aidant.id, 'inactivity_warning');
      const [desactive] = await journal(aidant.id, 'inactivity_deactivation');
      expect(averti.idempotency_key).toMatch(new RegExp(`^inactivite-${aidant.id}-\\d+-avertissement$`));
      expect(desactive.idempotency_key).toMatch(new RegExp(`^inactivite-${aidant.id}-\\d+-desactivation$`));
      expect(desactive.structure_id).toBe(seed.structureId);
      expect(await journal(aidant.id, 'inactivity_warning')).toHaveLength(1);
      await maybeSaveHistory(handle, 'inactiviteAidant', 'v1-desactivation');
    });
  });

  test('a login at 5 months and 2 weeks cancels the deactivation: a new cycle starts from that login', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const handle = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      const debutMs = await debutDe(handle);

      await env.sleep(AVERTISSEMENT + 14 * JOUR_MS);
      expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT]);
      expect((await compte(aidant.id)).deactivation_warning_at).not.toBeNull();
      const connexionMs = await env.currentTimeMs();
      entre(connexionMs - debutMs, AVERTISSEMENT + 14 * JOUR_MS, AVERTISSEMENT + 14 * JOUR_MS + MARGE);
      await enregistrerConnexion(t.db, aidant.id, new Date(connexionMs));

      // Past the 6 months (and the deactivation date the warning announced).
      await env.sleep(17 * JOUR_MS);
      const apres = await compte(aidant.id);
      expect(apres.is_active).toBe(true);
      expect(apres.deactivation_warning_at).toBeNull();
      expect(await journal(aidant.id, 'inactivity_deactivation')).toHaveLength(0);
      expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT]);
      const enCours = await handle.describe();
      expect(enCours.status.name).toBe('RUNNING');
      expect(enCours.runId).not.toBe(handle.firstExecutionRunId);
      // The first run: warning, wake-up, login found, continue-as-new.
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'inactiviteAidant', 'v1');

      expect(await arreterVeilleInactivite(env.client, aidant.id)).toBe(true);
      expect((await handle.result()).issue).toBe('arretee');
    });
  });

  test('a login at 4 months moves the warning to 9 months (and the deactivation to 10)', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const handle = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      const debutMs = await debutDe(handle);
      await env.sleep(4 * MOIS);
      const connexionMs = await env.currentTimeMs();
      await enregistrerConnexion(t.db, aidant.id, new Date(connexionMs));
      expect(sujetsRecusPar(aidant.email)).toEqual([]);

      const fin = await handle.result();
      expect(fin.issue).toBe('desactive');
      const avertiMs = (await compte(aidant.id)).deactivation_warning_at.getTime();
      entre(avertiMs - connexionMs, AVERTISSEMENT, AVERTISSEMENT + MARGE);
      entre(avertiMs - debutMs, 9 * MOIS, 9 * MOIS + MARGE);
      entre(fin.aMs - debutMs, 10 * MOIS, 10 * MOIS + MARGE);
      expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
      const [averti] = await journal(aidant.id, 'inactivity_warning');
      expect(averti.idempotency_key).toBe(`inactivite-${aidant.id}-${connexionMs}-avertissement`);
    });
  });

  test('reactivation restarts the watch: a new run counts 5 months from the reactivation', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const premiere = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      expect((await premiere.result()).issue).toBe('desactive');

      // What the espace référent does (api/referent/lifecycle.ts): the account active again, then the watch.
      await t.db('aidants').where({ id: aidant.id }).update({ is_active: true, deactivation_warning_at: null });
      const seconde = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      expect(seconde.firstExecutionRunId).not.toBe(premiere.firstExecutionRunId);
      const repriseMs = await debutDe(seconde);
      expect((await seconde.describe()).status.name).toBe('RUNNING');

      const fin = await seconde.result();
      expect(fin.issue).toBe('desactive');
      entre((await compte(aidant.id)).deactivation_warning_at.getTime() - repriseMs, AVERTISSEMENT, AVERTISSEMENT + MARGE);
      entre(fin.aMs - repriseMs, AVERTISSEMENT + DESACTIVATION, AVERTISSEMENT + DESACTIVATION + MARGE);
      expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION, SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
      const cles = (await journal(aidant.id, 'inactivity_warning')).map((r) => r.idempotency_key);
      expect(new Set(cles).size).toBe(2);
    });
  });

  test('the warning email is sent once although its activity fails after sending and is retried', async () => {
    const aidant = await nouvelAidant();
    const reelles = createActivities(deps);
    let tentatives = 0;
    const avertirPuisTomber = async (p: ParametresAvertissement) => {
      tentatives++;
      const issue = await reelles.avertirSiInactif(p);
      if (activityInfo().attempt === 1) throw new Error('panne simulée après l’envoi du courriel');
      return issue;
    };
    await avecWorker(async (taskQueue) => {
      const handle = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      expect((await handle.result()).issue).toBe('desactive');
    }, { avertirSiInactif: avertirPuisTomber });

    expect(tentatives).toBe(2);
    expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
    const outbox = await t.db('outbox').where('idempotency_key', 'like', `inactivite-${aidant.id}-%-avertissement`);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await journal(aidant.id, 'inactivity_warning')).toHaveLength(1);
  });

  test('an account deactivated for another reason: the watch ends on waking without sending anything', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const handle = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      await t.db('aidants').where({ id: aidant.id }).update({ is_active: false });
      const fin = await handle.result();
      expect(fin.issue).toBe('compte-inactif');
      expect(fin.aMs - (await debutDe(handle))).toBeGreaterThanOrEqual(AVERTISSEMENT);
    });
    expect(sujetsRecusPar(aidant.email)).toEqual([]);
    expect(await t.db('journal').where({ aidant_id: aidant.id })).toHaveLength(0);
  });

  test('one watch per account: starting twice keeps the running one; arreterVeille ends it, and is harmless when none runs', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const une = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      const deux = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue });
      expect(deux.firstExecutionRunId).toBe(une.firstExecutionRunId);
      expect(une.workflowId).toBe(`inactivite-${aidant.id}`);

      expect(await arreterVeilleInactivite(env.client, aidant.id)).toBe(true);
      const fin = await une.result();
      expect(fin.issue).toBe('arretee');
      expect(fin.aMs - (await debutDe(une))).toBeLessThan(AVERTISSEMENT);
      expect(await arreterVeilleInactivite(env.client, aidant.id)).toBe(false);
      expect(await arreterVeilleInactivite(env.client, 987_654_321)).toBe(false);
    });
    expect(sujetsRecusPar(aidant.email)).toEqual([]);
  });

  test('a short-duration run (milliseconds) follows the same steps', async () => {
    const aidant = await nouvelAidant();
    await avecWorker(async (taskQueue) => {
      const handle = await demarrerVeilleInactivite(env.client, aidant.id, { taskQueue, avertissementMs: 2_000, desactivationMs: 1_000 });
      const debutMs = await debutDe(handle);
      const fin = await handle.result();
      expect(fin.issue).toBe('desactive');
      const avertiMs = (await compte(aidant.id)).deactivation_warning_at.getTime();
      entre(avertiMs - debutMs, 2_000, MARGE);
      entre(fin.aMs - avertiMs, 1_000, MARGE);
    });
    expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
  });

  test('demarrerVeillesManquantes starts one watch per active non-staff account, once', async () => {
    const autre = await createTestDb();
    try {
      // Ids apart from the main database's, whose watches ran on the same server.
      await autre.owner().raw("select setval('aidants_id_seq', 100000)");
      const demo = await seedDemo(autre.db);
      const inactif = await nouvelAidant(autre.db, demo.structureId);
      await autre.db('aidants').where({ id: inactif.id }).update({ is_active: false });
      const taskQueue = uniqueTaskQueue('inactivite-reconciliation');
      const worker = await testWorker(env, { deps: { ...deps, db: autre.db }, taskQueue });
      await worker.runUntil(async () => {
        const surveilles = [demo.referentId, ...demo.aidantIds];
        expect(await demarrerVeillesManquantes(autre.db, env.client, { taskQueue })).toEqual({ demarrees: 3, dejaEnCours: 0 });
        expect(await demarrerVeillesManquantes(autre.db, env.client, { taskQueue })).toEqual({ demarrees: 0, dejaEnCours: 3 });
        for (const id of surveilles) {
          expect((await env.client.workflow.getHandle(idVeilleInactivite(id)).describe()).status.name).toBe('RUNNING');
        }
        for (const id of [demo.staffId, inactif.id]) {
          await expect(env.client.workflow.getHandle(idVeilleInactivite(id)).describe()).rejects.toThrow();
        }
        // All stopped before awaiting any result: awaiting a result lets time run for the others too.
        for (const id of surveilles) expect(await arreterVeilleInactivite(env.client, id)).toBe(true);
        for (const id of surveilles) expect((await env.client.workflow.getHandle(idVeilleInactivite(id)).result()).issue).toBe('arretee');
      });
    } finally {
      await autre.drop();
    }
  });
});

describe('inactivity activities run twice', () => {
  test('each email and journal entry is written once; the deactivation re-checks the login in its transaction', async () => {
    const { avertirSiInactif, desactiverSiInactif } = createInactiviteActivities(deps);
    const aidant = await nouvelAidant();
    const referenceMs = Date.now() - 1000;
    const avertissement = { aidantId: aidant.id, referenceMs, maintenantMs: Date.now(), desactivationPrevueMs: Date.now() + DESACTIVATION };
    expect(await avertirSiInactif(avertissement)).toEqual({ issue: 'avertie' });
    expect(await avertirSiInactif(avertissement)).toEqual({ issue: 'avertie' });
    expect(await desactiverSiInactif({ aidantId: aidant.id, referenceMs, maintenantMs: Date.now() })).toEqual({ issue: 'desactive' });
    expect(await desactiverSiInactif({ aidantId: aidant.id, referenceMs, maintenantMs: Date.now() })).toEqual({ issue: 'desactive' });
    await mail.catcher.waitFor((m) => m.subject.includes(aidant.nom));
    expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
    expect(mail.catcher.emails().filter((m) => m.subject.includes(aidant.nom))).toHaveLength(1);
    expect(await t.db('outbox').where('idempotency_key', 'like', `inactivite-${aidant.id}-%`)).toHaveLength(3);
    expect(await t.db('journal').where({ aidant_id: aidant.id })).toHaveLength(2);

    // A login after the warning: no deactivation, and the workflow learns which login to count from.
    const autre = await nouvelAidant();
    const avertie = { aidantId: autre.id, referenceMs, maintenantMs: Date.now(), desactivationPrevueMs: Date.now() };
    expect(await avertirSiInactif(avertie)).toEqual({ issue: 'avertie' });
    const connexion = new Date(referenceMs + 500);
    await enregistrerConnexion(t.db, autre.id, connexion);
    expect(await desactiverSiInactif({ aidantId: autre.id, referenceMs, maintenantMs: Date.now() })).toEqual({ issue: 'connexion', derniereConnexionMs: connexion.getTime() });
    expect((await compte(autre.id)).is_active).toBe(true);

    // A reactivation cleared the warning without a login: start over rather than deactivate.
    const reactive = await nouvelAidant();
    expect(await avertirSiInactif({ ...avertie, aidantId: reactive.id })).toEqual({ issue: 'avertie' });
    await t.db('aidants').where({ id: reactive.id }).update({ deactivation_warning_at: null });
    expect(await desactiverSiInactif({ aidantId: reactive.id, referenceMs, maintenantMs: Date.now() })).toEqual({ issue: 'avertissement-annule' });
    expect((await compte(reactive.id)).is_active).toBe(true);
  });
});

describe('inactiviteAidant on the real dev server (short durations)', () => {
  let dev: TestWorkflowEnvironment;
  let client: Client;
  beforeAll(async () => {
    dev = await devServerEnv();
    client = dev.client;
  });
  afterAll(async () => {
    await dev?.teardown();
  });

  test('warned, then deactivated, with the InactiviteEtape search attribute following the steps', async () => {
    const aidant = await nouvelAidant();
    const taskQueue = uniqueTaskQueue('inactivite-dev');
    const worker = await testWorker(dev, { deps, taskQueue });
    await worker.runUntil(async () => {
      const handle = await demarrerVeilleInactivite(client, aidant.id, { taskQueue, avertissementMs: 1_500, desactivationMs: 1_000 });
      const auDebut = (await handle.describe()).typedSearchAttributes;
      expect(auDebut.get(INACTIVITE_ETAPE)).toBe('veille');
      expect(auDebut.get(AIDANT_ID)).toBe(aidant.id);
      const fin = await handle.result();
      expect(fin.issue).toBe('desactive');
      expect((await handle.describe()).typedSearchAttributes.get(INACTIVITE_ETAPE)).toBe('desactive');
      const avertiMs = (await compte(aidant.id)).deactivation_warning_at.getTime();
      expect(avertiMs - (await debutDe(handle))).toBeGreaterThanOrEqual(1_500);
      expect(fin.aMs - avertiMs).toBeGreaterThanOrEqual(1_000);
    });
    expect(sujetsRecusPar(aidant.email)).toEqual([SUJET_AVERTISSEMENT, SUJET_DESACTIVATION]);
  });
});
