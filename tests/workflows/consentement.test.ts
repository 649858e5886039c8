// Remote consent by SMS on the time-skipping test server (24 hours and 6 years pass in milliseconds), with a
// real database and the Twilio fake: consent, refusal, expiry, a late answer, a second answer, a failed SMS
// retried, the purge of the number and the texts (or their keeping while a mandat uses them), and the
// activities run twice. Answers arrive through recevoirSms, the webhook's core (the HTTP side is tested in
// tests/integration/consentement.test.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/index.ts';
import { createConsentementActivities } from '../../activities/consentement.ts';
import { createMandatActivities } from '../../activities/mandat.ts';
import { annulerDemande, creerDemandeConsentement } from '../../api/consentement/demandes.ts';
import { recevoirSms } from '../../api/consentement/reponses.ts';
import { signalerRelance } from '../../db/temporal/processes/consentement.ts';
import { creerMandat } from '../../api/mandats/creation.ts';
import type { BrouillonMandat } from '../../api/mandats/brouillon.ts';
import { DELAI_REPONSE_CONSENTEMENT_MS as DELAI, idWorkflowConsentement, prefixeCleConsentement } from '../../db/domain/consentement.ts';
import { DUREE_CONSERVATION_MANDAT_MS as CONSERVATION } from '../../db/domain/mandat.ts';
import { seedDemo, type SeedResult } from '../../db/seed/index.ts';
import type { consentement } from '../../workflows/consentement.ts';
import { CONSENTEMENT_STATUT } from '../../workflows/search-attributes.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { USAGER_DE_TEST } from '../helpers/mandats.ts';
import { startTestSms, type TwilioFake } from '../helpers/sms.ts';
import { testWorker, timeSkippingEnv, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { jusqua } from '../helpers/attente.ts';

/** A workflow task runs a few (real) milliseconds after its timer fires. */
const MARGE = 60_000;

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let sms: Awaited<ReturnType<typeof startTestSms>>;
let fake: TwilioFake;
let seed: SeedResult;
let deps: ActivityDeps;
let numero = 0;

beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
  mail = await startTestMail();
  sms = await startTestSms();
  fake = sms.fake;
  seed = await seedDemo(t.db);
  deps = { db: t.db, mailer: mail.mailer, sms: sms.sms };
});
afterAll(async () => {
  await env?.teardown();
  await sms?.stop();
  await mail?.stop();
  await t?.drop();
});

function entre(valeur: number, min: number, max: number) {
  expect(valeur).toBeGreaterThanOrEqual(min);
  expect(valeur).toBeLessThan(max);
}

/** A fresh usager number per request (the daily limit per number stays out of the way). */
const nouveauNumero = () => `+3370000${String(++numero).padStart(4, '0')}`;

/** Workflows a test started: those still open at its end are terminated (a run left waiting for its gone
 * worker would hold the test server's clock for the next tests). */
const ouverts: string[] = [];

async function avecWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('consentement');
  const worker = await testWorker(env, { deps, taskQueue });
  try {
    return await worker.runUntil(fn(taskQueue));
  } finally {
    for (const id of ouverts.splice(0)) {
      const handle = env.client.workflow.getHandle(id);
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('fin du test');
    }
  }
}

async function demander(taskQueue: string, telephone = nouveauNumero()) {
  const r = await creerDemandeConsentement(t.db, env.client, {
    aidantId: seed.aidantIds[0], structureId: seed.structureId, telephone, demarches: ['social', 'argent'], duree: 'SEMESTER',
  }, { taskQueue });
  if (!r.ok) throw new Error('demande refusée');
  ouverts.push(idWorkflowConsentement(r.demandeId));
  return { id: r.demandeId, telephone, handle: env.client.workflow.getHandle<typeof consentement>(idWorkflowConsentement(r.demandeId)) };
}

const demandeEnBase = (id: string) => t.db('consent_requests').where({ id }).first();
const statutEnBase = async (id: string, statut: string) => (await demandeEnBase(id))?.status === statut;
const journalDe = (id: string) => t.db('journal').where({ consent_request_id: id }).orderBy('id');
const smsA = (telephone: string) => fake.messages().filter((m) => m.to === telephone);
/** The request's reply code, which the usager's answer names (issue 18, item 1). */
const codeDe = async (id: string): Promise<string> => (await demandeEnBase(id)).reply_code;
const repondre = (telephone: string, body: string) => recevoirSms(t.db, async () => env.client, { messageSid: `SM${randomBytes(16).toString('hex')}`, from: telephone, body });

