// The Express application: security headers, sessions in PostgreSQL, CSRF on every form, the DSFR pages of
// web/ and the JSON endpoints of api/. One process serves both.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import session from 'express-session';
import type { Db } from '../db/connection.ts';
import { PgSessionStore, sessionModifiee } from '../api/session-store.ts';
import { csrfProtection, CsrfError } from '../api/csrf.ts';
import { healthRouter } from '../api/health.ts';
import { multipartForms } from '../api/uploads.ts';
import { champsValides, entreesValides, type EntreeInvalideError } from '../api/entrees.ts';
import type { TemporalClientProvider } from '../db/temporal/client.ts';
import { logger as baseLogger, redactPath, type Logger } from '../db/platform/logger.ts';
import { webRouter } from './routes.ts';
import { renderPage } from './ui/render.ts';
import { CHEMIN_WEBHOOK_SMS, twilioConfigFromEnv } from '../db/platform/twilio.ts';
import { baseIndisponible } from '../db/platform/indisponibilite.ts';
import { smsWebhookRouter } from '../api/consentement/webhook.ts';
import { DUREE_SESSION_MS } from '../db/domain/authentification.ts';
import { CHEMIN_ESPACE_USAGER, DUREE_SESSION_USAGER_MS, estCheminEspaceUsager } from '../db/domain/espace-usager.ts';
import { createFranceConnectClient, franceConnectConfigFromEnv, type FranceConnectClient } from '../api/franceconnect/index.ts';
import type { OidcInstance } from '../api/oidc/provider.ts';
import { ressourcesTraductionRouter } from './mandats/traduction-ressources.ts';

export interface AppDeps {
  db: Db;
  temporal: TemporalClientProvider;
  publicUrl?: string;
  /** Defaults to the client configured by the environment (FC_ISSUER…). */
  franceConnect?: FranceConnectClient;
  sessionSecret: string;
  /** Secure cookies (HTTPS) — on in production, off on http://localhost. */
  secureCookies?: boolean;
  logger?: Logger;
  /** Task queue of the health round trip (tests use their own). */
  taskQueue?: string;
  healthWorkerTimeoutMs?: number;
  /** HEALTH_TOKEN: required by GET /health/complet when set. */
  healthToken?: string;
  /** Without HEALTH_TOKEN, GET /health/complet answers 404 unless this is true (development only). */
  healthOpen?: boolean;
  healthCacheMs?: number;
  /**
   * TRUST_PROXY: the reverse proxies whose X-Forwarded-For is believed (addresses, subnets, or `loopback`);
   * none by default, so a client cannot choose its own IP address for the rate limits.
   */
  trustProxy?: string;
  /** The identity provider FranceConnect calls (api/oidc/provider.ts); absent, its endpoints are not served. */
  oidc?: OidcInstance;
  /** Checks Twilio's webhook signatures; default TWILIO_AUTH_TOKEN (or the local fake's); null refuses them all. */
  twilioAuthToken?: string | null;
}

