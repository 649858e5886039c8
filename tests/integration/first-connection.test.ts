// A référent's first connection: SMS code (through the real twilio client and the local fake) + email link,
// then the authenticator app tunnel. Every refusal leaves the database unchanged.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { generate } from 'otplib';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { outboxSettled, startTestMail } from '../../scripts/fixtures/mail.ts';
import { startTestSms } from '../helpers/sms.ts';
import { startApp, HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let sms: Awaited<ReturnType<typeof startTestSms>>;
let app: RunningApp;
let structureId: number;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  sms = await startTestSms();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('unused'); }, mailer: mail.mailer, sms: sms.sms, publicUrl: 'http://aidants.test' });
  structureId = await createStructure(t.db);
});
afterAll(async () => {
  await app.close();
  await sms.stop();
  await mail.stop();
  await t.drop();
});
beforeEach(async () => {
  await t.db('tentatives').delete();
});

async function ask(client: HttpClient, email: string, phone: string) {
  const csrf = csrfFrom(await (await client.get('/premiere-connexion')).text());
  return client.postForm('/premiere-connexion', { email, phone }, csrf);
}
const without = <T extends Record<string, number>>(c: T) => {
  const { sessions: _s, tentatives: _r, ...rest } = c;
  return rest;
};

describe('first connection of a référent', () => {
  test('email + mobile → SMS code and email link → session → app tunnel', async () => {
    const { aidant } = await createAccount(t.db, { email: 'rose.leroy@ccas.fr', structureId, referent: true, phone: '+33611223344', withDevice: false });
    const client = new HttpClient(app.url);
    const res = await ask(client, ' Rose.Leroy@CCAS.fr', '06 11 22 33 44');
    expect(res.status).toBe(200);
    const text = await sms.fake.waitFor((m) => m.to === '+33611223344');
    const code = text.body.match(/\b(\d{6})\b/)![1];
    const email = await mail.catcher.waitFor((m) => m.to.includes('rose.leroy@ccas.fr') && m.subject.includes('première connexion'));
    const path = new URL(email.text.match(/https?:\/\/\S+\/premiere-connexion\/lien\/\S+/)![0]).pathname;
    const page = await client.get(path);
    expect(page.status).toBe(200);
    const csrf = csrfFrom(await page.text());
    const wrong = await client.postForm(path, { code: code === '000000' ? '111111' : '000000' }, csrf);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Il vous reste 4 essais');
    const ok = await client.postForm(path, { code }, csrf);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/premiere-connexion/application');
    expect(await t.db('journal').where({ action: 'connect_aidant', aidant_id: aidant.id })).toHaveLength(1);
    // Reused link and code: refused (the session was regenerated, so with the new CSRF token).
    const fresh = csrfFrom(await (await client.get('/')).text());
    expect(fresh).not.toBe(csrf);
    expect((await client.postForm(path, { code }, fresh)).status).toBe(410);

    const tunnel = await (await client.get('/premiere-connexion/application')).text();
    const secret = tunnel.match(/<code>([A-Z2-7]+)<\/code>/)![1];
    expect(tunnel).toContain('data:image/svg+xml;base64,');
    const enrolled = await client.postForm('/premiere-connexion/application', { code: await generate({ secret, period: 30 }) }, csrfFrom(tunnel));
    expect(enrolled.status).toBe(303);
    expect(await t.db('totp_devices').where({ aidant_id: aidant.id, kind: 'app', confirmed: true })).toHaveLength(1);
    expect(await t.db('journal').where({ action: 'card_association', aidant_id: aidant.id })).toHaveLength(1);
    // The tunnel cannot be used again to replace the app without a fresh code.
    expect((await client.get('/premiere-connexion/application')).headers.get('location')).toBe('/espace');
  });

  test('a phone that does not match: the same answer, no SMS, no email, nothing written', async () => {
    await createAccount(t.db, { email: 'paul.simon@ccas.fr', structureId, referent: true, phone: '+33699887766', withDevice: false });
    const client = new HttpClient(app.url);
    const smsBefore = sms.fake.messages().length;
    const before = without(await snapshotCounts(t.db));
    const res = await ask(client, 'paul.simon@ccas.fr', '0600000000');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Si ces informations correspondent');
    const unknown = await ask(client, 'inconnu@ccas.fr', '0699887766');
    expect(unknown.status).toBe(200);
    expect(sms.fake.messages().length).toBe(smsBefore);
    expect(without(await snapshotCounts(t.db))).toEqual(before);
  });

  test('a référent who already has a device, or an aidant who is not référent, gets no SMS', async () => {
    await createAccount(t.db, { email: 'nina.garnier@ccas.fr', structureId, referent: true, phone: '+33655443322' });
    await createAccount(t.db, { email: 'yann.perrin@ccas.fr', structureId, referent: false, phone: '+33655443311', withDevice: false });
    const client = new HttpClient(app.url);
    const before = sms.fake.messages().length;
    await ask(client, 'nina.garnier@ccas.fr', '06 55 44 33 22');
    await ask(client, 'yann.perrin@ccas.fr', '06 55 44 33 11');
    expect(sms.fake.messages().length).toBe(before);
  });

  test('bad formats are explained; brute force is delayed', async () => {
    const client = new HttpClient(app.url);
    const res = await ask(client, 'pas-un-email', '12');
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('Saisissez une adresse e-mail valide');
    expect(body).toContain('Saisissez un numéro de téléphone mobile');
    for (let i = 0; i < 5; i++) await ask(client, 'cible@ccas.fr', '0611111111');
    expect((await ask(client, 'cible@ccas.fr', '0611111111')).status).toBe(429);
  });

  test('an expired link, and a link after 5 wrong codes, are refused', async () => {
    await createAccount(t.db, { email: 'lou.marchand@ccas.fr', structureId, referent: true, phone: '+33612121212', withDevice: false });
    const client = new HttpClient(app.url);
    await ask(client, 'lou.marchand@ccas.fr', '0612121212');
    const email = await mail.catcher.waitFor((m) => m.to.includes('lou.marchand@ccas.fr'));
    const path = new URL(email.text.match(/https?:\/\/\S+\/premiere-connexion\/lien\/\S+/)![0]).pathname;
    const csrf = csrfFrom(await (await client.get(path)).text());
    for (let i = 0; i < 4; i++) expect((await client.postForm(path, { code: '999999' }, csrf)).status).toBe(401);
    expect((await client.postForm(path, { code: '999999' }, csrf)).status).toBe(410);
    expect((await client.get(path)).status).toBe(410);
    // A second request within a minute sends nothing more; a minute later it does, and once expired the
    // new link is refused too.
    await t.db('tentatives').delete();
    const smsBefore = sms.fake.messages().length;
    await ask(client, 'lou.marchand@ccas.fr', '0612121212');
    expect(sms.fake.messages().length).toBe(smsBefore);
    await t.db('premieres_connexions').update({ created_at: new Date(Date.now() - 61_000) });
    await ask(client, 'lou.marchand@ccas.fr', '0612121212');
    const second = await mail.catcher.waitFor((m) => m.to.includes('lou.marchand@ccas.fr') && m.id !== email.id);
    await t.db('premieres_connexions').whereNull('used_at').update({ expires_at: new Date(Date.now() - 1000) });
    expect((await client.get(new URL(second.text.match(/https?:\/\/\S+\/premiere-connexion\/lien\/\S+/)![0]).pathname)).status).toBe(410);
  });

  test('parallel guesses of the SMS code get 5 tries in all', async () => {
    await createAccount(t.db, { email: 'pierre.paralle@ccas.fr', structureId, referent: true, phone: '+33613131313', withDevice: false });
    const client = new HttpClient(app.url);
    await ask(client, 'pierre.paralle@ccas.fr', '0613131313');
    const email = await mail.catcher.waitFor((m) => m.to.includes('pierre.paralle@ccas.fr'));
    const path = new URL(email.text.match(/https?:\/\/\S+\/premiere-connexion\/lien\/\S+/)![0]).pathname;
    const csrf = csrfFrom(await (await client.get(path)).text());
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => client.postForm(path, { code: String(100000 + i) }, csrf).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(4);
    expect(statuses.filter((s) => s === 410).length).toBeGreaterThanOrEqual(8);
    expect((await t.db('premieres_connexions').whereNull('used_at').orderBy('id', 'desc').first()).attempts).toBe(5);
  });

  test('issue 18, item 5: a first-connection session opens the app set-up and nothing else (not the CGU, not the consent state)', async () => {
    const { aidant } = await createAccount(t.db, { email: 'tunnel.ferme@ccas.fr', structureId, referent: true, phone: '+33611002299', withDevice: false, cgu: false });
    // A remote consent request of the structure, whose state the poll would give away.
    const demandeId = '6f1c4c3e-8a7b-4d2e-9f10-1a2b3c4d5e6f';
    const [autre] = await t.db('aidants').insert({ email: 'collegue.tunnel@ccas.fr', first_name: 'Léa', last_name: 'Collègue', current_structure_id: structureId }).returning('id');
    await t.db('consent_requests').insert({ id: demandeId, aidant_id: autre.id, structure_id: structureId, phone: '+33698765432', demarches: ['famille'], duree_keyword: 'SHORT', status: 'consented' });
    const client = new HttpClient(app.url);
    await ask(client, 'tunnel.ferme@ccas.fr', '06 11 00 22 99');
    const code = (await sms.fake.waitFor((m) => m.to === '+33611002299')).body.match(/\b(\d{6})\b/)![1];
    const email = await mail.catcher.waitFor((m) => m.to.includes('tunnel.ferme@ccas.fr') && m.subject.includes('première connexion'));
    const path = new URL(email.text.match(/https?:\/\/\S+\/premiere-connexion\/lien\/\S+/)![0]).pathname;
    const ok = await client.postForm(path, { code }, csrfFrom(await (await client.get(path)).text()));
    expect(ok.headers.get('location')).toBe('/premiere-connexion/application');
    const csrf = csrfFrom(await (await client.get('/premiere-connexion/application')).text());

    // The CGU acceptance: neither the page nor the form.
    const cgu = await client.get('/cgu/accepter');
    expect(cgu.status).toBe(303);
    expect(cgu.headers.get('location')).toBe('/premiere-connexion/application');
    const accepted = await client.postForm('/cgu/accepter', { accepter: 'oui' }, csrf);
    expect(accepted.headers.get('location')).toBe('/premiere-connexion/application');
    expect((await t.db('aidants').where({ id: aidant.id }).first()).cgu_version).toBeNull();
    // The consent state JSON: nothing about the structure's request.
    await t.db('aidants').where({ id: aidant.id }).update({ cgu_version: (await import('../../db/domain/cgu.ts')).VERSION_CGU });
    const etat = await client.request(`/mandats/consentements/${demandeId}/etat`, { headers: { accept: 'application/json' } });
    expect(etat.status).toBe(403);
    expect(JSON.stringify(await etat.json())).not.toContain('consent');
    const etatBrut = await client.request(`/mandats/consentements/${demandeId}/etat`);
    expect(etatBrut.status).toBe(303);
    // The other pages a session could reach.
    for (const page of ['/espace', '/verification', '/espace-aidant', '/usagers', '/espace-referent']) {
      const res = await client.get(page);
      expect([page, res.status, res.headers.get('location')]).toEqual([page, 303, '/premiere-connexion/application']);
    }
    // Still open: the tunnel itself, the public pages and logging out.
    expect((await client.get('/premiere-connexion/application')).status).toBe(200);
    expect((await client.get('/cgu')).status).toBe(200);
  });

  test('the app set-up tunnel is only open right after a first connection', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'sans.tunnel@ccas.fr', structureId });
    const { loginHttp } = await import('../../scripts/fixtures/comptes.ts');
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'sans.tunnel@ccas.fr', totpSecret);
    // Even without any device left (a card lost, say), an ordinary session cannot enrol its own app.
    await t.db('totp_devices').where({ aidant_id: aidant.id }).delete();
    expect((await client.get('/premiere-connexion/application')).headers.get('location')).toBe('/espace');
    const res = await client.postForm('/premiere-connexion/application', { code: '123456' }, csrfFrom(await (await client.get('/')).text()));
    expect(res.headers.get('location')).toBe('/espace');
    expect(await t.db('totp_devices').where({ aidant_id: aidant.id })).toHaveLength(0);
  });

  test('SMS and emails go through the outbox, once per request; once sent, neither the code nor the link rests in clear', async () => {
    await outboxSettled(t.db);
    const rows = await t.db('outbox');
    expect(rows.filter((r: { channel: string }) => r.channel === 'sms').length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'sent', secrets: null });
      expect(r.body).not.toMatch(/[0-9]{6}|\/lien\/[A-Za-z0-9_-]{20,}/);
    }
  });
});
