// An authentication device whose secret cannot be unsealed (stored in clear, as issue 19's bench fixture did,
// or sealed under a key since removed from SECRETS_KEYS): a clear refusal, never a 500 — the logged-in aidant
// is told what to do, the anonymous login answers as for a wrong code (nothing to learn about the account),
// and no failure is counted against the account.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { generate } from 'otplib';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, csrfFrom, HttpClient, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;
let aidant: HttpClient;
let secret: string;
let aidantId: number;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('pas de Temporal ici'); }, mailer: mail.mailer });
  const structure = await createStructure(t.db, { name: 'CCAS de Lannion' });
  const a = await createAccount(t.db, { email: 'lea.martin@lannion.fr', structureId: structure });
  secret = a.totpSecret;
  aidantId = a.aidant.id;
  aidant = new HttpClient(app.url);
  await loginHttp(aidant, mail.catcher, 'lea.martin@lannion.fr', secret);
  // The secret as the broken fixture stored it: in clear.
  await t.db('totp_devices').where({ aidant_id: aidantId }).update({ secret, last_time_step: null });
});
afterAll(async () => {
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

test('the logged-in aidant’s fresh code: 409 and what to do, no failure counted', async () => {
  const page = await (await aidant.get('/verification')).text();
  const res = await aidant.postForm('/verification', { code: await generate({ secret }) }, csrfFrom(page));
  expect(res.status).toBe(409);
  expect(await res.text()).toContain('ne peut pas être vérifiée pour le moment. Demandez à votre référent de l’associer à nouveau');
  expect((await t.db('totp_devices').where({ aidant_id: aidantId }).first('failures')).failures).toBe(0);
});

test('the anonymous login: the same refusal as a wrong code, not a 500', async () => {
  const visiteur = new HttpClient(app.url);
  const form = await (await visiteur.get('/connexion')).text();
  const res = await visiteur.postForm('/connexion', { email: 'lea.martin@lannion.fr', code: await generate({ secret }) }, csrfFrom(form));
  const faux = await visiteur.postForm('/connexion', { email: 'lea.martin@lannion.fr', code: '000000' }, csrfFrom(form));
  expect(res.status).toBeLessThan(500);
  expect(res.status).toBe(faux.status);
});
