// Staff card import: a line-by-line report, malformed lines refused without stopping the others, journal
// `import_totp_cards`; staff pages reachable only by staff; the staff account command.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { creerCompteStaff, CompteExistant } from '../../db/queries/comptes.ts';
import { seal, unseal } from '../../db/secrets.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;
let staff: HttpClient;
let staffId: number;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('unused'); }, mailer: mail.mailer });
  const s = await createAccount(t.db, { email: 'camille.bernard@anct.gouv.fr', is_staff: true });
  staffId = s.aidant.id;
  staff = new HttpClient(app.url);
  await loginHttp(staff, mail.catcher, 'camille.bernard@anct.gouv.fr', s.totpSecret);
});
afterAll(async () => {
  await app.close();
  await mail.stop();
  await t.drop();
});

function upload(client: HttpClient, csrf: string, content: string | null) {
  const form = new FormData();
  form.set('_csrf', csrf);
  if (content !== null) form.set('fichier', new Blob([content], { type: 'text/csv' }), 'cartes.csv');
  return client.request('/staff/cartes', { method: 'POST', body: form, headers: { accept: 'text/html' } });
}

describe('card import', () => {
  test('adds, updates and refuses line by line; a refused line changes nothing', async () => {
    await t.db('totp_cards').insert({ serial_number: 'GADT0000002', seed: seal('totp_cards.seed', 'aa'.repeat(20)) });
    const csv = [
      'numero_serie;graine',
      'GADT0000001;' + '3132333435363738393031323334353637383930',
      'gadt0000002 ; ' + 'BB'.repeat(20),
      'GADT0000003;pas-hexa',
      ';' + 'cc'.repeat(20),
      'GADT0000004;' + 'dd'.repeat(20) + ';en trop',
      '',
    ].join('\r\n');
    const page = await (await staff.get('/staff/cartes')).text();
    const res = await upload(staff, csrfFrom(page), '\uFEFF' + csv);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('1 carte ajoutée, 1 mise à jour, 3 refusées.');
    expect(body).toContain('graine invalide');
    expect(body).toContain('numéro de série invalide');
    expect(body).toContain('trop de colonnes');
    expect(await t.db('totp_cards').orderBy('serial_number').pluck('serial_number')).toEqual(['GADT0000001', 'GADT0000002']);
    expect(unseal('totp_cards.seed', (await t.db('totp_cards').where({ serial_number: 'GADT0000002' }).first()).seed)).toBe('bb'.repeat(20));
    expect(await t.db('journal').where({ action: 'import_totp_cards', aidant_id: staffId }).first()).toMatchObject({ additional_information: '1 added - 1 updated - 3 refused' });
  });

  test('the seed of a card in use is not changed', async () => {
    const { aidant } = await createAccount(t.db, { email: 'a.b@x.fr', withDevice: false });
    const card = await t.db('totp_cards').where({ serial_number: 'GADT0000001' }).first();
    await t.db('totp_devices').insert({ aidant_id: aidant.id, kind: 'card', card_id: card.id, secret: seal('totp_devices.secret', 'X'), period: 60 });
    const res = await upload(staff, csrfFrom(await (await staff.get('/staff/cartes')).text()), `GADT0000001,${'ee'.repeat(20)}`);
    expect(await res.text()).toContain('carte associée à un aidant');
    expect((await t.db('totp_cards').where({ id: card.id }).first()).seed).toBe(card.seed);
  });

  test('no file, or a forged CSRF token, is refused', async () => {
    const csrf = csrfFrom(await (await staff.get('/staff/cartes')).text());
    const none = await upload(staff, csrf, null);
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Choisissez un fichier CSV');
    const forged = await upload(staff, 'forged', 'GADT0000009;' + 'ab'.repeat(20));
    expect(forged.status).toBe(403);
    expect(await t.db('totp_cards').where({ serial_number: 'GADT0000009' })).toHaveLength(0);
  });

  test('non-staff accounts get 403 on staff pages', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'aidant.simple@x.fr' });
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'aidant.simple@x.fr', totpSecret);
    expect((await client.get('/staff/cartes')).status).toBe(403);
    const res = await upload(client, csrfFrom(await (await client.get('/')).text()), 'GADT0000010;' + 'ab'.repeat(20));
    expect(res.status).toBe(403);
    expect(await t.db('totp_cards').where({ serial_number: 'GADT0000010' })).toHaveLength(0);
  });
});

describe('staff account command', () => {
  test('creates a staff account with an app secret, once', async () => {
    const compte = await creerCompteStaff(t.db, { email: ' Nouveau.Staff@ANCT.gouv.fr ', first_name: 'Nouveau', last_name: 'Staff' });
    expect(compte.uri).toMatch(/^otpauth:\/\/totp\/Aidants%20Connect:/);
    const row = await t.db('aidants').where({ id: compte.id }).first();
    expect(row).toMatchObject({ is_staff: true, can_create_mandats: false });
    const apps = await t.db('totp_devices').where({ aidant_id: compte.id, kind: 'app', confirmed: true });
    expect(apps.map((d: { secret: string }) => unseal('totp_devices.secret', d.secret))).toEqual([compte.secret]);
    await expect(creerCompteStaff(t.db, { email: 'nouveau.staff@anct.gouv.fr', first_name: 'X', last_name: 'Y' })).rejects.toThrow(CompteExistant);
  });
});
