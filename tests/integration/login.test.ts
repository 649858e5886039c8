// Login with email + TOTP + magic link, and every refusal: wrong/replayed codes, expired/reused links,
// inactive accounts, brute force, CSRF, CGU, re-authentication.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { generate, generateSecret } from 'otplib';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp, totpCode } from '../../scripts/fixtures/comptes.ts';
import { verifyOnDevice } from '../../api/auth/totp.ts';
import { resynchroniserCarte } from '../../api/referent/devices.ts';
import { TotpDevice } from '../../db/models/index.ts';
import { seal } from '../../db/secrets.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;
let structureId: number;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('unused'); }, mailer: mail.mailer, publicUrl: 'http://aidants.test' });
  structureId = await createStructure(t.db);
});
afterAll(async () => {
  await app.close();
  await mail.stop();
  await t.drop();
});
beforeEach(async () => {
  await t.db('tentatives').delete();
});

async function loginForm(client: HttpClient) {
  return csrfFrom(await (await client.get('/connexion')).text());
}
const loginEmails = (to: string) => mail.catcher.emails().filter((m) => m.to.includes(to) && m.subject.includes('lien de connexion'));
const linkPath = (text: string) => new URL(text.match(/https?:\/\/\S+\/connexion\/lien\/\S+/)![0]).pathname;

