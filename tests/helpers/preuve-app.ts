// The printed proof's tests run against the real web app (web/app.ts, through scripts/fixtures/web.ts): the same
// headers, sessions, CSRF, routes and error pages as the service. The proof's routes use neither Temporal nor
// FranceConnect, so the Temporal provider refuses if anything calls it. An aidant's session is opened directly
// in the session table (the login itself is tested elsewhere).
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { freePort } from '../../db/free-port.ts';
import { DUREE_SESSION_MS } from '../../db/domain/authentification.ts';
import { startApp, TEST_SESSION_SECRET, type RunningApp } from '../../scripts/fixtures/web.ts';

export type { RunningApp };

/** `publicUrl` defaults to the app's own address (then QR codes can be followed in a browser). */
export async function startPreuveApp(deps: { db: Db; publicUrl?: string }): Promise<RunningApp> {
  const port = await freePort();
  return startApp({
    db: deps.db,
    port,
    publicUrl: deps.publicUrl ?? `http://127.0.0.1:${port}`,
    trustProxy: 'loopback', // the tests' X-Forwarded-For comes from the loopback, as behind a proxy
    temporal: () => Promise.reject(new Error('Temporal ne sert pas aux pages de preuve')),
  });
}

/** A browser-like client holding the session of `aidantId`, logged in and re-authenticated just now. */
export async function sessionAidant(db: Db, base: string, aidantId: number): Promise<{ get(path: string): Promise<globalThis.Response>; cookie: string }> {
  const sid = randomBytes(24).toString('base64url');
  const maintenant = Date.now();
  const expires = new Date(maintenant + DUREE_SESSION_MS);
  const sess = {
    cookie: { originalMaxAge: DUREE_SESSION_MS, expires: expires.toISOString(), httpOnly: true, path: '/', sameSite: 'lax' },
    aidantId, loginAt: maintenant, lastActivityCheckAt: maintenant,
  };
  await db('sessions').insert({ sid, sess: JSON.stringify(sess), expires_at: expires });
  // express-session's signed cookie: « s: » + id + « . » + HMAC-SHA256 in base64 without padding.
  const signe = `s:${sid}.${createHmac('sha256', TEST_SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '')}`;
  const cookie = `ac_session=${encodeURIComponent(signe)}`;
  return {
    cookie,
    get: (path: string) => fetch(base + path, { redirect: 'manual', headers: { cookie, accept: 'text/html' } }),
  };
}
