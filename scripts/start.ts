// `npm start`: starts PostgreSQL (unless DATABASE_URL), the Temporal dev server (unless TEMPORAL_ADDRESS),
// the mail catcher (unless SMTP_HOST), the Twilio fake (unless TWILIO_ACCOUNT_SID), the FranceConnect sandbox
// (unless FC_ISSUER), then the worker and the web process, with prefixed readable logs.
// Ctrl-C stops everything; data stays in .data/ for the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { startLocalPostgres, SetupError, type LocalPostgres } from '../db/cluster.ts';
import { createDb } from '../db/connection.ts';
import { migrateLatest } from '../db/migrations/run.ts';
import { isPortFree } from '../db/free-port.ts';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';
import { ensureSecretsKeysEnv } from './dev-secrets.ts';
import { startReadyLines, type LocalUrls } from './messages.ts';
import { MALLOC_ARENA_MAX_WORKER } from '../workers/allocateur.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const DATA = process.env.DATA_DIR ?? join(ROOT, '.data');
/** The data folder as the logs name it: `.data/` by default, the real path when DATA_DIR moves it. */
const DATA_SHOWN = process.env.DATA_DIR ? DATA : '.data';
const startedAt = performance.now();
const env = process.env;

const COLORS: Record<string, string> = { postgres: '34', temporal: '35', mail: '33', sms: '33', franceconnect: '33', fournisseur: '33', worker: '36', web: '32', start: '1' };
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function out(name: string, line: string) {
  const tag = process.stdout.isTTY ? `\x1b[${COLORS[name] ?? '0'}m${name.padEnd(13)}\x1b[0m` : name.padEnd(13);
  process.stdout.write(`${tag}| ${line}\n`);
}

/** Pino JSON lines become `HH:MM:SS level message key=value…`; other lines pass through. */
function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const { time, level, msg, service: _s, process: _p, pid: _pid, hostname: _h, ...rest } = JSON.parse(line);
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join(' ');
    const t = typeof time === 'string' ? time.slice(11, 19) : '';
    return `${t} ${LEVELS[level] ?? level} ${msg ?? ''} ${extra}`.trim();
  } catch {
    return line;
  }
}

function fail(sentence: string): never {
  out('start', `ERREUR : ${sentence}`);
  process.exit(1);
}

const children: { name: string; proc: ChildProcess }[] = [];
let postgres: LocalPostgres | null = null;
let stopping = false;

function launch(name: string, cmd: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [proc.stdout, proc.stderr]) {
    // The dev server's goodbye warnings while we stop it are noise.
    createInterface({ input: stream! }).on('line', (line) => !(stopping && name === 'temporal') && out(name, readable(line)));
  }
  proc.on('exit', (code, signal) => {
    if (stopping) return;
    out(name, `arrêté (${signal ?? `code ${code}`}) : arrêt de l'ensemble`);
    void shutdown(1);
  });
  children.push({ name, proc });
  return proc;
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  out('start', 'arrêt en cours…');
  // Web first, then the worker (it drains its activities), then the servers.
  for (const name of ['web', 'worker', 'mail', 'sms', 'franceconnect', 'fournisseur', 'temporal']) {
    const child = children.find((c) => c.name === name);
    if (!child || child.proc.exitCode !== null || child.proc.signalCode) continue;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.proc.kill('SIGKILL');
        resolve();
      }, 15_000);
      child.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.proc.kill('SIGTERM');
    });
  }
  if (postgres?.startedHere) await postgres.stop();
  out('start', `tout est arrêté ; les données restent dans ${DATA_SHOWN}/`);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${what} n'a pas répondu en ${timeoutMs / 1000} s ; voyez ses messages ci-dessus.`);
}

async function requirePort(port: number, what: string, variable: string) {
  if (!(await isPortFree(port))) {
    fail(`le port ${port} (${what}) est déjà utilisé : arrêtez le programme qui l'occupe ou choisissez-en un autre avec ${variable}=….`);
  }
}

