// `npm run installer-chaine-c`: for an administrator, the journal's chain trigger in C (db/chaine-c.ts, README
// « En production ») in the database of ADMIN_DATABASE_URL (a superuser). Built here with the pg_config of
// PG_BIN (or Debian's newest PostgreSQL); CHAINE_C_CHEMIN names the library as the server sees it when the
// server runs elsewhere (the file built under .build/ copied there first); `-- --plpgsql` points the trigger
// back at PL/pgSQL. Exit 0 when the trigger is in C (or back in PL/pgSQL when asked), 1 when it stays in
// PL/pgSQL (the reason printed), 2 on a usage error.
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
const chemin = process.env.CHAINE_C_CHEMIN;
if (!chemin) {
  const construite = await construireChaineC(pgBin);
  console.log('chemin' in construite ? `bibliothèque : ${construite.chemin}` : `bibliothèque non construite : ${construite.raison}`);
}
const resultat = await installerChaineC(adminUrl, pgBin, { chemin });
console.log(resultat);
process.exit(resultat.startsWith('chaîne du journal calculée en C') ? 0 : 1);