describe('login', () => {
  test('email + TOTP sends a magic link; the link opens a 24 h session stored in PostgreSQL and journals connect_aidant', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'alice.durand@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    const res = await client.postForm('/connexion', { email: '  Alice.Durand@MAIRIE.fr ', code: await totpCode(totpSecret) }, await loginForm(client));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Consultez votre messagerie');
    const email = await mail.catcher.waitFor((m) => m.to.includes('alice.durand@mairie.fr'));
    expect(email.text).toContain('http://aidants.test/connexion/lien/');
    const path = linkPath(email.text);
    const confirm = await client.get(path);
    expect(confirm.status).toBe(200);
    const done = await client.postForm(path, {}, csrfFrom(await confirm.text()));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/espace');
    const session = await t.db('sessions').whereRaw("(sess->>'aidantId')::int = ?", [aidant.id]).first();
    expect(new Date(session.expires_at).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await t.db('journal').where({ action: 'connect_aidant', aidant_id: aidant.id, structure_id: structureId })).toHaveLength(1);
    expect((await t.db('aidants').where({ id: aidant.id }).first()).last_login_at).not.toBeNull();

    // Reused link, also from another browser, is refused.
    expect((await client.postForm(path, {}, csrfFrom(await (await client.get('/')).text()))).status).toBe(410);
    const other = new HttpClient(app.url);
    expect((await other.get(path)).status).toBe(410);
  });

  test('unknown email and wrong code get the same generic refusal, and nothing is sent', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'bruno.petit@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    const csrf = await loginForm(client);
    const sentBefore = mail.catcher.emails().length;
    const wrong = await client.postForm('/connexion', { email: 'bruno.petit@mairie.fr', code: (Number(await totpCode(totpSecret)) ^ 1).toString().padStart(6, '0') }, csrf);
    const unknown = await client.postForm('/connexion', { email: 'personne@mairie.fr', code: '123456' }, csrf);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => html.match(/<p class="fr-error-text"[^>]*>([^<]+)</)?.[1];
    expect(message(await wrong.text())).toBe(message(await unknown.text()));
    expect(mail.catcher.emails().length).toBe(sentBefore);
    expect(await t.db('magic_links').count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  test('a replayed code is refused', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'chloe.roux@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    const csrf = await loginForm(client);
    const code = await totpCode(totpSecret);
    expect((await client.postForm('/connexion', { email: 'chloe.roux@mairie.fr', code }, csrf)).status).toBe(200);
    const links = await t.db('magic_links').count({ n: '*' }).first();
    expect((await client.postForm('/connexion', { email: 'chloe.roux@mairie.fr', code }, csrf)).status).toBe(401);
    expect(await t.db('magic_links').count({ n: '*' }).first()).toEqual(links);
  });

  test('an expired link is refused', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'denis.morel@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    await client.postForm('/connexion', { email: 'denis.morel@mairie.fr', code: await totpCode(totpSecret) }, await loginForm(client));
    const email = await mail.catcher.waitFor((m) => m.to.includes('denis.morel@mairie.fr'));
    await t.db('magic_links').update({ expires_at: new Date(Date.now() - 1000) }).whereNull('used_at');
    expect((await client.get(linkPath(email.text))).status).toBe(410);
    const counts = await snapshotCounts(t.db);
    expect((await client.postForm(linkPath(email.text), {}, await loginForm(client))).status).toBe(410);
    expect(await snapshotCounts(t.db)).toEqual(counts);
  });

  test('an inactive account with the right code is told to contact its référent; no link is sent', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'emma.lefevre@mairie.fr', structureId, is_active: false });
    const client = new HttpClient(app.url);
    const sentBefore = loginEmails('emma.lefevre@mairie.fr').length;
    const res = await client.postForm('/connexion', { email: 'emma.lefevre@mairie.fr', code: await totpCode(totpSecret) }, await loginForm(client));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Contactez le référent Aidants Connect de votre structure');
    expect(loginEmails('emma.lefevre@mairie.fr').length).toBe(sentBefore);
  });

  test('brute force: after 5 failures from one address, that address waits for the oldest to leave the 15-minute window, even with the right code', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'fabien.girard@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    const csrf = await loginForm(client);
    for (let i = 0; i < 5; i++) {
      expect((await client.postForm('/connexion', { email: 'fabien.girard@mairie.fr', code: '000000' }, csrf)).status).toBe(401);
    }
    const blocked = await client.postForm('/connexion', { email: 'fabien.girard@mairie.fr', code: await totpCode(totpSecret) }, csrf);
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(14 * 60);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    // The real remaining time, not a rounded "une minute".
    expect(await blocked.text()).toContain('Trop de tentatives. Réessayez dans 15 minutes.');
    expect(loginEmails('fabien.girard@mairie.fr')).toHaveLength(0);
  });

  test('parallel guesses cannot get past the limit together', async () => {
    await createAccount(t.db, { email: 'parallele@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    const csrf = await loginForm(client);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => client.postForm('/connexion', { email: 'parallele@mairie.fr', code: '000000' }, csrf).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  test('a session lasts 24 hours from the login, however active', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'vingt.quatre@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'vingt.quatre@mairie.fr', totpSecret);
    const page = await client.get('/espace-aidant');
    expect(page.status).toBe(200);
    // Read to its end: the session (its new CSRF token) is saved when the response ends, not before.
    await page.text();
    await t.db('sessions')
      .whereRaw("(sess->>'aidantId')::int = ?", [aidant.id])
      .update({ sess: t.db.raw("jsonb_set(sess, '{loginAt}', to_jsonb(?::bigint))", [Date.now() - 24 * 3600_000 - 1000]) });
    expect((await client.get('/espace-aidant')).headers.get('location')).toBe('/connexion?suivant=%2Fespace-aidant');
  });

  test('a code from the app does not count as a failure of the card', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'deux.moyens@mairie.fr', structureId });
    const [card] = await t.db('totp_cards').insert({ serial_number: 'GADT0000777', seed: seal('totp_cards.seed', 'cd'.repeat(20)) }).returning('id');
    await t.db('totp_devices').insert({ aidant_id: aidant.id, kind: 'card', card_id: card.id, secret: seal('totp_devices.secret', generateSecret()), period: 60, confirmed: true });
    const client = new HttpClient(app.url);
    for (let i = 0; i < 3; i++) {
      await loginHttp(client, mail.catcher, 'deux.moyens@mairie.fr', totpSecret);
      await client.postForm('/deconnexion', {}, csrfFrom(await (await client.get('/')).text()));
    }
    expect(await t.db('totp_devices').where({ aidant_id: aidant.id, kind: 'card' }).first('failures', 'tolerance')).toEqual({ failures: 0, tolerance: 1 });
  });

  test('format errors are explained field by field', async () => {
    const client = new HttpClient(app.url);
    const res = await client.postForm('/connexion', { email: 'pas-un-email', code: '12' }, await loginForm(client));
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('Saisissez une adresse e-mail valide');
    expect(body).toContain('Saisissez les 6 chiffres');
  });

  test('a forged CSRF token is refused and nothing is written', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'gaelle.blanc@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    await loginForm(client);
    const counts = await snapshotCounts(t.db);
    const res = await client.postForm('/connexion', { email: 'gaelle.blanc@mairie.fr', code: await totpCode(totpSecret), _csrf: 'forged' });
    expect(res.status).toBe(403);
    const { sessions: _s, ...after } = await snapshotCounts(t.db);
    const { sessions: _b, ...before } = counts;
    expect(after).toEqual(before);
  });

  test('the current CGU must be accepted before any protected page', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'hugo.faure@mairie.fr', structureId, cgu: false });
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'hugo.faure@mairie.fr', totpSecret);
    const landing = await client.get('/espace');
    expect(landing.headers.get('location')).toBe('/cgu/accepter?suivant=/espace');
    const page = await (await client.get('/cgu/accepter?suivant=/espace')).text();
    const refused = await client.postForm('/cgu/accepter?suivant=/espace', {}, csrfFrom(page));
    expect(refused.status).toBe(400);
    const accepted = await client.postForm('/cgu/accepter?suivant=/espace', { accepter: 'oui' }, csrfFrom(page));
    expect(accepted.status).toBe(303);
    const row = await t.db('aidants').where({ email: 'hugo.faure@mairie.fr' }).first();
    expect(row.cgu_version).toBe((await import('../../db/domain/cgu.ts')).VERSION_CGU);
    expect(row.cgu_accepted_at).not.toBeNull();
  });

  test('re-authentication: after 15 minutes, a fresh code is asked and journaled', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'ines.mercier@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'ines.mercier@mairie.fr', totpSecret);
    await t.db('sessions')
      .whereRaw("(sess->>'aidantId')::int = ?", [aidant.id])
      .update({ sess: t.db.raw("jsonb_set(sess, '{lastActivityCheckAt}', to_jsonb(?::bigint))", [Date.now() - 16 * 60_000]) });
    const page = await client.get('/verification?suivant=/espace');
    const csrf = csrfFrom(await page.text());
    expect((await client.postForm('/verification?suivant=/espace', { code: '000000' }, csrf)).status).toBe(401);
    const ok = await client.postForm('/verification?suivant=/espace', { code: await totpCode(totpSecret) }, csrf);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/espace');
    expect(await t.db('journal').where({ action: 'activity_check_aidant', aidant_id: aidant.id })).toHaveLength(1);
  });

  test('the next page after login is a same-site path only', async () => {
    const { safeNext } = await import('../../api/auth/session.ts');
    expect(safeNext('/espace-referent', '/x')).toBe('/espace-referent');
    expect(safeNext('//evil.example', '/x')).toBe('/x');
    expect(safeNext('/\\evil.example', '/x')).toBe('/x');
    expect(safeNext('https://evil.example', '/x')).toBe('/x');
  });
});

