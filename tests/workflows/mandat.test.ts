// The life of a mandat at production length on the time-skipping test server (a year and six years pass in
// milliseconds), with a real database and the mail catcher; the MandatStatut search attribute on the real dev
// server (short durations); the worker's reconciliation; and the activities run twice. Mandats are written
// with SQL (tests/helpers/mandats.ts), stamped with the test server's time (not this machine's: skipped time
// puts the two apart).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/index.ts';
import { createMandatActivities } from '../../activities/mandat.ts';
import { demarrerVieMandat, demarrerViesMandatManquantes, idVieMandat, signalerRevocationMandat } from '../../db/temporal/processes/mandat.ts';
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { DUREE_CONSERVATION_MANDAT_MS as CONSERVATION, RAPPEL_AVANT_EXPIRATION_MS as RAPPEL } from '../../db/domain/mandat.ts';
import { seedDemo, type SeedResult } from '../../db/seed/index.ts';
import type { conservationMandat } from '../../workflows/conservation-mandat.ts';
import { MANDAT_STATUT, STRUCTURE_ID } from '../../workflows/search-attributes.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { creerMandatDeTest, creerUsagerDeTest, revoquerMandatDeTest, type MandatDeTest } from '../helpers/mandats.ts';
import { devServerEnv, testWorker, timeSkippingEnv, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { jusqua } from '../helpers/attente.ts';

/** A workflow task runs a few (real) milliseconds after its timer fires. */
const MARGE = 60_000;
const PUBLIC_URL = 'https://aidants.example.test';

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let seed: SeedResult;
let deps: ActivityDeps;
/** Active members of the demo structure: the référente and the two aidants. */
let membres: { id: number; email: string }[];
let inactif: { id: number; email: string };
beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
  mail = await startTestMail();
  seed = await seedDemo(t.db);
  deps = { db: t.db, mailer: mail.mailer, publicUrl: PUBLIC_URL };
  membres = await t.db('aidants').whereIn('id', [seed.referentId, ...seed.aidantIds]).orderBy('id').select('id', 'email');
  const [row] = await t.db('aidants')
    .insert({ email: 'ancien.aidant@saint-denis.fr', first_name: 'Ancien', last_name: 'Aidant', is_active: false, current_structure_id: seed.structureId })
    .returning(['id', 'email']);
  inactif = row;
  await t.db('aidant_structures').insert({ aidant_id: inactif.id, structure_id: seed.structureId });
});
afterAll(async () => {
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

function entre(valeur: number, min: number, max: number) {
  expect(valeur).toBeGreaterThanOrEqual(min);
  expect(valeur).toBeLessThan(max);
}

async function avecWorker<T>(fn: (taskQueue: string) => Promise<T>, db: Db = t.db): Promise<T> {
  const taskQueue = uniqueTaskQueue('mandat');
  const worker = await testWorker(env, { deps: { ...deps, db }, taskQueue });
  return worker.runUntil(fn(taskQueue));
}

/** A mandat of the demo structure, created now in the test server's time, for a usager named for the test. */
async function nouveauMandat(duree: MandatDeTest['duree'], p: { usager?: number; demarches?: Demarche[]; db?: Db; structureId?: number; aidantId?: number } = {}) {
  const nom = `Usager-${randomUUID().slice(0, 8)}`;
  const m = await creerMandatDeTest(p.db ?? t.db, {
    structureId: p.structureId ?? seed.structureId,
    aidantId: p.aidantId ?? seed.aidantIds[0],
    usager: p.usager ?? { family_name: nom },
    demarches: p.demarches ?? ['social', 'logement'],
    duree,
    createdAt: new Date(await env.currentTimeMs()),
  });
  return { ...m, nom };
}

const demarrer = (m: MandatDeTest, taskQueue: string, db: Db = t.db) =>
  demarrerVieMandat(db, env.client, { mandatId: m.mandatId, expiresAt: m.expiresAt, duree: m.duree, structureId: m.structureId }, { taskQueue });

/** The whole life's result: the retention run's, following the continue-as-new. */
const finDeVie = (mandatId: number) => env.client.workflow.getHandle<typeof conservationMandat>(idVieMandat(mandatId)).result();

const rappelsEnvoyes = (mandatId: number) => t.db('outbox').where('idempotency_key', 'like', `mandat-${mandatId}-rappel-%`).orderBy('recipient');
const journalDu = (mandatId: number) => t.db('journal').where({ mandat_id: mandatId }).orderBy('id');
const typeEnCours = async (mandatId: number) => (await env.client.workflow.getHandle(idVieMandat(mandatId)).describe()).type;

/** Workflow time at which the first run scheduled an activity of this type (from its history). */
async function planifieA(handle: WorkflowHandleWithFirstExecutionRunId, activite: string): Promise<number | undefined> {
  const history = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
  const e = history.events!.find((ev) => ev.activityTaskScheduledEventAttributes?.activityType?.name === activite);
  return e ? tsToMs(e.eventTime) : undefined;
}

describe('a mandat’s life at production length (time skipping)', () => {
  test('365 days: one reminder per active aidant at day 335, expired at day 365, purged 6 years later', async () => {
    const m = await nouveauMandat('LONG');
    await avecWorker(async (taskQueue) => {
      const handle = await demarrer(m, taskQueue);
      expect(handle.workflowId).toBe(`mandat-${m.mandatId}`);
      // Started twice (a double submit, then the reconciliation): one life.
      const encore = await demarrer(m, taskQueue);
      expect(encore.firstExecutionRunId).toBe(handle.firstExecutionRunId);
      expect((await t.db('mandats').where({ id: m.mandatId }).first()).workflow_started_at).not.toBeNull();

      await env.sleep(334 * JOUR_MS);
      expect(await rappelsEnvoyes(m.mandatId)).toHaveLength(0);
      await env.sleep(2 * JOUR_MS);
      const rappels = await jusqua(async () => {
        const rows = await rappelsEnvoyes(m.mandatId);
        return rows.length === membres.length && rows.every((r) => r.status === 'sent') && rows;
      }, 'les rappels');
      expect(rappels.map((r) => r.recipient).sort()).toEqual(membres.map((a) => a.email).sort());
      entre((await planifieA(handle, 'rappelerExpirationMandat'))! - m.expiresAt.getTime(), -RAPPEL, -RAPPEL + MARGE);

      const courriel = await mail.catcher.waitFor((e) => e.to.includes(membres[0].email) && e.text.includes(m.nom));
      expect(courriel.subject).toMatch(/^Un mandat arrive à échéance le \d{1,2}(er)? \p{L}+ \d{4}$/u);
      expect(courriel.text).toContain(`Angela Claire Louise ${m.nom}`);
      expect(courriel.text).toContain(`${PUBLIC_URL}/usagers/${m.usagerId}`);
      expect(courriel.text).toContain('France Services de Saint-Denis');
      // No birth data: neither the date (any format), nor the place or country codes.
      for (const interdit of ['1962', '24/08', '08-24', 'août', '75107', '99100']) expect(courriel.text).not.toContain(interdit);

      await env.sleep(30 * JOUR_MS);
      const expire = await jusqua(async () => {
        const row = await t.db('mandats').where({ id: m.mandatId }).first();
        return row.status === 'expired' && row;
      }, 'l’expiration');
      expect(expire.ended_at.getTime()).toBe(m.expiresAt.getTime());
      entre((await planifieA(handle, 'terminerMandat'))! - m.expiresAt.getTime(), 0, MARGE);
      await jusqua(async () => (await typeEnCours(m.mandatId)) === 'conservationMandat', 'la conservation');
      const [fin] = await t.db('journal').where({ mandat_id: m.mandatId, action: 'expire_mandat' });
      expect(fin).toMatchObject({ structure_id: seed.structureId, usager_id: m.usagerId, duree: 365, aidant_id: null, idempotency_key: `mandat-${m.mandatId}-fin` });
      expect(await rappelsEnvoyes(m.mandatId)).toHaveLength(membres.length);

      const purge = await finDeVie(m.mandatId);
      expect(purge).toMatchObject({ issue: 'purge', usagerSupprime: true });
      entre(purge.aMs - m.expiresAt.getTime(), CONSERVATION, CONSERVATION + MARGE);
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'mandat', 'v1-expiration');
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId), 'conservationMandat', 'v1');
    });

    expect(await t.db('mandats').where({ id: m.mandatId })).toHaveLength(0);
    expect(await t.db('autorisations').whereIn('id', m.autorisationIds)).toHaveLength(0);
    expect(await t.db('usagers').where({ id: m.usagerId })).toHaveLength(0);
    // The reminders named the usager: gone from the outbox too. Each aidant got exactly one.
    expect(await rappelsEnvoyes(m.mandatId)).toHaveLength(0);
    for (const a of membres) expect(mail.catcher.emails().filter((e) => e.to.includes(a.email) && e.text.includes(m.nom))).toHaveLength(1);
    expect(mail.catcher.emails().filter((e) => e.to.includes(inactif.email))).toHaveLength(0);

    // The journal is intact and still readable, with ids that now name nothing, and no personal data.
    const journal = await t.db('journal as j').leftJoin('usagers as u', 'u.id', 'j.usager_id').where('j.mandat_id', m.mandatId).orderBy('j.id')
      .select('j.action', 'j.usager_id', 'j.additional_information', 'u.id as usager_existant');
    expect(journal.map((j) => j.action)).toEqual(['create_attestation', 'create_autorisation', 'create_autorisation', 'expire_mandat', 'purge_mandat']);
    for (const j of journal) {
      expect(j).toMatchObject({ usager_id: m.usagerId, usager_existant: null });
      expect(j.additional_information).not.toContain(m.nom);
      expect(j.additional_information).not.toContain('Angela');
    }
    expect(journal[4].additional_information).toContain("données de l'usager supprimées");
  });

  test('revoked at day 10: retention at once, no reminder; the usager is kept while another mandat needs it', async () => {
    const a = await nouveauMandat('LONG');
    const b = await nouveauMandat('MONTH', { usager: a.usagerId, demarches: ['papiers'] });
    await avecWorker(async (taskQueue) => {
      const handle = await demarrer(a, taskQueue);
      await demarrer(b, taskQueue);
      await env.sleep(10 * JOUR_MS);
      const revocationMs = await env.currentTimeMs();
      await revoquerMandatDeTest(t.db, a.mandatId, { aidantId: seed.aidantIds[1], at: new Date(revocationMs) });
      expect(await signalerRevocationMandat(env.client, a.mandatId)).toBe(true);

      await jusqua(async () => (await typeEnCours(a.mandatId)) === 'conservationMandat', 'la conservation');
      entre((await planifieA(handle, 'terminerMandat'))! - revocationMs, 0, MARGE);
      expect(await planifieA(handle, 'rappelerExpirationMandat')).toBeUndefined();
      expect((await t.db('mandats').where({ id: a.mandatId }).first()).status).toBe('revoked');

      const purgeA = await finDeVie(a.mandatId);
      expect(purgeA).toMatchObject({ issue: 'purge', usagerSupprime: false });
      entre(purgeA.aMs - revocationMs, CONSERVATION, CONSERVATION + MARGE);
      expect(await t.db('usagers').where({ id: a.usagerId })).toHaveLength(1);
      expect(await t.db('mandats').where({ id: b.mandatId })).toHaveLength(1);
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'mandat', 'v1-revocation');

      const purgeB = await finDeVie(b.mandatId);
      expect(purgeB).toMatchObject({ issue: 'purge', usagerSupprime: true });
      entre(purgeB.aMs - b.expiresAt.getTime(), CONSERVATION, CONSERVATION + MARGE);
    });
    expect(await t.db('usagers').where({ id: a.usagerId })).toHaveLength(0);
    expect(await rappelsEnvoyes(a.mandatId)).toHaveLength(0);
    expect(mail.catcher.emails().filter((e) => e.text.includes(a.nom))).toHaveLength(0);
    const journalA = (await journalDu(a.mandatId)).map((j) => j.action);
    expect(journalA).toEqual(['create_attestation', 'create_autorisation', 'create_autorisation', 'cancel_autorisation', 'cancel_autorisation', 'cancel_mandat', 'purge_mandat']);
    const [purgeJournal] = await t.db('journal').where({ mandat_id: a.mandatId, action: 'purge_mandat' });
    expect(purgeJournal.additional_information).toContain("données de l'usager conservées");
    expect((await journalDu(b.mandatId)).map((j) => j.action)).toEqual(['create_attestation', 'create_autorisation', 'expire_mandat', 'purge_mandat']);
  });

  test('1 day: no reminder, expired the next day, purged 6 years later; the life is not started again', async () => {
    const m = await nouveauMandat('SHORT');
    await avecWorker(async (taskQueue) => {
      const handle = await demarrer(m, taskQueue);
      const purge = await finDeVie(m.mandatId);
      expect(purge).toMatchObject({ issue: 'purge', usagerSupprime: true });
      entre(purge.aMs - m.expiresAt.getTime(), CONSERVATION, CONSERVATION + MARGE);
      entre((await planifieA(handle, 'terminerMandat'))! - m.expiresAt.getTime(), 0, MARGE);
      expect(await planifieA(handle, 'rappelerExpirationMandat')).toBeUndefined();
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'mandat', 'v1-court');

      expect(await signalerRevocationMandat(env.client, m.mandatId)).toBe(false);
      await expect(demarrer(m, taskQueue)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    });
    expect((await journalDu(m.mandatId)).map((j) => j.action)).toEqual(['create_attestation', 'create_autorisation', 'create_autorisation', 'expire_mandat', 'purge_mandat']);
    expect(await rappelsEnvoyes(m.mandatId)).toHaveLength(0);
    expect(await signalerRevocationMandat(env.client, 987_654_321)).toBe(false);
  });

  test('a notice while a démarche is still authorised keeps it active; its last autorisation superseded ends it', async () => {
    const m = await nouveauMandat('MONTH');
    const revocationDe = async (autorisationId: number) => {
      const at = new Date(await env.currentTimeMs());
      await t.db('autorisations').where({ id: autorisationId }).update({ revoked_at: at });
      return at;
    };
    const lectures = async () => {
      const history = await env.client.workflow.getHandle(idVieMandat(m.mandatId)).fetchHistory();
      return history.events!.filter((e) => e.activityTaskCompletedEventAttributes).length;
    };
    await avecWorker(async (taskQueue) => {
      const handle = await demarrer(m, taskQueue);
      await env.sleep(3 * JOUR_MS);
      await revocationDe(m.autorisationIds[0]);
      expect(await signalerRevocationMandat(env.client, m.mandatId)).toBe(true);
      await jusqua(async () => (await lectures()) === 1, 'la relecture du mandat');
      expect(await typeEnCours(m.mandatId)).toBe('mandat');
      expect((await t.db('mandats').where({ id: m.mandatId }).first()).status).toBe('active');

      // The other démarche superseded by a newer mandat (its creation revokes the autorisation only).
      await env.sleep(2 * JOUR_MS);
      const derniere = await revocationDe(m.autorisationIds[1]);
      expect(await signalerRevocationMandat(env.client, m.mandatId)).toBe(true);
      await jusqua(async () => (await typeEnCours(m.mandatId)) === 'conservationMandat', 'la conservation');
      const row = await t.db('mandats').where({ id: m.mandatId }).first();
      expect(row).toMatchObject({ status: 'revoked', ended_at: derniere });
      const [fin] = await t.db('journal').where({ idempotency_key: `mandat-${m.mandatId}-fin` });
      expect(fin).toMatchObject({ action: 'cancel_mandat', mandat_id: m.mandatId, usager_id: m.usagerId });
      await maybeSaveHistory(env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId), 'mandat', 'v1-revocation-partielle');

      const purge = await finDeVie(m.mandatId);
      entre(purge.aMs - derniere.getTime(), CONSERVATION, CONSERVATION + MARGE);
    });
  });

  test('demarrerViesMandatManquantes starts every mandat not marked as started, in batches, once', async () => {
    const autre = await createTestDb();
    try {
      // Ids apart from the main database's, whose mandats ran on the same server.
      // setval is the owner's (the application role may only use the sequence).
      await autre.owner().raw("select setval('mandats_id_seq', 100000)");
      const demo = await seedDemo(autre.db);
      const cree = (duree: MandatDeTest['duree']) => nouveauMandat(duree, { db: autre.db, structureId: demo.structureId, aidantId: demo.aidantIds[0] });
      const actif = await cree('LONG');
      const revoque = await cree('SEMESTER');
      await revoquerMandatDeTest(autre.db, revoque.mandatId, { aidantId: demo.aidantIds[0], at: new Date(await env.currentTimeMs()) });
      const dejaLance = await cree('MONTH');
      await avecWorker(async (taskQueue) => {
        // Started, but the mark was lost (the creation request died between the two).
        await demarrer(dejaLance, taskQueue, autre.db);
        await autre.db('mandats').where({ id: dejaLance.mandatId }).update({ workflow_started_at: null });

        // The demo seed's own mandats are not started either.
        expect(await demarrerViesMandatManquantes(autre.db, env.client, { taskQueue, parLot: 2 })).toEqual({ demarrees: 2 + demo.mandatIds.length, dejaEnCours: 1 });
        expect(await demarrerViesMandatManquantes(autre.db, env.client, { taskQueue, parLot: 2 })).toEqual({ demarrees: 0, dejaEnCours: 0 });
        expect(await autre.db('mandats').whereNull('workflow_started_at')).toHaveLength(0);
        const decrit = await env.client.workflow.getHandle(idVieMandat(actif.mandatId)).describe();
        expect(decrit).toMatchObject({ type: 'mandat', status: { name: 'RUNNING' } });
        expect(decrit.typedSearchAttributes.get(STRUCTURE_ID)).toBe(demo.structureId);
        // Revoked before its workflow existed: straight to retention, counted from the revocation.
        await jusqua(async () => (await typeEnCours(revoque.mandatId)) === 'conservationMandat', 'la conservation du mandat révoqué');

        for (const m of [actif, revoque, dejaLance]) expect((await finDeVie(m.mandatId)).issue).toBe('purge');
      }, autre.db);
      expect(await autre.db('outbox').where('idempotency_key', 'like', `mandat-${revoque.mandatId}-%`)).toHaveLength(0);
      expect(await autre.db('usagers')).toHaveLength(0);
    } finally {
      await autre.drop();
    }
  });
});

