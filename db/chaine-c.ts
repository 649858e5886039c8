// The journal's chain trigger in C (db/extension/journal_chaine.c, README « Journal infalsifiable »): the same
// rows and hashes as the PL/pgSQL function, at a fraction of its cost per one-row transaction. A C function can
// only be created by a superuser, from a library the server can read: the project's own cluster (`npm start`,
// `npm test`, `npm run bench`) builds and installs it when PostgreSQL's server headers are there (Debian package
// postgresql-server-dev-<version>); elsewhere, or without the headers, the PL/pgSQL trigger stays, and an
// administrator installs the library by hand (README). The function belongs to the superuser: the owner role
// may point the trigger at it (migrations) but cannot replace its code.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { COLONNES_FORME_2, FORME_CHAINE_JOURNAL, NOMBRE_VOIES_JOURNAL, VERROU_VOIES_JOURNAL } from './domain/chaine-journal.ts';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const SOURCE = join(ROOT, 'db', 'extension', 'journal_chaine.c');

/** The C function's name in the database (the PL/pgSQL one is journal_chainer()). */
export const FONCTION_CHAINE_C = 'journal_chainer_c';

/** The unique index on (chaine_voie, chaine_rang) that the C trigger reads the lane's head through (migration 020). */
export const INDEX_TETE_VOIE = 'journal_chaine_rang';

/**
 * The trigger's arguments (db/extension/journal_chaine.c): lanes, lock key, form, index, then form 2's columns
 * (COLONNES_FORME_2), the timestamp written in UTC as sqlValeurTexte writes it.
 */
export function argumentsChaineC(): string[] {
  return [String(NOMBRE_VOIES_JOURNAL), String(VERROU_VOIES_JOURNAL), String(FORME_CHAINE_JOURNAL), INDEX_TETE_VOIE,
    ...COLONNES_FORME_2.map((c) => (c.type === 'horodatage' ? `${c.nom}:utc` : c.nom))];
}

/** SQL pointing the trigger `journal_chaine` at the C function (true) or at PL/pgSQL's journal_chainer(). */
export function sqlDeclencheurChaine(enC: boolean): string {
  const appel = enC
    ? `${FONCTION_CHAINE_C}(${argumentsChaineC().map((a) => `'${a.replace(/'/g, "''")}'`).join(', ')})`
    : 'journal_chainer()';
  return `drop trigger if exists journal_chaine on journal;
    create trigger journal_chaine before insert on journal for each row execute function ${appel};`;
}

/**
 * Builds the library for the server of `pgBin` (its pg_config), once per source and server version, under
 * .build/; null with the reason when it cannot (no server headers, no C compiler).
 */
export async function construireChaineC(pgBin: string): Promise<{ chemin: string } | { raison: string }> {
  let inclusions: string;
  let version: string;
  try {
    // pg_config answers one line per option, in the order asked.
    [inclusions, version] = (await run(join(pgBin, 'pg_config'), ['--includedir-server', '--version'])).stdout.trim().split('\n').map((l) => l.trim());
  } catch {
    return { raison: `pg_config introuvable dans ${pgBin}` };
  }
  if (!existsSync(join(inclusions, 'postgres.h'))) {
    return { raison: `en-têtes du serveur absents (${inclusions} ; paquet Debian postgresql-server-dev-${version.replace(/^\D*(\d+).*$/, '$1')})` };
  }
  const source = readFileSync(SOURCE);
  const empreinte = createHash('sha256').update(source).update(version).digest('hex').slice(0, 16);
  const chemin = join(ROOT, '.build', `journal_chaine-${empreinte}.so`);
  if (!existsSync(chemin)) {
    mkdirSync(dirname(chemin), { recursive: true });
    const provisoire = `${chemin}.${process.pid}.tmp`;
    try {
      await run('cc', ['-O2', '-fPIC', '-shared', '-fno-strict-aliasing', '-fwrapv', '-fexcess-precision=standard',
        '-I', inclusions, '-o', provisoire, SOURCE]);
      // Renamed into place only once built, so that a concurrent run never loads half a file.
      await run('mv', ['-f', provisoire, chemin]);
    } catch (err) {
      return { raison: `compilation impossible (${(err as Error).message.split('\n')[0]})` };
    }
  }
  // The server runs as another system user when we are root: it must read the file and walk down to it.
  chmodSync(chemin, 0o755);
  for (let d = dirname(chemin); d !== dirname(d); d = dirname(d)) {
    try {
      chmodSync(d, statSync(d).mode | 0o001);
    } catch {
      /* not ours to change: CREATE FUNCTION will say if the server cannot read the file */
    }
  }
  return { chemin };
}

/**
 * In the database of `adminUrl` (a superuser): creates journal_chainer_c() from the library (built here, or
 * `opts.chemin` as the server sees it), and points the
 * trigger at it when the journal already has form 2 (migration 022; before that, installerForme2 picks it). Answers how
 * the chain is computed, for the setup's log.
 */
export async function installerChaineC(adminUrl: string, pgBin: string, opts: { chemin?: string } = {}): Promise<string> {
  // A server elsewhere: the library built here was copied where that server reads it (README « En production »).
  const bibliotheque = opts.chemin ? { chemin: opts.chemin } : await construireChaineC(pgBin);
  if ('raison' in bibliotheque) return `chaîne du journal en PL/pgSQL : ${bibliotheque.raison}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`create or replace function ${FONCTION_CHAINE_C}() returns trigger language c
      as '${bibliotheque.chemin.replace(/'/g, "''")}', 'journal_chainer'`);
    const { rows: [{ chainee }] } = await client.query(
      `select exists (select 1 from pg_attribute where attrelid = to_regclass('public.journal') and attname = 'chaine_forme' and not attisdropped) as chainee`);
    if (chainee) await client.query(sqlDeclencheurChaine(true));
    await client.query('commit');
    return `chaîne du journal calculée en C (${bibliotheque.chemin})`;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    return `chaîne du journal en PL/pgSQL : ${(err as Error).message}`;
  } finally {
    await client.end();
  }
}
