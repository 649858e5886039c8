// The web app as the printed proof's tests need it: the same security headers, sessions in PostgreSQL, CSRF
// and error pages as api/app.ts, with only the proof's routes. api/app.ts (and tests/helpers/web.ts, which
// imports it) mounts every router, including the mandat flow whose FranceConnect client and workflow are
// built elsewhere: these tests stay independent of them (the full journey uses the whole service stack).
// An aidant's session is opened directly in the session table (the login itself is tested elsewhere).
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import session from 'express-session';
import type { Db } from '../../db/connection.ts';
import { PgSessionStore } from '../../api/session-store.ts';
import { csrfProtection, CsrfError } from '../../api/csrf.ts';
import { loadUser } from '../../api/auth/session.ts';
import { DUREE_SESSION_MS } from '../../db/domain/authentification.ts';
import { preuveRouter } from '../../web/mandats/preuve-routes.ts';
import { renderPage } from '../../web/ui/render.ts';
import type { WebDeps } from '../../web/ui/deps.ts';

export interface RunningApp {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const SECRET = 'test-session-secret-that-is-long-enough';

const dsfrDist = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');

/** `publicUrl` defaults to the app's own address (then QR codes can be followed in a browser). */
export async function startPreuveApp(deps: { db: Db; publicUrl?: string }): Promise<RunningApp> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback'); // as TRUST_PROXY=loopback: the tests' X-Forwarded-For comes from the loopback
  app.use(helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], fontSrc: ["'self'"],
        formAction: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: false,
  }));
  app.use('/dsfr', express.static(dsfrDist, { index: false }));
  app.use(session({
    store: new PgSessionStore(deps.db), secret: SECRET, name: 'ac_session',
    resave: false, saveUninitialized: false, rolling: true, cookie: { httpOnly: true, sameSite: 'lax', maxAge: DUREE_SESSION_MS },
  }));
  app.use((req, res, next) => {
    const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
    res.redirect = ((a: number | string, b?: string) => {
      const [status, url] = typeof a === 'number' ? [a, b!] : [302, a];
      if (!req.session) return redirect(status, url);
      req.session.save((err) => (err ? next(err) : redirect(status, url)));
    }) as typeof res.redirect;
    next();
  });
  app.use(express.urlencoded({ extended: false }));
  app.use(csrfProtection);
  // The proof's routes use neither FranceConnect, Temporal nor the mail and SMS ports.
  const web = { db: deps.db, publicUrl: deps.publicUrl ?? '' };
  app.use(loadUser(deps.db));
  app.use(preuveRouter(web as unknown as WebDeps));
  app.use((req: Request, res: Response) => {
    res.status(404).send(renderPage(req, 404));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof CsrfError ? 403 : typeof (err as { status?: number }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) console.error(err);
    res.status(status).send(renderPage(req, err instanceof CsrfError ? 419 : status >= 500 ? 500 : [403, 404].includes(status) ? status : 400));
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  web.publicUrl ||= `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
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
  const signe = `s:${sid}.${createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '')}`;
  const cookie = `ac_session=${encodeURIComponent(signe)}`;
  return {
    cookie,
    get: (path: string) => fetch(base + path, { redirect: 'manual', headers: { cookie, accept: 'text/html' } }),
  };
}
