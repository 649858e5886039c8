// The espace référent: cards (associate, validate, dissociate), app enrolment, deactivation/reactivation with
// the inactivity watch, fresh-code requirement — and the refusals across structures, with nothing changed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { generate } from 'otplib';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { timeSkippingEnv } from '../../scripts/fixtures/temporal.ts';
import { seedToBase32 } from '../../api/referent/devices.ts';
import { seal, unseal } from '../../db/secrets.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let env: TestWorkflowEnvironment;
let app: RunningApp;
let structureA: number;
let structureB: number;
let referent: HttpClient;
let referentId: number;
let aidantA: number;
let aidantB: number;
const SEED = '3132333435363738393031323334353637383930';

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  env = await timeSkippingEnv();
  app = await startApp({ db: t.db, temporal: async () => env.client, mailer: mail.mailer });
  structureA = await createStructure(t.db, { name: 'CCAS de Nantes' });
  structureB = await createStructure(t.db, { name: 'Mairie de Rennes' });
  const r = await createAccount(t.db, { email: 'marc.vidal@nantes.fr', first_name: 'Marc', last_name: 'Vidal', structureId: structureA, referent: true });
  referentId = r.aidant.id;
  aidantA = (await createAccount(t.db, { email: 'julie.bonnet@nantes.fr', first_name: 'Julie', last_name: 'Bonnet', structureId: structureA, withDevice: false })).aidant.id;
  aidantB = (await createAccount(t.db, { email: 'theo.roche@rennes.fr', first_name: 'Théo', last_name: 'Roche', structureId: structureB, withDevice: false })).aidant.id;
  await t.db('totp_cards').insert([{ serial_number: 'GADT0000042', seed: seal('totp_cards.seed', SEED) }, { serial_number: 'GADT0000043', seed: seal('totp_cards.seed', SEED.replace('31', '41')) }]);
  referent = new HttpClient(app.url);
  await loginHttp(referent, mail.catcher, 'marc.vidal@nantes.fr', r.totpSecret);
});
afterAll(async () => {
  await app.close();
  await env.teardown();
  await mail.stop();
  await t.drop();
});

const csrf = async (path = '/espace-referent') => csrfFrom(await (await referent.get(path)).text());