describe('cards drift', () => {
  test('anonymous failures never widen the window; a resynchronisation by someone authenticated learns the drift', async () => {
    const { aidant } = await createAccount(t.db, { email: 'jules.caron@mairie.fr', structureId, withDevice: false });
    const secret = generateSecret();
    const [card] = await t.db('totp_cards').insert({ serial_number: 'GADT0000001', seed: seal('totp_cards.seed', 'ab') }).returning('id');
    await t.db('totp_devices').insert({ aidant_id: aidant.id, kind: 'card', card_id: card.id, secret: seal('totp_devices.secret', secret), period: 60, confirmed: true });
    const device = async () => (await TotpDevice.query(t.db).findOne({ aidant_id: aidant.id }))!;
    // The card's clock runs 10 minutes ahead. Before, 3 wrong codes from anyone widened the window to ±30
    // steps: here 10 anonymous failures leave it at ±1, and the drifted code is still refused.
    const drifted = (offset = 0) => generate({ secret, period: 60, epoch: Math.floor(Date.now() / 1000) + 600 + offset });
    for (let i = 0; i < 10; i++) expect((await verifyOnDevice(t.db, await device(), '000000')).ok).toBe(false);
    expect((await device()).tolerance).toBe(1);
    expect((await verifyOnDevice(t.db, await device(), await drifted())).ok).toBe(false);
    // A référent (authenticated, behind a fresh code) resynchronises the card.
    await resynchroniserCarte(t.db, { referentId: aidant.id, structureId }, aidant.id, await drifted(60));
    const after = await device();
    expect(after.tolerance).toBe(1);
    expect(after.drift).toBeGreaterThanOrEqual(9);
    // The next minute's code from the drifted card is accepted with the normal window.
    expect((await verifyOnDevice(t.db, after, await drifted(120))).ok).toBe(true);
  });
});
