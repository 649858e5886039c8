// `npm run installer-chaine-c`: for an administrator, the journal's chain trigger in C (db/chaine-c.ts, README
// « En production ») in the database of ADMIN_DATABASE_URL (a superuser). Built here with the pg_config of
// PG_BIN (or Debian's newest PostgreSQL) and copied into its library folder (`pg_config --pkglibdir`, root's);
// CHAINE_C_CHEMIN names the library as the server sees it when the server runs elsewhere (the file built under
// .build/ copied there first); `-- --plpgsql` points the trigger
// back at PL/pgSQL. Exit 0 when the trigger is in C (or back in PL/pgSQL when asked), 1 when it stays in
// PL/pgSQL (the reason printed), 2 on a usage error.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { construireChaineC, installerChaineC, sqlDeclencheurChaine } from '../db/chaine-c.ts';
import { findPostgresBin, SetupError } from '../db/cluster.ts';

const adminUrl = process.env.ADMIN_DATABASE_URL;
if (!adminUrl) {
  console.error('ERREUR : ADMIN_DATABASE_URL doit désigner la base du service avec un rôle superutilisateur.\n'
    + 'Usage : ADMIN_DATABASE_URL=postgres://postgres@hote/aidants_connect [CHAINE_C_CHEMIN=/chemin/sur/le/serveur.so] npm run installer-chaine-c [-- --plpgsql]');
  process.exit(2);
}
let pgBin: string;
try {
  pgBin = findPostgresBin();
} catch (err) {
  console.error(`ERREUR : ${err instanceof SetupError ? err.message : (err as Error).message}`);
  process.exit(2);
}
// `-- --plpgsql`: back to the PL/pgSQL trigger (a server that lost the library, e.g. a dump restored elsewhere).
if (process.argv.includes('--plpgsql')) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sqlDeclencheurChaine(false));
  } finally {
    await client.end();
  }
  console.log('chaîne du journal en PL/pgSQL (journal_chainer)');
  process.exit(0);
}
let chemin = process.env.CHAINE_C_CHEMIN;
if (!chemin) {
  const construite = await construireChaineC(pgBin);
  if ('raison' in construite) {
    console.log(`bibliothèque non construite : ${construite.raison}`);
  } else {
    // PostgreSQL runs the library's code as its own system user: in production it belongs in the server's own
    // library folder (root's), not in a project folder that the service's user may write to.
    chemin = await copierDansLeServeur(construite.chemin);
    console.log(`bibliothèque : ${chemin}`);
  }
}
const resultat = await installerChaineC(adminUrl, pgBin, { chemin });
console.log(resultat);
process.exit(resultat.startsWith('chaîne du journal calculée en C') ? 0 : 1);

/** The library copied into `pg_config --pkglibdir` when this user may write there; else where it was built, with a warning. */
async function copierDansLeServeur(construite: string): Promise<string> {
  const dossier = (await promisify(execFile)(join(pgBin, 'pg_config'), ['--pkglibdir'])).stdout.trim();
  const cible = join(dossier, `aidants_connect_${basename(construite)}`);
  try {
    copyFileSync(construite, cible);
    chmodSync(cible, 0o644);
    return cible;
  } catch (err) {
    console.warn(`ATTENTION : copie dans ${dossier} impossible (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) : `
      + `la bibliothèque reste dans ${construite} ; quiconque peut écrire dans ce dossier ferait exécuter son code par PostgreSQL. `
      + `Lancez cette commande en root, ou copiez le fichier dans ${dossier} et donnez son chemin par CHAINE_C_CHEMIN.`);
    return construite;
  }
}