/** TRUST_PROXY as Express reads it: a list of addresses or subnets; empty means no proxy is trusted. */
export function trustProxySetting(value: string | undefined): string | false {
  const list = (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (list.some((v) => /^(true|\*|\d+)$/.test(v))) {
    throw new Error(`TRUST_PROXY : indiquez les adresses des proxys (ou « loopback »), pas « ${value} » : sinon n'importe qui choisit son adresse IP.`);
  }
  return list.length ? list.join(',') : false;
}

const dsfrDist = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');

export function createApp(deps: AppDeps): express.Express {
  const log = deps.logger ?? baseLogger;
  const publicUrl = deps.publicUrl ?? 'http://127.0.0.1:3000';
  const franceConnect = deps.franceConnect ?? createFranceConnectClient(franceConnectConfigFromEnv(publicUrl));
  const franceConnectOrigins = [franceConnect.origin];
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.trustProxy));

  app.use((req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      if (req.path.startsWith('/dsfr/')) return;
      log.info({ method: req.method, path: redactPath(req.path), status: res.statusCode, ms: Math.round(performance.now() - start) }, 'requête');
    });
    next();
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          // Forms that end at FranceConnect (the usager's identification) redirect there.
          formAction: ["'self'", ...franceConnectOrigins],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: deps.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: deps.secureCookies ? undefined : false,
    }),
  );
  app.use('/dsfr', express.static(dsfrDist, { maxAge: '7d', immutable: true, index: false }));
  // Fonts and print style of a mandat's translation (issue 22): public, cacheable, before the sessions.
  app.use(ressourcesTraductionRouter());
  // Every other response is personal or may become so (sessions, secrets on enrolment pages): never stored.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  // NUL characters and invalid Unicode refused for every route, the provider's and the webhook's included
  // (api/entrees.ts); form and JSON bodies are parsed here, once.
  const refuserEntree = (req: Request, res: Response, err: EntreeInvalideError) => {
    log.warn({ path: redactPath(req.path), raison: err.raison }, 'entrée refusée : caractère nul ou texte invalide');
    res.status(400);
    if (req.path === CHEMIN_WEBHOOK_SMS) return void res.type('text/plain').send('Requête invalide.');
    if (/^\/(token|userinfo)\/?$/.test(req.path) || req.accepts(['html', 'json']) === 'json') {
      return void res.json({ error: 'invalid_request', error_description: 'paramètre invalide : caractère nul ou texte qui n’est pas de l’UTF-8 valide' });
    }
    res.send(renderPage(req, 400));
  };
  app.use(entreesValides({ limite: '200kb', refuser: refuserEntree }));

  app.use(healthRouter({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, workerTimeoutMs: deps.healthWorkerTimeoutMs, token: deps.healthToken, openWithoutToken: deps.healthOpen, cacheMs: deps.healthCacheMs }));
  // Called by Twilio, authenticated by its signature: mounted before the session and CSRF, which it never uses.
  app.use(smsWebhookRouter({
    db: deps.db, temporal: deps.temporal, publicUrl,
    authToken: deps.twilioAuthToken === undefined ? twilioConfigFromEnv().authToken : deps.twilioAuthToken,
  }));

  // The identity provider's endpoints (/authorize/, /token/, /userinfo/, /logout/, discovery, JWKS): before
  // the sessions, since the provider keeps its own cookies; after the entrance, whose parsed and checked
  // bodies it reads (oidc-provider uses `req.body` when the stream is already read).
  // Its interaction pages (/interaction/:uid) are ordinary pages of web/, with sessions and CSRF.
  if (deps.oidc) app.use(deps.oidc.middleware);

  const sessionAidant = session({
    store: new PgSessionStore(deps.db),
    secret: deps.sessionSecret,
    // Over HTTPS, the __Host- prefix: the browser keeps the cookie only if Secure, on Path=/ and with no Domain.
    name: deps.secureCookies ? '__Host-ac_session' : 'ac_session',
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies ?? false, maxAge: DUREE_SESSION_MS },
  });
  // The espace usager's own session (issue 21): another cookie, sent only under /espace-usager, 30 minutes at
  // most. A usager's session never reaches an aidant page, and /espace-usager never reads an aidant's.
  const sessionUsager = session({
    store: new PgSessionStore(deps.db),
    secret: deps.sessionSecret,
    name: deps.secureCookies ? '__Secure-ac_usager' : 'ac_usager',
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies ?? false, maxAge: DUREE_SESSION_USAGER_MS, path: CHEMIN_ESPACE_USAGER },
  });
  app.use((req, res, next) => (estCheminEspaceUsager(req.path) ? sessionUsager : sessionAidant)(req, res, next));
  // express-session sends the headers before its save completes, so a client following a redirect at once
  // could arrive before the session (a login, a flash message) is stored: save first, then redirect. A
  // session the request did not change is not written again (api/session-store.ts, issue 19).
  app.use((req, res, next) => {
    const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
    res.redirect = ((a: number | string, b?: string) => {
      const [status, url] = typeof a === 'number' ? [a, b!] : [302, a];
      if (!req.session || !sessionModifiee(req.session)) return redirect(status, url);
      req.session.save((err) => {
        if (!err) return redirect(status, url);
        // PostgreSQL gone after the route committed its work: a route that must say what was done anyway
        // (the recap: the mandat exists) answers itself; otherwise « Service indisponible » (below).
        const repli = res.locals.sessionNonEnregistree as (() => void) | undefined;
        if (repli && baseIndisponible(err)) return repli();
        next(err);
      });
    }) as typeof res.redirect;
    next();
  });
  app.use(multipartForms);
  app.use(champsValides({ refuser: refuserEntree }));
  app.use(csrfProtection);

  app.use(webRouter({ db: deps.db, temporal: deps.temporal, publicUrl, franceConnect, oidc: deps.oidc }));

  app.use((req: Request, res: Response) => {
    res.status(404);
    if (req.accepts(['html', 'json']) === 'json') res.json({ error: 'not_found' });
    else res.send(renderPage(req, 404));
  });

  // Express 5 routes rejected promises here too.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const indisponible = baseIndisponible(err);
    // Already answered (express-session's last save failing after the page went out, PostgreSQL gone): only
    // logged, the page sent is left whole.
    if (res.headersSent) return void log.warn({ path: redactPath(req.path), indisponible }, 'erreur après la réponse');
    const status =
      err instanceof CsrfError ? 403 : indisponible ? 503 : typeof (err as { status?: number }).status === 'number' ? (err as { status: number }).status : 500;
    // PostgreSQL unreachable: « Service indisponible », retry in a while (db/platform/indisponibilite.ts).
    if (indisponible) res.set('Retry-After', '30');
    if (status >= 500) log.error({ err, path: redactPath(req.path) }, 'erreur');
    else log.warn({ path: redactPath(req.path), status, reason: (err as Error).message }, 'requête refusée');
    res.status(status);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: err instanceof CsrfError ? 'csrf_token_invalid' : indisponible ? 'service_unavailable' : status >= 500 ? 'server_error' : 'bad_request' });
    } else {
      res.send(renderPage(req, err instanceof CsrfError ? 419 : indisponible ? 503 : status >= 500 ? 500 : [403, 404, 413].includes(status) ? status : 400));
    }
  });
  return app;
}
