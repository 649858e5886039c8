// `npm test`: type-checks, starts one throw-away PostgreSQL cluster (unless DATABASE_URL, a superuser URL)
// with the owner and application roles and a migrated template database, then runs Jest (unit, integration,
// workflow and browser tests) in band. A throw-away SECRETS_KEYS is generated unless given.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { installerChaineC } from '../db/chaine-c.ts';
import { findPostgresBin, startLocalPostgres, type LocalPostgres } from '../db/cluster.ts';
import { createDb } from '../db/connection.ts';
import { migrateLatest } from '../db/migrations/run.ts';
import { ensureOwnedDatabase, ensureRoles, OWNER_ROLE, urlAs, urlWithDatabase } from '../db/roles.ts';
import { generateSecretsKey } from '../db/secrets.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const step = (msg: string) => console.log(`\n[test] ${msg}`);

if (!args.length || process.env.CI) {
  step('vérification des types (tsc --noEmit)');
  const tsc = spawnSync('tsc', ['--noEmit', '-p', '.'], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

let cluster: LocalPostgres | null = null;
let dataDir: string | null = null;
// A superuser URL: the harness creates the two roles (db/roles.ts), the template database owned by the owner
// role, and one copy of it per test file; tests connect as the application role.
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  dataDir = mkdtempSync(join(tmpdir(), 'ac-test-pg-'));
  step(`PostgreSQL de test dans ${dataDir}`);
  process.env.PG_FSYNC = 'off'; // throw-away data: durability is not what the tests check
  cluster = await startLocalPostgres({ dataDir, database: 'ac_template' });
  adminUrl = cluster.adminUrl;
}
// Passwords only matter on a server that asks for them (the local cluster trusts loopback connections).
const passwords = { owner: randomBytes(18).toString('base64url'), app: randomBytes(18).toString('base64url') };
process.env.SECRETS_KEYS ??= generateSecretsKey('test');
const template = urlWithDatabase(adminUrl, 'ac_template');
{
  await ensureRoles(adminUrl, passwords);
  await ensureOwnedDatabase(adminUrl, 'ac_template');
  // The local cluster installed it when it created the template; a server given by DATABASE_URL is tried here.
  step(cluster ? cluster.chaineJournal : await installerChaineC(template, findPostgresBin()));
  const db = createDb(urlAs(template, OWNER_ROLE, passwords.owner), { min: 0, max: 1 });
  await migrateLatest(db);
  await db.destroy();
}

step('Jest');
const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(ROOT, 'node_modules/jest/bin/jest.js'), '--runInBand', ...args],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', TEST_TEMPLATE_DATABASE_URL: template, TEST_OWNER_PASSWORD: passwords.owner, TEST_APP_PASSWORD: passwords.app } },
);

// Interrupted runs (Ctrl-C, CI timeout) must not leave a PostgreSQL server behind.
const cleanup = async () => {
  if (cluster) await cluster.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    jest.kill(signal);
    void cleanup().then(() => process.exit(130));
  });
}

const status: number = await new Promise((resolve) => jest.on('exit', (code) => resolve(code ?? 1)));
await cleanup();
process.exit(status);