describe('consentement à distance (saut de temps)', () => {
  test('recap, then consent request; "oui." is consent, a receipt follows, a second answer is ignored; purged 6 years later', async () => {
    await avecWorker(async (taskQueue) => {
      const d = await demander(taskQueue);
      const attente = await jusqua(async () => (await statutEnBase(d.id, 'awaiting')) && demandeEnBase(d.id), 'l’attente');
      expect(attente.answer_deadline.getTime() - attente.consent_sent_at.getTime()).toBe(DELAI);
      const [recap, question] = smsA(d.telephone);
      expect(recap.body).toContain('France Services de Saint-Denis va créer un mandat de six mois en votre nom pour les démarches suivantes');
      expect(question.body).toContain(`Répondez « Oui ${await codeDe(d.id)} »`);
      await jusqua(async () => (await d.handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT) === 'attente', 'ConsentementStatut attente');

      expect(await repondre(d.telephone, `oui. ${await codeDe(d.id)}`)).toBe('transmise');
      await jusqua(() => statutEnBase(d.id, 'consented'), 'le consentement');
      const accuse = await fake.waitFor((m) => m.to === d.telephone && m.body.includes('Nous avons bien enregistré'));
      expect(accuse.body).toContain('Nous avons bien enregistré votre accord');
      // The activity records the receipt just after Twilio took it: wait for its row, so the next answer comes after it.
      await jusqua(async () => Boolean(await t.db('consent_sms').where({ consent_request_id: d.id, step: 'accuse' }).first('id')), 'l’accusé enregistré');

      expect(await repondre(d.telephone, 'Non')).toBe('transmise');
      await jusqua(async () => (await journalDe(d.id)).length === 4, 'la réponse ignorée');
      expect((await demandeEnBase(d.id)).status).toBe('consented');

      // The journal: the SMS fields, the SMS named by id, no number and no text of its own.
      const journal = await journalDe(d.id);
      expect(journal.map((j) => j.action)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_sms_consent_received', 'remote_sms_answer_ignored']);
      const textes = await t.db('consent_sms').where({ consent_request_id: d.id }).orderBy('id');
      expect(textes.map((x) => [x.direction, x.step, x.body])).toEqual([
        ['out', 'recapitulatif', recap.body], ['out', 'demande', question.body], ['in', null, `oui. ${await codeDe(d.id)}`], ['out', 'accuse', accuse.body], ['in', null, 'Non'],
      ]);
      for (const j of journal) {
        expect(j).toMatchObject({
          aidant_id: seed.aidantIds[0], structure_id: seed.structureId, demarche: 'argent,social', duree: 182,
          is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: d.id, user_phone: null,
        });
        expect(JSON.stringify(j)).not.toContain(d.telephone);
      }
      expect(journal.map((j) => Number(j.consent_sms_id))).toEqual([textes[0].id, textes[1].id, textes[2].id, textes[4].id].map(Number));
      expect(journal[3].additional_information).toBe('Réponse ignorée (accord déjà reçu)');

      const fin = await d.handle.result();
      expect(fin.issue).toBe('purge');
      entre(fin.aMs - attente.consent_sent_at.getTime(), CONSERVATION, CONSERVATION + MARGE);
      expect((await d.handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT)).toBe('purge');
      await maybeSaveHistory(d.handle, 'consentement', 'v1-consentement');

      // The number and the texts are gone (request, SMS, outbox); the journal stays, naming ids only.
      expect(await demandeEnBase(d.id)).toBeUndefined();
      expect(await t.db('consent_sms').where({ consent_request_id: d.id })).toHaveLength(0);
      expect(await t.db('outbox').where('idempotency_key', 'like', `${prefixeCleConsentement(d.id)}%`)).toHaveLength(0);
      expect(await journalDe(d.id)).toHaveLength(4);
      expect(await t.db('outbox').where({ recipient: d.telephone })).toHaveLength(0);
    });
  });

  test('no answer within 24 hours: expired; a late answer is ignored and journaled, no receipt', async () => {
    await avecWorker(async (taskQueue) => {
      const d = await demander(taskQueue);
      const attente = await jusqua(async () => (await statutEnBase(d.id, 'awaiting')) && demandeEnBase(d.id), 'l’attente');
      await env.sleep(DELAI - 60_000);
      expect((await demandeEnBase(d.id)).status).toBe('awaiting');
      await env.sleep(2 * 60_000);
      await jusqua(() => statutEnBase(d.id, 'expired'), 'l’expiration');
      await jusqua(async () => (await d.handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT) === 'expiree', 'ConsentementStatut expiree');

      expect(await repondre(d.telephone, 'Oui')).toBe('transmise');
      await jusqua(async () => (await journalDe(d.id)).length === 3, 'la réponse tardive');
      const journal = await journalDe(d.id);
      expect(journal.map((j) => j.action)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_sms_answer_ignored']);
      expect(journal[2].additional_information).toBe('Réponse ignorée (demande expirée)');
      expect((await demandeEnBase(d.id)).status).toBe('expired');
      expect(smsA(d.telephone)).toHaveLength(2);

      const fin = await d.handle.result();
      expect(fin.issue).toBe('purge');
      entre(fin.aMs - attente.answer_deadline.getTime(), CONSERVATION, CONSERVATION + MARGE);
      await maybeSaveHistory(d.handle, 'consentement', 'v1-expiration');
      expect(await demandeEnBase(d.id)).toBeUndefined();
    });
  });

  test('cancelled by the aidant while awaiting (issue 18): the wait ends at once, a late « Oui » is ignored and journaled, purged after the retention', async () => {
    await avecWorker(async (taskQueue) => {
      const d = await demander(taskQueue);
      await jusqua(() => statutEnBase(d.id, 'awaiting'), 'l’attente');
      await jusqua(async () => (await d.handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT) === 'attente', 'ConsentementStatut attente');
      expect(await annulerDemande(t.db, async () => env.client, seed.structureId, seed.aidantIds[0], d.id)).toBe('annulee');
      // Without waiting for the 24 hours: the signal ends the wait.
      await jusqua(async () => (await d.handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT) === 'annulee', 'ConsentementStatut annulee');
      const annuleeLe = Date.now();

      expect(await repondre(d.telephone, 'Oui')).toBe('transmise');
      await jusqua(async () => (await journalDe(d.id)).length === 4, 'la réponse ignorée');
      const journal = await journalDe(d.id);
      expect(journal.map((j) => j.action)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_consent_cancelled', 'remote_sms_answer_ignored']);
      expect(journal[3].additional_information).toBe('Réponse ignorée (demande annulée par l’aidant)');
      expect((await demandeEnBase(d.id)).status).toBe('cancelled');
      expect(smsA(d.telephone)).toHaveLength(2);
      // Another cancellation, or one for another structure, changes nothing.
      expect(await annulerDemande(t.db, async () => env.client, seed.structureId, seed.aidantIds[0], d.id)).toBe('sans-objet');
      expect(await annulerDemande(t.db, async () => env.client, seed.structureId + 999, seed.aidantIds[0], d.id)).toBe('introuvable');

      const fin = await d.handle.result();
      expect(fin.issue).toBe('purge');
      expect(fin.aMs - annuleeLe).toBeGreaterThanOrEqual(CONSERVATION - MARGE);
      await maybeSaveHistory(d.handle, 'consentement', 'v2-annulation');
      expect(await demandeEnBase(d.id)).toBeUndefined();
    });
  });

  test('"Oui ! <code>" is a refusal: refused, refusal receipt, no mandat possible', async () => {
    await avecWorker(async (taskQueue) => {
      const d = await demander(taskQueue);
      await jusqua(() => statutEnBase(d.id, 'awaiting'), 'l’attente');
      await repondre(d.telephone, `Oui ! ${await codeDe(d.id)}`);
      await jusqua(() => statutEnBase(d.id, 'refused'), 'le refus');
      const accuse = await fake.waitFor((m) => m.to === d.telephone && m.body.includes('votre refus'));
      expect(accuse.body).toContain('le mandat ne sera pas créé');
      expect((await journalDe(d.id)).map((j) => j.action)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_sms_denial_received']);
      await expect(creerMandat(t.db, brouillonDistance(d.id, d.telephone))).rejects.toMatchObject({ raison: 'consentement-absent' });
      expect(await t.db('mandats').where({ consent_request_id: d.id })).toHaveLength(0);
    });
  });

  test('an SMS that cannot be sent: failed, nothing journaled; the aidant retries and it leaves once', async () => {
    await avecWorker(async (taskQueue) => {
      fake.failNext(3);
      const d = await demander(taskQueue);
      await jusqua(() => statutEnBase(d.id, 'failed'), 'l’échec');
      expect((await demandeEnBase(d.id)).failed_step).toBe('recapitulatif');
      expect(await journalDe(d.id)).toHaveLength(0);
      expect(await t.db('consent_sms').where({ consent_request_id: d.id })).toHaveLength(0);
      expect(smsA(d.telephone)).toHaveLength(0);
      await jusqua(async () => (await d.handle.describe()).typedSearchAttributes.get(CONSENTEMENT_STATUT) === 'echec', 'ConsentementStatut echec');

      expect(await signalerRelance(env.client, d.id)).toBe(true);
      await jusqua(() => statutEnBase(d.id, 'awaiting'), 'l’attente après la relance');
      expect(smsA(d.telephone)).toHaveLength(2);
      const [recap] = await t.db('outbox').where({ idempotency_key: `${prefixeCleConsentement(d.id)}recapitulatif` });
      expect(recap).toMatchObject({ status: 'sent', attempts: 4 });
      expect((await journalDe(d.id)).map((j) => j.action)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent']);
    });
  });

  test('a mandat made from the consent keeps the SMS until the mandat’s own purge', async () => {
    await avecWorker(async (taskQueue) => {
      const d = await demander(taskQueue);
      await jusqua(() => statutEnBase(d.id, 'awaiting'), 'l’attente');
      await repondre(d.telephone, ` OUI ${await codeDe(d.id)} `);
      await jusqua(() => statutEnBase(d.id, 'consented'), 'le consentement');

      const brouillon = brouillonDistance(d.id, d.telephone);
      const cree = await creerMandat(t.db, brouillon);
      expect(cree.cree).toBe(true);
      // The same consent again (double submit): the same mandat.
      expect((await creerMandat(t.db, { ...brouillon })).mandatId).toBe(cree.mandatId);
      const mandat = await t.db('mandats').where({ id: cree.mandatId }).first();
      expect(mandat).toMatchObject({ is_remote: true, remote_consent_method: 'SMS', consent_request_id: d.id, creation_key: d.id });
      const [attestation] = await t.db('journal').where({ mandat_id: cree.mandatId, action: 'create_attestation' });
      expect(attestation).toMatchObject({ is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: d.id, user_phone: null });
      // The mobile is the structure's (issue 18, item 6).
      expect((await t.db('usager_contacts').where({ usager_id: cree.usagerId }).first()).phone).toBe(d.telephone);

      expect(await d.handle.result()).toMatchObject({ issue: 'conservee' });
      expect(await demandeEnBase(d.id)).toBeDefined();

      // The mandat ends, its retention ends: the consent request and its SMS go with it.
      await t.db('mandats').where({ id: cree.mandatId }).update({ status: 'expired', ended_at: new Date(Date.now() - 1000) });
      const { purgerMandat } = createMandatActivities(deps);
      expect(await purgerMandat({ mandatId: cree.mandatId, purgeAMs: Date.now() })).toMatchObject({ issue: 'purge' });
      expect(await demandeEnBase(d.id)).toBeUndefined();
      expect(await t.db('consent_sms').where({ consent_request_id: d.id })).toHaveLength(0);
      expect(await t.db('outbox').where('idempotency_key', 'like', `${prefixeCleConsentement(d.id)}%`)).toHaveLength(0);
      expect(await journalDe(d.id)).toHaveLength(4);
    });
  });
});

function brouillonDistance(id: string, telephone: string): BrouillonMandat {
  return {
    id, aidantId: seed.aidantIds[0], structureId: seed.structureId, demarches: ['social', 'argent'], duree: 'SEMESTER', telephone, creeLeMs: Date.now(),
    consentement: { demandeId: id },
    usager: { fcSub: randomBytes(16).toString('hex'), identite: { ...USAGER_DE_TEST, family_name: 'DISTANCE' } as never },
  };
}

describe('activités du consentement, deux fois', () => {
  test('one SMS and one journal row per step; one decision per answer; nothing for an unknown request', async () => {
    const a = createConsentementActivities(deps);
    const telephone = nouveauNumero();
    const id = randomUUID();
    await t.db('consent_requests').insert({ id, aidant_id: seed.aidantIds[0], structure_id: seed.structureId, phone: telephone, demarches: ['famille'], duree_keyword: 'MONTH' });
    const envoi = { demandeId: id, maintenantMs: Date.now(), delaiReponseMs: DELAI };
    for (const etape of ['recapitulatif', 'demande', 'recapitulatif', 'demande'] as const) expect(await a.envoyerSmsConsentement({ ...envoi, etape })).toEqual({ issue: 'envoye' });
    expect(smsA(telephone)).toHaveLength(2);
    expect(await journalDe(id)).toHaveLength(2);
    expect(await a.envoyerSmsConsentement({ ...envoi, etape: 'accuse' })).toEqual({ issue: 'sans-objet' });

    const [{ id: smsId }] = await t.db('consent_sms').insert({ consent_request_id: id, direction: 'in', body: 'Oui', message_sid: `SM${randomBytes(16).toString('hex')}` }).returning('id');
    const reponse = { demandeId: id, smsId: Number(smsId), attendue: true, maintenantMs: Date.now() };
    expect(await a.traiterReponseSms(reponse)).toEqual({ issue: 'consentement' });
    expect(await a.traiterReponseSms(reponse)).toEqual({ issue: 'consentement' });
    expect(await a.traiterReponseSms({ ...reponse, attendue: false })).toEqual({ issue: 'consentement' });
    expect((await journalDe(id)).map((j) => j.action)).toEqual(['remote_sms_recap_sent', 'remote_sms_consent_sent', 'remote_sms_consent_received']);
    await expect(a.traiterReponseSms({ ...reponse, smsId: 987_654_321 })).rejects.toThrow('pas encore enregistré');

    const inconnue = randomUUID();
    expect(await a.envoyerSmsConsentement({ ...envoi, demandeId: inconnue, etape: 'recapitulatif' })).toEqual({ issue: 'absent' });
    expect(await a.traiterReponseSms({ ...reponse, demandeId: inconnue })).toEqual({ issue: 'absent' });
    expect(await a.purgerConsentement({ demandeId: inconnue })).toEqual({ issue: 'absent' });
    expect(await a.purgerConsentement({ demandeId: id })).toEqual({ issue: 'purge' });
    expect(await a.purgerConsentement({ demandeId: id })).toEqual({ issue: 'absent' });
  });

  test('Temporal refusing the start leaves no request behind', async () => {
    const avant = await t.db('consent_requests').count({ n: '*' }).first();
    const enPanne = { workflow: { start: async () => { throw new Error('Temporal injoignable'); } } } as unknown as typeof env.client;
    await expect(creerDemandeConsentement(t.db, enPanne, {
      aidantId: seed.aidantIds[0], structureId: seed.structureId, telephone: nouveauNumero(), demarches: ['famille'], duree: 'MONTH',
    })).rejects.toThrow('Temporal injoignable');
    expect(await t.db('consent_requests').count({ n: '*' }).first()).toEqual(avant);
  });

  test('the journal refuses an SMS row without its fields', async () => {
    await expect(t.db('journal').insert({ action: 'remote_sms_recap_sent', aidant_id: seed.aidantIds[0], structure_id: seed.structureId })).rejects.toThrow(/journal_sms_fields/);
    await expect(t.db('journal').insert({
      action: 'remote_sms_consent_received', aidant_id: seed.aidantIds[0], structure_id: seed.structureId, demarche: 'famille', duree: 31,
      is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: randomUUID(), consent_sms_id: 1, user_phone: '+33612345678',
    })).rejects.toThrow(/journal_sms_fields/);
  });
});