describe('mandat activities run twice', () => {
  const il_y_a = (jours: number) => new Date(Date.now() - jours * JOUR_MS);

  test('one reminder per aidant, one end, one purge; nothing for a mandat over or unknown', async () => {
    const { rappelerExpirationMandat, terminerMandat, purgerMandat } = createMandatActivities(deps);
    const usagerId = await creerUsagerDeTest(t.db, { family_name: `Deux-Fois-${randomUUID().slice(0, 8)}` });
    const bientot = await creerMandatDeTest(t.db, { structureId: seed.structureId, aidantId: seed.aidantIds[0], usager: usagerId, demarches: ['argent'], duree: 'SEMESTER', createdAt: il_y_a(170) });
    const passe = await creerMandatDeTest(t.db, { structureId: seed.structureId, aidantId: seed.aidantIds[0], usager: usagerId, demarches: ['justice'], duree: 'SHORT', createdAt: il_y_a(2) });

    expect(await rappelerExpirationMandat({ mandatId: bientot.mandatId, maintenantMs: Date.now() })).toEqual({ issue: 'rappele', destinataires: membres.length });
    expect(await rappelerExpirationMandat({ mandatId: bientot.mandatId, maintenantMs: Date.now() })).toEqual({ issue: 'rappele', destinataires: membres.length });
    expect(await rappelsEnvoyes(bientot.mandatId)).toHaveLength(membres.length);
    expect(await terminerMandat({ mandatId: bientot.mandatId, maintenantMs: Date.now() })).toEqual({ issue: 'active', expiresAtMs: bientot.expiresAt.getTime() });
    await expect(purgerMandat({ mandatId: bientot.mandatId, purgeAMs: Date.now() })).rejects.toMatchObject({ type: 'MandatActif', nonRetryable: true });

    expect(await rappelerExpirationMandat({ mandatId: passe.mandatId, maintenantMs: Date.now() })).toEqual({ issue: 'sans-objet' });
    const fin = { issue: 'expired', finMs: passe.expiresAt.getTime() };
    expect(await terminerMandat({ mandatId: passe.mandatId, maintenantMs: Date.now() })).toEqual(fin);
    expect(await terminerMandat({ mandatId: passe.mandatId, maintenantMs: Date.now() })).toEqual(fin);
    expect(await t.db('journal').where({ mandat_id: passe.mandatId, action: 'expire_mandat' })).toHaveLength(1);

    expect(await purgerMandat({ mandatId: passe.mandatId, purgeAMs: Date.now() })).toEqual({ issue: 'purge', usagerSupprime: false });
    expect(await purgerMandat({ mandatId: passe.mandatId, purgeAMs: Date.now() })).toEqual({ issue: 'deja-purge', usagerSupprime: false });
    expect(await t.db('journal').where({ mandat_id: passe.mandatId, action: 'purge_mandat' })).toHaveLength(1);
    expect(await t.db('usagers').where({ id: usagerId })).toHaveLength(1);
    expect(await purgerMandat({ mandatId: 987_654_321, purgeAMs: Date.now() })).toEqual({ issue: 'absent', usagerSupprime: false });
    expect(await terminerMandat({ mandatId: 987_654_321, maintenantMs: Date.now() })).toEqual({ issue: 'absent' });
    await jusqua(async () => mail.catcher.emails().filter((e) => e.text.includes(`Deux-Fois`)).length === membres.length && true, 'les rappels');
  });
});

