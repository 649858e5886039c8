// The web process: Express serving the DSFR pages and the JSON API on PORT, with one Temporal client and
// one PostgreSQL pool; stops cleanly on SIGTERM/SIGINT.
import { createDb } from '../db/connection.ts';
import { temporalSettingsFromEnv } from '../db/temporal/connection.ts';
import { createApp } from './app.ts';
import { lazyTemporalClient } from '../db/temporal/client.ts';
import { logger } from '../db/platform/logger.ts';
import { PgSessionStore } from '../api/session-store.ts';
import { checkStartup } from '../db/platform/startup-checks.ts';
import { purgeAttempts } from '../api/auth/rate-limit.ts';
import { oidcSettingsFromEnv, OidcConfigError } from '../api/oidc/configuration.ts';
import { createOidcProvider } from '../api/oidc/provider.ts';
import { pagesFournisseurIdentite } from './oidc/pages.ts';
import { purgerOidc } from '../api/oidc/adapter.ts';

const log = logger.child({ process: 'web' });
const production = process.env.NODE_ENV === 'production';
const sessionSecret = process.env.SESSION_SECRET;
if (!sessionSecret || (production && sessionSecret.length < 32)) {
  log.error('SESSION_SECRET doit être défini (32 caractères au moins en production).');
  process.exit(1);
}

const publicUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
let oidcSettings;
try {
  oidcSettings = oidcSettingsFromEnv(process.env, { publicUrl, production });
} catch (err) {
  if (!(err instanceof OidcConfigError)) throw err;
  log.error(`Fournisseur d’identité : ${err.message}`);
  process.exit(1);
}

const db = createDb();
await checkStartup(db, log);
const temporal = lazyTemporalClient(temporalSettingsFromEnv());
const app = createApp({
  db,
  temporal,
  sessionSecret,
  publicUrl,
  oidc: createOidcProvider({ db, settings: oidcSettings, logger: log, pages: pagesFournisseurIdentite }),
  secureCookies: production || process.env.SECURE_COOKIES === 'true',
  // In production only the real token may sign Twilio's calls (the local fake's is public).
  twilioAuthToken: process.env.TWILIO_AUTH_TOKEN ?? (production ? null : undefined),
  trustProxy: process.env.TRUST_PROXY,
  healthToken: process.env.HEALTH_TOKEN || undefined,
  // Without HEALTH_TOKEN, the deep check (a workflow per call) is open in development only (issue 18, item 10).
  healthOpen: !production,
});
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const server = app.listen(port, host, (err?: Error) => {
  if (err) {
    log.error(`Le port ${port} est déjà utilisé ou inaccessible : libérez-le ou choisissez-en un autre avec PORT=… (${err.message})`);
    process.exit(1);
  }
  log.info({ url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}` }, 'site web prêt');
});

const pruner = setInterval(() => {
  new PgSessionStore(db).prune().catch((err) => log.warn({ err }, 'purge des sessions impossible'));
  purgeAttempts(db).catch((err) => log.warn({ err }, 'purge des tentatives impossible'));
}, 60 * 60 * 1000);
pruner.unref();

// Expired codes, tokens, grants, interactions of the identity provider and the choices behind them.
const oidcPurge = setInterval(() => {
  purgerOidc(db).catch((err) => log.warn({ err }, 'purge du fournisseur d’identité impossible'));
}, 10 * 60 * 1000);
oidcPurge.unref();

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'arrêt du site web');
  server.close();
  server.closeIdleConnections();
  await temporal.close();
  await db.destroy();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
