// Issue 13, attacks on the web layer, each performed and shown refused: tokens in logs (item 4), locking an
// account out from many addresses (7), a forged X-Forwarded-For (8), sessions surviving a deactivation or a
// replaced device (11), /health as a workflow launcher (14), and the extras (no-store, multipart before
// authentication, __Host- cookies, staff re-authentication, the first-connection tunnel).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { csrfFrom, HttpClient, startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp, totpCode } from '../../scripts/fixtures/comptes.ts';
import { requestLogin } from '../../api/auth/login.ts';
import { demanderPremiereConnexion } from '../../api/auth/first-connection.ts';
import { trustProxySetting } from '../../web/app.ts';
import { seal, unseal } from '../../db/secrets.ts';
import { seedToBase32 } from '../../api/referent/devices.ts';
import { generate } from 'otplib';
import { RALENTISSEMENT_MAX_MS } from '../../db/domain/authentification.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;
let structureId: number;
const logLines: string[] = [];
const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } }));
const unused = async (): Promise<Client> => { throw new Error('unused'); };

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: unused, mailer: mail.mailer, publicUrl: 'http://aidants.test', logger });
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

const loginLink = async (email: string) => {
  const m = await mail.catcher.waitFor((e) => e.to.includes(email) && e.subject.includes('lien de connexion'));
  return new URL(m.text.match(/https?:\/\/\S+\/connexion\/lien\/\S+/)![0]).pathname;
};

describe('item 4: tokens and emails stay out of the logs', () => {
  test('login, first-connection and habilitation links are masked in the request log; limit keys name no one', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'journaux@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    await client.postForm('/connexion', { email: 'journaux@mairie.fr', code: await totpCode(totpSecret) }, csrfFrom(await (await client.get('/connexion')).text()));
    const path = await loginLink('journaux@mairie.fr');
    const token = path.split('/').pop()!;
    await client.get(path);
    await client.get('/premiere-connexion/lien/jeton-premiere-connexion-secret-0123456789');
    await client.get('/habilitation/confirmer/jeton-habilitation-secret-0123456789');
    await client.postForm('/connexion', { email: 'journaux@mairie.fr', code: '000000' }, csrfFrom(await (await client.get('/connexion')).text()));
    const logs = logLines.join('');
    expect(logs).toContain('/connexion/lien/[masqué]');
    expect(logs).toContain('/premiere-connexion/lien/[masqué]');
    expect(logs).toContain('/habilitation/confirmer/[masqué]');
    for (const secret of [token, 'jeton-premiere-connexion-secret', 'jeton-habilitation-secret']) expect(logs).not.toContain(secret);
    // The rate limits count under hashed keys: what their warnings print names no email and no address.
    const keys = (await t.db('tentatives').pluck('cle')).join(' ');
    expect(keys).not.toMatch(/journaux|mairie|127\.0\.0\.1/);
  });

  test('issue 18, item 8: a mandat’s verification code is masked in the request log, typed or canonical', async () => {
    const client = new HttpClient(app.url);
    await client.get('/verifier/K7QM-4XPR-9TBD-2HNW');
    await client.get('/verifier/k7qm4xpr9tbd2hnw');
    await client.get('/verifier?code=K7QM4XPR9TBD2HNW');
    const logs = logLines.join('');
    expect(logs).toContain('/verifier/[masqué]');
    for (const secret of ['K7QM', 'k7qm', '4XPR']) expect(logs).not.toContain(secret);
  });
});

const ask = (email: string, code: string, ip: string) => requestLogin({ db: t.db, publicUrl: 'http://x' }, { email, code, ip, next: null });

