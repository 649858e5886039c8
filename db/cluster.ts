// The project's own PostgreSQL server: a Debian PostgreSQL cluster in a data folder, started on a free
// port. Used by `npm start` (data kept in .data/pg) and by the test harness (a throw-away folder) whenever
// DATABASE_URL is not set.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, chownSync, chmodSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { installerChaineC } from './chaine-c.ts';
import { freePort } from './free-port.ts';
import { APP_ROLE, ensureOwnedDatabase, ensureRoles, OWNER_ROLE, urlAs } from './roles.ts';

const run = promisify(execFile);

export interface LocalPostgres {
  /** Superuser, for creating databases and roles. */
  adminUrl: string;
  /** The owner role: migrations. */
  ownerUrl: string;
  /** The application role: the web and worker processes. */
  appUrl: string;
  port: number;
  /** How the journal's chain is computed in this database: in C, or in PL/pgSQL and why (db/chaine-c.ts). */
  chaineJournal: string;
  /** True when this call started the server (so the caller should stop it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

export class SetupError extends Error {}

/** Finds initdb/pg_ctl: PG_BIN, else the newest Debian PostgreSQL under /usr/lib/postgresql. */
export function findPostgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new SetupError(
      "PostgreSQL est introuvable : installez le paquet Debian « postgresql » (apt-get install postgresql) ou définissez DATABASE_URL vers un serveur existant.",
    );
  }
  return join(base, versions[0], 'bin');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** initdb and the server refuse to run as root: as root we run them as the `postgres` system user. */
async function asServerUser(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  if (isRoot()) return run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
  return run(cmd, args);
}

function postmasterPort(dataDir: string): number | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function prepareDir(dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  if (isRoot()) {
    const { uid, gid } = serverUser();
    chownSync(dataDir, uid, gid);
    // The server user must be able to walk down to the data folder (search permission, not read).
    let dir = dirname(dataDir);
    while (dir !== dirname(dir)) {
      try {
        chmodSync(dir, statSync(dir).mode | 0o001); // traverse only, nothing readable
      } catch {
        /* not ours to change: initdb will say if it cannot reach the folder */
      }
      dir = dirname(dir);
    }
  }
  chmodSync(dataDir, 0o700);
}

function serverUser(): { uid: number; gid: number } {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!passwd) {
    throw new SetupError("L'utilisateur système « postgres » n'existe pas : installez le paquet Debian « postgresql ».");
  }
  const [, , uid, gid] = passwd.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts (or reuses, when already running from this folder) a cluster in `dataDir`, creates `database`
 * when missing, and returns its URL. `preferredPort` is used when free, else any free port.
 */
export async function startLocalPostgres(opts: {
  dataDir: string;
  database: string;
  preferredPort?: number;
}): Promise<LocalPostgres> {
  const bin = findPostgresBin();
  const { dataDir, database } = opts;
  const urlFor = (port: number, db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const urls = async (port: number) => {
    await ensureRoles(urlFor(port, 'postgres'));
    await ensureOwnedDatabase(urlFor(port, 'postgres'), database);
    const adminUrl = urlFor(port, database);
    const chaineJournal = await installerChaineC(adminUrl, bin);
    return { adminUrl, ownerUrl: urlAs(adminUrl, OWNER_ROLE), appUrl: urlAs(adminUrl, APP_ROLE), chaineJournal };
  };

  const runningPort = postmasterPort(dataDir);
  if (runningPort && (await canConnect(urlFor(runningPort, 'postgres')))) {
    return { ...(await urls(runningPort)), port: runningPort, startedHere: false, stop: async () => {} };
  }

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    prepareDir(dataDir);
    await asServerUser(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  const port = await freePort(opts.preferredPort);
  try {
    await asServerUser(join(bin, 'pg_ctl'), [
      '-D', dataDir, '-l', join(dataDir, 'server.log'), '-w', '-t', '30', 'start',
      '-o', `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=${process.env.PG_FSYNC ?? 'on'}`,
    ]);
  } catch (err) {
    const log = existsSync(join(dataDir, 'server.log')) ? readFileSync(join(dataDir, 'server.log'), 'utf8').split('\n').slice(-5).join(' ') : '';
    throw new SetupError(`PostgreSQL n'a pas pu démarrer dans ${dataDir} (${(err as Error).message.split('\n')[0]}) ${log}`.trim());
  }
  return {
    ...(await urls(port)),
    port,
    startedHere: true,
    stop: async () => {
      await asServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
    },
  };
}