describe('MandatStatut on the real dev server (short durations)', () => {
  let dev: TestWorkflowEnvironment;
  beforeAll(async () => {
    dev = await devServerEnv();
  });
  afterAll(async () => {
    await dev?.teardown();
  });

  test('active, then expire on the first run, conservation, purge; visible to visibility queries', async () => {
    // A 1-day mandat created a day ago, less 2 seconds: it expires 2 seconds from now.
    const m = await creerMandatDeTest(t.db, {
      structureId: seed.structureId, aidantId: seed.aidantIds[0], usager: { family_name: 'Visible' }, demarches: ['famille'], duree: 'SHORT',
      createdAt: new Date(Date.now() - JOUR_MS + 2_000),
    });
    const taskQueue = uniqueTaskQueue('mandat-dev');
    const worker = await testWorker(dev, { deps, taskQueue });
    await worker.runUntil(async () => {
      const handle = await demarrerVieMandat(t.db, dev.client, { mandatId: m.mandatId, expiresAt: m.expiresAt, duree: m.duree, structureId: seed.structureId }, { taskQueue, conservationMs: 1_000 });
      const auDebut = (await handle.describe()).typedSearchAttributes;
      expect(auDebut.get(MANDAT_STATUT)).toBe('active');
      expect(auDebut.get(STRUCTURE_ID)).toBe(seed.structureId);
      const fin = await dev.client.workflow.getHandle<typeof conservationMandat>(handle.workflowId).result();
      expect(fin.issue).toBe('purge');
      expect(fin.aMs - m.expiresAt.getTime()).toBeGreaterThanOrEqual(1_000);

      const premier = await dev.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
      expect(premier.typedSearchAttributes.get(MANDAT_STATUT)).toBe('expire');
      const dernier = await dev.client.workflow.getHandle(handle.workflowId).describe();
      expect(dernier.typedSearchAttributes.get(MANDAT_STATUT)).toBe('purge');
      expect(dernier.typedSearchAttributes.get(STRUCTURE_ID)).toBe(seed.structureId);
      const trouves = await jusqua(async () => {
        const ids: string[] = [];
        for await (const w of dev.client.workflow.list({ query: `MandatStatut = "purge" AND StructureId = ${seed.structureId} AND WorkflowId = "${handle.workflowId}"` })) ids.push(w.runId);
        return ids.length > 0 && ids;
      }, 'la liste des mandats purgés');
      expect(trouves).toHaveLength(1);
    });
  });
});