describe('item 7: nobody can lock an account out', () => {
  test('wrong codes from many addresses do not block the right code from a fresh one (only a bounded slowdown)', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'victime.blocage@mairie.fr', structureId });
    // The attackers work in parallel, each from its own address.
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => ask('victime.blocage@mairie.fr', '000000', `203.0.113.${i}`)));
    expect(results.every((r) => r.kind === 'invalid')).toBe(true);
    expect(RALENTISSEMENT_MAX_MS).toBeLessThanOrEqual(3000);
    expect((await ask('victime.blocage@mairie.fr', await totpCode(totpSecret), '198.51.100.7')).kind).toBe('sent');
  });

  test('one address is refused after 5 wrong codes for an account, and the count decays over the 15-minute window', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'fenetre.glissante@mairie.fr', structureId });
    for (let i = 0; i < 5; i++) expect((await ask('fenetre.glissante@mairie.fr', '000000', '192.0.2.1')).kind).toBe('invalid');
    const limited = await ask('fenetre.glissante@mairie.fr', await totpCode(totpSecret), '192.0.2.1');
    expect(limited.kind).toBe('limited');
    // Another address for the same account is not blocked.
    expect((await ask('fenetre.glissante@mairie.fr', '000000', '192.0.2.2')).kind).toBe('invalid');
    // Sixteen minutes later the old failures have left the window.
    await t.db('tentatives').update({ created_at: new Date(Date.now() - 16 * 60_000) });
    expect((await ask('fenetre.glissante@mairie.fr', await totpCode(totpSecret), '192.0.2.1')).kind).toBe('sent');
  });
});

describe('items 5 and 13: a card’s codes', () => {
  test('anonymous wrong codes at login never widen a card’s window', async () => {
    const { aidant } = await createAccount(t.db, { email: 'carte.anonyme@mairie.fr', structureId, withDevice: false });
    const [card] = await t.db('totp_cards').insert({ serial_number: 'GADT0000901', seed: seal('totp_cards.seed', 'ab'.repeat(20)) }).returning('id');
    await t.db('totp_devices').insert({ aidant_id: aidant.id, kind: 'card', card_id: card.id, secret: seal('totp_devices.secret', seedToBase32('ab'.repeat(20))), period: 60, confirmed: true });
    for (let i = 0; i < 8; i++) await ask('carte.anonyme@mairie.fr', '000000', `192.0.2.${100 + i}`);
    expect(await t.db('totp_devices').where({ aidant_id: aidant.id }).first('tolerance', 'drift')).toEqual({ tolerance: 1, drift: 0 });
  });

  test('the aidant, logged in with the app, resynchronises their drifted card; an anonymous visitor cannot', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'carte.derivee@mairie.fr', structureId });
    const seed = 'ef'.repeat(20);
    const [card] = await t.db('totp_cards').insert({ serial_number: 'GADT0000903', seed: seal('totp_cards.seed', seed) }).returning('id');
    await t.db('totp_devices').insert({ aidant_id: aidant.id, kind: 'card', card_id: card.id, secret: seal('totp_devices.secret', seedToBase32(seed)), period: 60, confirmed: true });
    const drifted = () => generate({ secret: seedToBase32(seed), period: 60, epoch: Math.floor(Date.now() / 1000) + 900 });
    const anonyme = new HttpClient(app.url);
    const anonCsrf = csrfFrom(await (await anonyme.get('/connexion')).text());
    expect((await anonyme.postForm('/espace-aidant/carte/resynchronisation', { code: await drifted() }, anonCsrf)).headers.get('location')).toMatch(/^\/connexion/);
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'carte.derivee@mairie.fr', totpSecret);
    const page = await (await client.get('/espace-aidant')).text();
    expect((await client.postForm('/espace-aidant/carte/resynchronisation', { code: await drifted() }, csrfFrom(page))).status).toBe(303);
    expect((await t.db('totp_devices').where({ aidant_id: aidant.id, kind: 'card' }).first()).drift).toBeGreaterThanOrEqual(14);
  });

  test('validating a card: 5 wrong codes in 15 minutes, then even the right one waits (the count survives the refusals)', async () => {
    const { aidant } = await createAccount(t.db, { email: 'carte.validation@mairie.fr', structureId, withDevice: false });
    const referent = await createAccount(t.db, { email: 'ref.carte@mairie.fr', structureId, referent: true });
    await t.db('totp_cards').insert({ serial_number: 'GADT0000902', seed: seal('totp_cards.seed', 'cd'.repeat(20)) });
    const r = new HttpClient(app.url);
    await loginHttp(r, mail.catcher, 'ref.carte@mairie.fr', referent.totpSecret);
    const page = `/espace-referent/aidants/${aidant.id}`;
    const csrf = csrfFrom(await (await r.get(page)).text());
    expect((await r.postForm(`${page}/carte`, { serial: 'GADT0000902' }, csrf)).status).toBe(303);
    for (let i = 0; i < 5; i++) {
      const wrong = await r.postForm(`${page}/carte/validation`, { code: String(100000 + i) }, csrf);
      expect(await wrong.text()).toContain('ne correspond pas');
    }
    const right = await generate({ secret: seedToBase32('cd'.repeat(20)), period: 60 });
    const blocked = await r.postForm(`${page}/carte/validation`, { code: right }, csrf);
    expect(blocked.status).toBe(400);
    expect(await blocked.text()).toContain('Trop de codes erronés pour cette carte');
    expect((await t.db('totp_devices').where({ aidant_id: aidant.id }).first()).confirmed).toBe(false);
  });
});