mkdirSync(DATA, { recursive: true });
const webPort = Number(env.PORT ?? 3000);
const temporalPort = Number(env.TEMPORAL_PORT ?? 7233);
const temporalUiPort = Number(env.TEMPORAL_UI_PORT ?? 8233);
const smtpPort = Number(env.SMTP_CATCHER_PORT ?? 1025);
const mailUiPort = Number(env.MAIL_UI_PORT ?? 1080);
const twilioFakePort = Number(env.TWILIO_FAKE_PORT ?? 1090);
const fcFakePort = Number(env.FC_FAKE_PORT ?? 1100);
const fsFakePort = Number(env.FOURNISSEUR_SERVICE_FAKE_PORT ?? 1095);

await requirePort(webPort, 'site web', 'PORT');
if (!env.TEMPORAL_ADDRESS) {
  await requirePort(temporalPort, 'serveur Temporal', 'TEMPORAL_PORT');
  await requirePort(temporalUiPort, 'interface Temporal', 'TEMPORAL_UI_PORT');
}
if (!env.SMTP_HOST) {
  await requirePort(smtpPort, 'SMTP local', 'SMTP_CATCHER_PORT');
  await requirePort(mailUiPort, 'boîte de réception locale', 'MAIL_UI_PORT');
}
if (!env.TWILIO_ACCOUNT_SID) await requirePort(twilioFakePort, 'faux Twilio local', 'TWILIO_FAKE_PORT');
if (!env.FC_ISSUER) await requirePort(fcFakePort, 'bac à sable FranceConnect', 'FC_FAKE_PORT');
if (!env.FC_AS_FI_CLIENT_ID) await requirePort(fsFakePort, 'faux FranceConnect (fournisseur de service)', 'FOURNISSEUR_SERVICE_FAKE_PORT');

// PostgreSQL: the web and the worker connect as the application role, migrations run as the owner role.
let databaseUrl = env.DATABASE_URL;
let migrationUrl = env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL;
if (!databaseUrl) {
  try {
    postgres = await startLocalPostgres({ dataDir: join(DATA, 'pg'), database: 'aidants_connect', preferredPort: Number(env.PG_PORT ?? 54329) });
  } catch (err) {
    fail(err instanceof SetupError ? err.message : `PostgreSQL n'a pas pu démarrer : ${(err as Error).message}`);
  }
  databaseUrl = postgres.appUrl;
  migrationUrl = postgres.ownerUrl;
  out('postgres', `${postgres.startedHere ? 'démarré' : 'déjà en marche'} sur le port ${postgres.port} (données dans ${join(DATA_SHOWN, 'pg')})`);
  out('postgres', postgres.chaineJournal);
} else if (!env.MIGRATION_DATABASE_URL) {
  out('postgres', "MIGRATION_DATABASE_URL n'est pas défini : migrations avec DATABASE_URL (le site vérifiera que son rôle ne peut pas réécrire le journal)");
}
// The key that seals secrets at rest: SECRETS_KEYS, else a development key kept in DATA_DIR.
ensureSecretsKeysEnv();
{
  const db = createDb(migrationUrl);
  try {
    const applied = await migrateLatest(db);
    out('postgres', applied.length ? `migrations appliquées : ${applied.join(', ')}` : 'schéma à jour');
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    await db.destroy();
    if (postgres?.startedHere) await postgres.stop();
    fail(`PostgreSQL est injoignable ou refuse les migrations (${reason}) : vérifiez DATABASE_URL.`);
  }
  await db.destroy();
}