describe('espace référent', () => {
  test('lists only the aidants of the référent’s structures, with their devices', async () => {
    const res = await referent.get('/espace-referent');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('julie.bonnet@nantes.fr');
    expect(body).toContain('Aucun moyen de connexion');
    expect(body).not.toContain('theo.roche@rennes.fr');
    // The cards page: the same scope, each person with the action their card needs.
    const cards = await (await referent.get('/espace-referent/cartes')).text();
    expect(cards).toContain(`href="/espace-referent/aidants/${aidantA}#carte">Associer une carte`);
    expect(cards).not.toContain('Théo Roche');
  });

  test('associate a card by serial number, validate it with its code, dissociate it with a reason', async () => {
    const page = `/espace-referent/aidants/${aidantA}`;
    const bad = await referent.postForm(`${page}/carte`, { serial: 'GADT9999999' }, await csrf(page));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Aucune carte ne porte ce numéro');
    const ok = await referent.postForm(`${page}/carte`, { serial: ' gadt0000042 ' }, await csrf(page));
    expect(ok.status).toBe(303);
    const device = await t.db('totp_devices').where({ aidant_id: aidantA, kind: 'card' }).first();
    expect(device).toMatchObject({ confirmed: false, period: 60 });
    expect(unseal('totp_devices.secret', device.secret)).toBe(seedToBase32(SEED));
    expect(await t.db('journal').where({ action: 'card_association', aidant_id: referentId, structure_id: structureA }).first()).toMatchObject({ additional_information: `aidant.id=${aidantA}, sn=GADT0000042` });

    const wrong = await referent.postForm(`${page}/carte/validation`, { code: '000000' }, await csrf(page));
    expect(wrong.status).toBe(400);
    const code = await generate({ secret: seedToBase32(SEED), period: 60 });
    expect((await referent.postForm(`${page}/carte/validation`, { code }, await csrf(page))).status).toBe(303);
    expect((await t.db('totp_devices').where({ id: device.id }).first()).confirmed).toBe(true);
    expect(await t.db('journal').where({ action: 'card_validation', aidant_id: referentId })).toHaveLength(1);

    const noReason = await referent.postForm(`${page}/carte/dissociation`, { raison: 'autre', precision: '' }, await csrf(page));
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Précisez la raison');
    expect((await referent.postForm(`${page}/carte/dissociation`, { raison: 'perte' }, await csrf(page))).status).toBe(303);
    expect(await t.db('totp_devices').where({ aidant_id: aidantA, kind: 'card' })).toHaveLength(0);
    expect((await t.db('journal').where({ action: 'card_dissociation' }).first()).additional_information).toBe(`aidant.id=${aidantA}, sn=GADT0000042, raison=Perte`);
  });

  test('enrol an authenticator app for an aidant, confirmed by one code', async () => {
    const page = `/espace-referent/aidants/${aidantA}/application`;
    const html = await (await referent.get(page)).text();
    const secret = html.match(/<code>([A-Z2-7]+)<\/code>/)![1];
    expect((await referent.postForm(page, { code: '123' }, csrfFrom(html))).status).toBe(400);
    expect((await referent.postForm(page, { code: await generate({ secret, period: 30 }) }, csrfFrom(html))).status).toBe(303);
    const apps = await t.db('totp_devices').where({ aidant_id: aidantA, kind: 'app', confirmed: true });
    expect(apps.map((d: { secret: string }) => unseal('totp_devices.secret', d.secret))).toEqual([secret]);
  });

  test('deactivate then reactivate: the account follows and a new inactivity watch starts', async () => {
    const page = `/espace-referent/aidants/${aidantA}`;
    // A confirmation page with a reason: without one, nothing changes.
    const confirmation = await (await referent.get(`${page}/desactivation`)).text();
    expect(confirmation).toContain('Confirmer la désactivation');
    const missing = await referent.postForm(`${page}/desactivation`, {}, csrfFrom(confirmation));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Choisissez la raison de la désactivation.');
    expect((await referent.postForm(`${page}/desactivation`, { raison: 'autre' }, csrfFrom(confirmation))).status).toBe(400);
    expect((await t.db('aidants').where({ id: aidantA }).first()).is_active).toBe(true);
    expect((await referent.postForm(`${page}/desactivation`, { raison: 'depart', precision: 'Mutation à Brest' }, csrfFrom(confirmation))).status).toBe(303);
    expect((await t.db('aidants').where({ id: aidantA }).first()).is_active).toBe(false);
    expect(await t.db('journal').where({ action: 'aidant_deactivation' }).first('additional_information'))
      .toEqual({ additional_information: `aidant.id=${aidantA}, raison=A quitté la structure : Mutation à Brest` });
    expect((await referent.postForm(`${page}/reactivation`, {}, await csrf(page))).status).toBe(303);
    expect((await t.db('aidants').where({ id: aidantA }).first()).is_active).toBe(true);
    const description = await env.client.workflow.getHandle(`inactivite-${aidantA}`).describe();
    expect(description.type).toBe('inactiviteAidant');
    expect(description.status.name).toBe('RUNNING');
    const actions = await t.db('journal').whereIn('action', ['aidant_deactivation', 'aidant_reactivation']).orderBy('id').pluck('action');
    expect(actions).toEqual(['aidant_deactivation', 'aidant_reactivation']);
  });

  test('a référent cannot deactivate themself', async () => {
    const page = `/espace-referent/aidants/${referentId}`;
    const res = await referent.postForm(`${page}/desactivation`, { raison: 'depart' }, await csrf(page));
    expect(res.status).toBe(400);
    expect((await referent.get(`${page}/desactivation`)).status).toBe(400);
    expect((await t.db('aidants').where({ id: referentId }).first()).is_active).toBe(true);
  });

  test('a référent of structure A acting on an aidant of structure B: 404 and nothing changed', async () => {
    const token = await csrf();
    const before = await snapshotCounts(t.db);
    const page = `/espace-referent/aidants/${aidantB}`;
    expect((await referent.get(page)).status).toBe(404);
    expect((await referent.get(`${page}/desactivation`)).status).toBe(404);
    for (const [path, fields] of [
      ['/carte', { serial: 'GADT0000043' }],
      ['/carte/validation', { code: '123456' }],
      ['/carte/dissociation', { raison: 'perte' }],
      ['/desactivation', { raison: 'depart' }],
      ['/application', { code: '123456' }],
    ] as const) {
      expect((await referent.postForm(page + path, fields, token)).status).toBe(404);
    }
    expect((await referent.get(`/espace-referent/aidants/abc`)).status).toBe(404);
    const { sessions: _a, ...after } = await snapshotCounts(t.db);
    const { sessions: _b, ...expected } = before;
    expect(after).toEqual(expected);
    expect((await t.db('aidants').where({ id: aidantB }).first()).is_active).toBe(true);
  });

  test('an aidant who is not référent, and an anonymous visitor, cannot enter', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'simple.aidant@nantes.fr', structureId: structureA });
    const client = new HttpClient(app.url);
    expect((await client.get('/espace-referent')).headers.get('location')).toBe('/connexion?suivant=%2Fespace-referent');
    await loginHttp(client, mail.catcher, 'simple.aidant@nantes.fr', totpSecret);
    expect((await client.get('/espace-referent')).status).toBe(403);
    expect((await client.get('/staff')).status).toBe(403);
  });

  test('after 15 minutes without a sensitive action, a fresh code is asked before any référent page', async () => {
    await t.db('sessions')
      .whereRaw("(sess->>'aidantId')::int = ?", [referentId])
      .update({ sess: t.db.raw("jsonb_set(sess, '{lastActivityCheckAt}', to_jsonb(?::bigint))", [Date.now() - 16 * 60_000]) });
    const res = await referent.get(`/espace-referent/aidants/${aidantA}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/verification?suivant=${encodeURIComponent(`/espace-referent/aidants/${aidantA}`)}`);
  });
});