describe('item 8: the client IP is not the client’s to choose', () => {
  test('without TRUST_PROXY, X-Forwarded-For is ignored: changing it does not escape the per-address limit', async () => {
    const client = new HttpClient(app.url);
    const csrf = csrfFrom(await (await client.get('/connexion')).text());
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const body = new URLSearchParams({ email: `personne${i}@mairie.fr`, code: '000000', _csrf: csrf });
      const res = await client.request('/connexion', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${i}` } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  test('only listed proxies are trusted; "true" or a hop count is refused as a setting', async () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('')).toBe(false);
    expect(trustProxySetting('10.0.0.1, 10.0.0.2')).toBe('10.0.0.1,10.0.0.2');
    expect(() => trustProxySetting('true')).toThrow(/TRUST_PROXY/);
    expect(() => trustProxySetting('1')).toThrow(/TRUST_PROXY/);
    const behind = await startApp({ db: t.db, temporal: unused, trustProxy: 'loopback' });
    try {
      const client = new HttpClient(behind.url);
      const csrf = csrfFrom(await (await client.get('/connexion')).text());
      for (let i = 0; i < 21; i++) {
        const body = new URLSearchParams({ email: `derriere${i}@mairie.fr`, code: '000000', _csrf: csrf });
        const res = await client.request('/connexion', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${i}` } });
        expect(res.status).toBe(401);
      }
    } finally {
      await behind.close();
    }
  });
});

describe('item 11: sessions end with the account or its device', () => {
  test('replacing the aidant’s app ends the sessions opened with the old one', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'session.app@mairie.fr', structureId });
    const referent = await createAccount(t.db, { email: 'ref.session@mairie.fr', structureId, referent: true });
    const voleur = new HttpClient(app.url);
    await loginHttp(voleur, mail.catcher, 'session.app@mairie.fr', totpSecret);
    expect((await voleur.get('/espace-aidant')).status).toBe(200);
    const r = new HttpClient(app.url);
    await loginHttp(r, mail.catcher, 'ref.session@mairie.fr', referent.totpSecret);
    const page = `/espace-referent/aidants/${aidant.id}/application`;
    const html = await (await r.get(page)).text();
    const secret = html.match(/<code>([A-Z2-7]+)<\/code>/)![1];
    expect((await r.postForm(page, { code: await totpCode(secret) }, csrfFrom(html))).status).toBe(303);
    expect((await voleur.get('/espace-aidant')).headers.get('location')).toMatch(/^\/connexion/);
    // The référent's own session goes on.
    expect((await r.get('/espace-referent')).status).toBe(200);
  });

  test('a deactivation ends the sessions, even when the account is reactivated before their next request', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'session.desactivee@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    await loginHttp(client, mail.catcher, 'session.desactivee@mairie.fr', totpSecret);
    const { desactiverAidant, reactiverAidant } = await import('../../api/referent/lifecycle.ts');
    const temporal = async () => ({ workflow: { getHandle: () => ({ signal: async () => {} }), start: async () => ({}) } }) as unknown as Client;
    await desactiverAidant(t.db, temporal, { referentId: aidant.id, structureId }, aidant.id);
    await reactiverAidant(t.db, temporal, { referentId: aidant.id, structureId }, aidant.id);
    expect((await client.get('/espace-aidant')).headers.get('location')).toMatch(/^\/connexion/);
  });
});

