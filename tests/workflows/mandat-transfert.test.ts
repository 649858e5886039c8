// Issue 20: one pass of the suspicious-activity survey as a workflow (the schedule's action); a transferred
// mandat's workflow is told (signal `mandatTransfere`): its StructureId search attribute
// follows, and its life goes on (expiry, then retention under the new structure). The saved histories still
// replay (tests/workflows/replay.test.ts): the handler adds nothing to a run that is never signalled.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { demarrerVieMandat, idVieMandat, signalerTransfertMandat } from '../../db/temporal/processes/mandat.ts';
import { devServerEnv, testWorker, timeSkippingEnv, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { assurerPlanificationSurveillance, ID_PLANIFICATION_SURVEILLANCE } from '../../db/temporal/processes/alertes.ts';
import { INTERVALLE_SURVEILLANCE_MS } from '../../db/domain/alertes.ts';
import { MANDAT_STATUT, STRUCTURE_ID } from '../../workflows/search-attributes.ts';
import { JOUR_MS, MINUTE_MS } from '../../db/domain/durees.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import type { surveillanceActivite } from '../../workflows/surveillance.ts';
import { jusqua } from '../helpers/attente.ts';

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
  mail = await startTestMail();
});
afterAll(async () => {
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

describe('surveillance de l’activité', () => {
  test('one pass: the activity examines the journal since the cursor and raises the alerts', async () => {
    const s = await createStructure(t.db, { name: 'Structure de nuit' });
    const aidant = (await createAccount(t.db, { email: 'hugo.blanc@nuit.fr', structureId: s })).aidant.id;
    // Six mandats in the last minutes: a burst, whatever the hour.
    const maintenant = Date.now();
    await t.db('journal').insert([6, 5, 4, 3, 2, 1].map((m) => ({ action: 'create_attestation', aidant_id: aidant, structure_id: s, usager_id: m, created_at: new Date(maintenant - m * MINUTE_MS) })));
    // The previous pass stopped an hour ago (the cursor starts when the migration ran).
    await t.db('surveillance_journal').update({ examine_jusqua: new Date(Date.now() - 60 * MINUTE_MS) });
    const taskQueue = uniqueTaskQueue('surveillance');
    const worker = await testWorker(env, { deps: { db: t.db, mailer: mail.mailer }, taskQueue });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof surveillanceActivite>('surveillanceActivite', { taskQueue, workflowId: 'surveillanceActivite-test' });
      const bilan = await handle.result();
      expect(bilan.actes).toBe(6);
      expect(bilan.alertes).toBeGreaterThanOrEqual(1);
      expect(await t.db('alertes').where({ regle: 'rafale_mandats', aidant_id: aidant })).toHaveLength(1);
      await maybeSaveHistory(handle, 'surveillanceActivite', 'v1');
    });
  });
});

describe('planification de la surveillance (serveur de dev)', () => {
  test('created once by the worker, updated on the next start; every 2 minutes, never two passes at once', async () => {
    const dev = await devServerEnv();
    try {
      expect(await assurerPlanificationSurveillance(dev.client)).toBe('creee');
      expect(await assurerPlanificationSurveillance(dev.client)).toBe('mise-a-jour');
      const decrite = await dev.client.schedule.getHandle(ID_PLANIFICATION_SURVEILLANCE).describe();
      expect(decrite.spec.intervals?.map((i) => i.every)).toEqual([INTERVALLE_SURVEILLANCE_MS]);
      expect(decrite.policies.overlap).toBe('SKIP');
      expect(decrite.action).toMatchObject({ type: 'startWorkflow', workflowType: 'surveillanceActivite' });
    } finally {
      await dev.teardown();
    }
  });
});

describe('mandat transféré', () => {
  test('the StructureId search attribute follows the transfer, and the retention keeps it', async () => {
    const a = await createStructure(t.db, { name: 'Structure A' });
    const b = await createStructure(t.db, { name: 'Structure B' });
    const aidant = (await createAccount(t.db, { email: 'nina.roux@a.fr', structureId: a })).aidant.id;
    const m = await creerMandatDeTest(t.db, { structureId: a, aidantId: aidant, demarches: ['famille'], duree: 'SHORT', createdAt: new Date(await env.currentTimeMs()) });
    const taskQueue = uniqueTaskQueue('transfert');
    const worker = await testWorker(env, { deps: { db: t.db, mailer: mail.mailer }, taskQueue });
    await worker.runUntil(async () => {
      const handle = await demarrerVieMandat(t.db, env.client, { mandatId: m.mandatId, expiresAt: m.expiresAt, duree: 'SHORT', structureId: a }, { taskQueue, rappelAvantMs: null, conservationMs: 10 * JOUR_MS });
      const attribut = async () => (await handle.describe()).typedSearchAttributes.get(STRUCTURE_ID);
      await jusqua(async () => (await attribut()) === a, 'StructureId = A');
      // The transfer committed (the database is the truth), then the workflow is told.
      await t.db('mandats').where({ id: m.mandatId }).update({ structure_id: b });
      expect(await signalerTransfertMandat(env.client, m.mandatId, b)).toBe(true);
      await jusqua(async () => (await attribut()) === b, 'StructureId = B');
      // A repeated notice changes nothing; the life goes on to its expiry, then the retention under B.
      expect(await signalerTransfertMandat(env.client, m.mandatId, b)).toBe(true);
      await env.sleep(2 * JOUR_MS);
      const conservation = env.client.workflow.getHandle(idVieMandat(m.mandatId));
      await jusqua(async () => (await conservation.describe()).type === 'conservationMandat', 'la conservation');
      const decrit = await conservation.describe();
      expect(decrit.typedSearchAttributes.get(STRUCTURE_ID)).toBe(b);
      expect(decrit.typedSearchAttributes.get(MANDAT_STATUT)).toBe('conservation');
      await maybeSaveHistory(env.client.workflow.getHandle(idVieMandat(m.mandatId), handle.firstExecutionRunId), 'mandat', 'v1-transfert');
    });
    expect(await signalerTransfertMandat(env.client, 999_999, b)).toBe(false);
  });
});