// Temporal
let temporalAddress = env.TEMPORAL_ADDRESS;
if (!temporalAddress) {
  const cli = env.TEMPORAL_CLI_PATH ?? join(ROOT, '.temporal/bin/temporal');
  if (!existsSync(cli)) fail(`le serveur Temporal est introuvable (${cli}) : lancez la commande par « npm start » pour l'installer.`);
  temporalAddress = `127.0.0.1:${temporalPort}`;
  launch('temporal', cli, [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(temporalPort),
    '--ui-port', String(temporalUiPort),
    '--db-filename', join(DATA, 'temporal.sqlite'),
    '--namespace', env.TEMPORAL_NAMESPACE ?? 'default',
    '--log-level', 'warn',
    ...ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${k.type === 'INT' ? 'Int' : 'Keyword'}`]),
  ], {});
  await waitFor('Le serveur Temporal', async () => {
    const connection = await Connection.connect({ address: temporalAddress!, connectTimeout: '1 second' });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }, 60_000);
  out('temporal', `prêt sur ${temporalAddress}, interface sur http://127.0.0.1:${temporalUiPort}`);
}

// Mail
const devServicesEnv: Record<string, string> = {};
if (!env.SMTP_HOST) {
  launch('mail', process.execPath, [join(ROOT, 'scripts/processes/mail.ts')], {
    SMTP_CATCHER_PORT: String(smtpPort),
    MAIL_UI_PORT: String(mailUiPort),
  });
  Object.assign(devServicesEnv, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort) });
}

// SMS
if (!env.TWILIO_ACCOUNT_SID) {
  // PORT (and PUBLIC_URL): the fake's replies reach the web process's webhook, signed like Twilio's.
  launch('sms', process.execPath, [join(ROOT, 'scripts/processes/sms.ts')], { TWILIO_FAKE_PORT: String(twilioFakePort), PORT: String(webPort) });
  devServicesEnv.TWILIO_API_BASE = `http://127.0.0.1:${twilioFakePort}`;
}

// FranceConnect: the local sandbox, with the app registered as a service (its URIs from PUBLIC_URL / PORT)
if (!env.FC_ISSUER) {
  launch('franceconnect', process.execPath, [join(ROOT, 'scripts/processes/franceconnect.ts')], { FC_FAKE_PORT: String(fcFakePort), PORT: String(webPort) });
  devServicesEnv.FC_ISSUER = `http://127.0.0.1:${fcFakePort}`;
}

// The other side of FranceConnect: a service whose « Se connecter avec Aidants Connect » runs the identity
// provider's flow and shows what FranceConnect would receive (the web process's development client).
if (!env.FC_AS_FI_CLIENT_ID) {
  launch('fournisseur', process.execPath, [join(ROOT, 'scripts/processes/fournisseur.ts')], { FOURNISSEUR_SERVICE_FAKE_PORT: String(fsFakePort), PORT: String(webPort) });
  devServicesEnv.FOURNISSEUR_SERVICE_FAKE_PORT = String(fsFakePort);
}

// Worker and web
const secretFile = join(DATA, 'session-secret');
if (!env.SESSION_SECRET && !existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
const appEnv = {
  ...devServicesEnv,
  DATABASE_URL: databaseUrl,
  TEMPORAL_ADDRESS: temporalAddress,
  SESSION_SECRET: env.SESSION_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
  SECRETS_KEYS: env.SECRETS_KEYS!,
  PORT: String(webPort),
  DATA_DIR: DATA,
};
const urls: LocalUrls = {
  web: `http://127.0.0.1:${webPort}`,
  mail: env.SMTP_HOST ? undefined : `http://127.0.0.1:${mailUiPort}`,
  sms: env.TWILIO_ACCOUNT_SID ? undefined : `http://127.0.0.1:${twilioFakePort}`,
  temporalUi: env.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${temporalUiPort}`,
};
// `npm run seed` reads the addresses from here, so it prints the ports this run uses.
writeFileSync(join(DATA, 'runtime.json'), JSON.stringify({ databaseUrl, temporalAddress, ...urls }, null, 2));

// One malloc arena for the worker: its memory stays low however many mandats sleep (workers/allocateur.ts).
launch('worker', process.execPath, [join(ROOT, 'workers/main.ts')], { ...appEnv, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? MALLOC_ARENA_MAX_WORKER });
launch('web', process.execPath, [join(ROOT, 'web/main.ts')], appEnv);

await waitFor('Le site web', async () => (await fetch(`http://127.0.0.1:${webPort}/health`)).ok, 90_000);
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
for (const line of startReadyLines(seconds, urls)) out('start', line);