describe('item 14: /health', () => {
  test('issue 18, item 10: without HEALTH_TOKEN the deep check is not served (404) unless opened for development; no workflow per anonymous call', async () => {
    let workflows = 0;
    const fake = async () => ({
      workflowService: { getSystemInfo: async () => ({}) },
      workflow: { execute: async (_t: string, o: { args: [string] }) => { workflows++; return `pong:${o.args[0]}`; } },
    }) as unknown as Client;
    const closed = await startApp({ db: t.db, temporal: fake, healthCacheMs: 0 });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${closed.url}/health/complet`);
        expect(res.status).toBe(404);
        expect(JSON.stringify(await res.json())).not.toMatch(/postgres|temporal|worker/);
      }
      expect((await fetch(`${closed.url}/health`)).status).toBe(200);
      expect(workflows).toBe(0);
    } finally {
      await closed.close();
    }
    const dev = await startApp({ db: t.db, temporal: fake, healthCacheMs: 0, healthOpen: true });
    try {
      expect((await fetch(`${dev.url}/health/complet`)).status).toBe(200);
      expect(workflows).toBe(1);
    } finally {
      await dev.close();
    }
  });

  test('anyone gets the cheap check (no workflow); the deep one needs the token and is cached', async () => {
    let workflows = 0;
    const fake = async () => ({
      workflowService: { getSystemInfo: async () => ({}) },
      workflow: { execute: async (_t: string, o: { args: [string] }) => { workflows++; return `pong:${o.args[0]}`; } },
    }) as unknown as Client;
    const h = await startApp({ db: t.db, temporal: fake, healthToken: 'jeton-sante-0123456789' });
    try {
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${h.url}/health`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ status: 'ok', checks: { postgres: { ok: true } } });
      }
      expect(workflows).toBe(0);
      expect((await fetch(`${h.url}/health/complet`)).status).toBe(401);
      expect((await fetch(`${h.url}/health/complet`, { headers: { authorization: 'Bearer mauvais-jeton-0123456' } })).status).toBe(401);
      expect(workflows).toBe(0);
      const deep = await Promise.all(Array.from({ length: 10 }, () => fetch(`${h.url}/health/complet`, { headers: { authorization: 'Bearer jeton-sante-0123456789' } })));
      expect(deep.every((r) => r.status === 200)).toBe(true);
      expect(workflows).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('extras', () => {
  test('authenticated pages, above all the one showing a TOTP secret, are never cached', async () => {
    const { aidant } = await createAccount(t.db, { email: 'cache.aidant@mairie.fr', structureId, withDevice: false });
    const referent = await createAccount(t.db, { email: 'cache.ref@mairie.fr', structureId, referent: true });
    const r = new HttpClient(app.url);
    await loginHttp(r, mail.catcher, 'cache.ref@mairie.fr', referent.totpSecret);
    const res = await r.get(`/espace-referent/aidants/${aidant.id}/application`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('an anonymous multipart body is refused before it is read', async () => {
    const client = new HttpClient(app.url);
    await client.get('/connexion');
    const form = new FormData();
    form.set('fichier', new Blob(['x'.repeat(2 * 1024 * 1024)]), 'gros.csv');
    const res = await client.request('/staff/cartes', { method: 'POST', body: form, headers: { accept: 'text/html' } });
    expect(res.status).toBe(403);
  });

  test('over HTTPS the session cookie carries the __Host- prefix (Secure, Path=/, no Domain)', async () => {
    const secure = await startApp({ db: t.db, temporal: unused, secureCookies: true, trustProxy: 'loopback' });
    try {
      const res = await fetch(`${secure.url}/connexion`, { headers: { 'x-forwarded-proto': 'https' } });
      const cookie = res.headers.getSetCookie().find((c) => c.includes('ac_session'))!;
      expect(cookie).toMatch(/^__Host-ac_session=/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await secure.close();
    }
  });

  test('staff pages and decisions ask for a fresh code after 15 minutes', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'staff.fraicheur@anct.gouv.fr', is_staff: true });
    const s = new HttpClient(app.url);
    await loginHttp(s, mail.catcher, 'staff.fraicheur@anct.gouv.fr', totpSecret);
    const accueil = await s.get('/staff');
    expect(accueil.status).toBe(200);
    // Read to its end: the session is saved when the response ends, not before.
    await accueil.text();
    await t.db('sessions').whereRaw("(sess->>'aidantId')::int = ?", [aidant.id])
      .update({ sess: t.db.raw("jsonb_set(sess, '{lastActivityCheckAt}', to_jsonb(?::bigint))", [Date.now() - 16 * 60_000]) });
    expect((await s.get('/staff/habilitations')).headers.get('location')).toMatch(/^\/verification\?suivant=/);
    const res = await s.postForm('/staff/habilitations/import-pix', { csv: 'a@b.fr;10/01/2026;80' }, csrfFrom(await (await s.get('/')).text()));
    expect(res.headers.get('location')).toMatch(/^\/verification/);
  });

  test('a first-connection session opens the app set-up tunnel and nothing else until an app is enrolled', async () => {
    const { aidant } = await createAccount(t.db, { email: 'tunnel.ref@ccas.fr', structureId, referent: true, phone: '+33677889900', withDevice: false });
    await demanderPremiereConnexion({ db: t.db, publicUrl: 'http://aidants.test' }, { email: 'tunnel.ref@ccas.fr', phone: '0677889900', ip: '10.9.9.9' });
    const rows = await t.db('outbox').where('idempotency_key', 'like', 'premiere-connexion-%').whereIn('recipient', ['tunnel.ref@ccas.fr', '+33677889900']);
    const secrets = Object.assign({}, ...rows.map((r: { secrets: string }) => JSON.parse(unseal('outbox.secrets', r.secrets))));
    const client = new HttpClient(app.url);
    const path = `/premiere-connexion/lien/${secrets.jeton}`;
    expect((await client.postForm(path, { code: secrets.code }, csrfFrom(await (await client.get(path)).text()))).status).toBe(303);
    for (const page of ['/espace-referent', `/espace-referent/aidants/${aidant.id}/application`, '/espace-aidant', '/staff']) {
      expect((await client.get(page)).headers.get('location')).toBe('/premiere-connexion/application');
    }
    expect((await client.get('/premiere-connexion/application')).status).toBe(200);
    // An app enrolled meanwhile from elsewhere does not turn this tunnel session into a full one: it ends.
    await t.db('totp_devices').insert({ aidant_id: aidant.id, kind: 'app', secret: seal('totp_devices.secret', 'JBSWY3DPEHPK3PXP'), period: 30, confirmed: true });
    expect((await client.get('/premiere-connexion/application')).headers.get('location')).toBe('/connexion');
    expect((await client.get('/espace-referent')).headers.get('location')).toMatch(/^\/connexion\?suivant=/);
  });
});
