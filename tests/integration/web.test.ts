// The web process: security headers, sessions stored in PostgreSQL, CSRF refusals, 404 and JSON errors.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startApp, HttpClient, type RunningApp } from '../../scripts/fixtures/web.ts';

let t: TestDb;
let app: RunningApp;
beforeAll(async () => {
  t = await createTestDb();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('not used'); } });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('web', () => {
  test('the home page is French DSFR with security headers and no session for an anonymous visit', async () => {
    const res = await fetch(`${app.url}/`);
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).toContain('<html lang="fr"');
    expect(body).toContain('/dsfr/dsfr.min.css');
    expect(body).toContain('fr-skiplinks');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('serves the DSFR assets', async () => {
    const res = await fetch(`${app.url}/dsfr/dsfr.min.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/css');
  });

  test('unknown pages answer 404 in HTML or JSON', async () => {
    const html = await fetch(`${app.url}/nulle-part`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(404);
    expect(await html.text()).toContain('Page non trouvée');
    const json = await fetch(`${app.url}/nulle-part`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: 'not_found' });
  });

  test('a form post without a CSRF token, or with a forged one, is refused with 403', async () => {
    const client = new HttpClient(app.url);
    const none = await client.postForm('/deconnexion', {});
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('Formulaire expiré');
    const forged = await client.postForm('/deconnexion', { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const json = await client.request('/deconnexion', { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({ error: 'csrf_token_invalid' });
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const res = await fetch(`${app.url}/deconnexion`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{oops' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request' });
  });

  test('sessions live in PostgreSQL and a valid CSRF token is accepted', async () => {
    const client = new HttpClient(app.url);
    // A page with a form creates the session and its token; here the 404 page after a token is set.
    const { PgSessionStore } = await import('../../api/session-store.ts');
    const store = new PgSessionStore(t.db);
    const sid = 'test-session-id';
    await new Promise<void>((resolve, reject) =>
      store.set(sid, { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) } as never, csrfToken: 'x'.repeat(43) }, (err) => (err ? reject(err) : resolve())),
    );
    const row = await t.db('sessions').where({ sid }).first();
    expect(row.sess.csrfToken).toBe('x'.repeat(43));
    expect(new Date(row.expires_at).getTime()).toBeGreaterThan(Date.now());
    // Cookie signed the way express-session expects.
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', 'test-session-secret-that-is-long-enough').update(sid).digest('base64').replace(/=+$/, '');
    const cookie = `ac_session=${encodeURIComponent(`s:${sid}.${signature}`)}`;
    const res = await client.request('/deconnexion', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${'x'.repeat(43)}` });
    expect(res.status).toBe(303);
    expect(await t.db('sessions').where({ sid }).first()).toBeUndefined();
  });

  test('expired sessions are pruned', async () => {
    await t.db('sessions').insert({ sid: 'old', sess: '{}', expires_at: new Date(Date.now() - 1000) });
    const { PgSessionStore } = await import('../../api/session-store.ts');
    expect(await new PgSessionStore(t.db).prune()).toBeGreaterThanOrEqual(1);
  });
});
