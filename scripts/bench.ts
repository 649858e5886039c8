// `npm run bench`: what the inactivity watch costs, measured on a throw-away PostgreSQL and a Temporal dev
// server started here (nothing is written into the repository). 1,000 aidants: the time to start their
// 1,000 watches, then 1,000 logins and the Temporal history events they add (target 0: a login writes only
// PostgreSQL). A report, not a test: timings depend on the machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPostgres } from '../db/cluster.ts';
import { createDb, migrateLatest } from '../db/connection.ts';
import { generateSecretsKey } from '../db/secrets.ts';
import { enregistrerConnexion } from '../db/queries/connexion.ts';
import { demarrerVeilleInactivite, idVeilleInactivite } from '../api/processes/inactivite.ts';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../tests/helpers/temporal.ts';

const N = Number(process.env.BENCH_AIDANTS ?? 1000);
const EN_PARALLELE = 50;
const say = (msg: string) => console.log(`[bench] ${msg}`);
const secondes = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const nombre = (n: number) => n.toLocaleString('fr-FR');

/** Runs `fn` over `items`, at most `n` at a time; results in order. */
async function parLots<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

const dataDir = mkdtempSync(join(tmpdir(), 'ac-bench-pg-'));
process.env.PG_FSYNC = 'off'; // throw-away data
say(`PostgreSQL jetable dans ${dataDir}, serveur Temporal de dev, worker`);
const pg = await startLocalPostgres({ dataDir, database: 'bench' });
process.env.SECRETS_KEYS ??= generateSecretsKey('bench');
{
  const owner = createDb(pg.ownerUrl, { min: 0, max: 1 });
  await migrateLatest(owner);
  await owner.destroy();
}
const db = createDb(pg.appUrl, { min: 0, max: 20 });
const env = await devServerEnv();
const taskQueue = uniqueTaskQueue('bench');
const worker = await testWorker(env, {
  taskQueue,
  deps: { db, mailer: { send: async () => { throw new Error('aucun courriel attendu pendant le banc'); } } },
});
const workerRun = worker.run();

try {
  const [{ id: structureId }] = await db('structures').insert({ name: 'Structure du banc', type: 'autre' }).returning('id');
  const ids: number[] = [];
  for (let i = 0; i < N; i += 500) {
    const rows = Array.from({ length: Math.min(500, N - i) }, (_, k) => ({
      email: `aidant-${i + k}@banc.example.test`, first_name: 'Aidant', last_name: `n° ${i + k}`, current_structure_id: structureId,
    }));
    ids.push(...(await db('aidants').insert(rows).returning('id')).map((r: { id: number }) => r.id));
  }

  const client = env.client;
  const debut = performance.now();
  await parLots(ids, EN_PARALLELE, (id) => demarrerVeilleInactivite(client, id, { taskQueue }));
  const demarrage = performance.now() - debut;

  // Each watch then runs its first workflow task and sleeps on a 5-month timer: wait until the histories stop growing.
  const longueurs = () => parLots(ids, EN_PARALLELE, async (id) => (await client.workflow.getHandle(idVeilleInactivite(id)).describe()).historyLength);
  const somme = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  let avant = await longueurs();
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const encore = await longueurs();
    const stable = somme(encore) === somme(avant) && encore.every((n) => n >= 5);
    avant = encore;
    if (stable) break;
  }
  const endormies = performance.now() - debut;

  const debutConnexions = performance.now();
  await parLots(ids, 20, (id) => enregistrerConnexion(db, id));
  const connexions = performance.now() - debutConnexions;
  await new Promise((r) => setTimeout(r, 2000)); // anything a login triggered would show by now
  const apres = await longueurs();
  const ajoutes = somme(apres) - somme(avant);
  const enCours = (await parLots(ids, EN_PARALLELE, async (id) => (await client.workflow.getHandle(idVeilleInactivite(id)).describe()).status.name)).filter((s) => s === 'RUNNING').length;

  const lignes: [string, string][] = [
    [`démarrage de ${nombre(N)} veilles`, `${secondes(demarrage)} (${(demarrage / N).toFixed(2)} ms par veille, ${Math.round((N * 1000) / demarrage)} par seconde)`],
    ['toutes endormies (timer de 5 mois)', `au plus ${secondes(endormies)} après le premier démarrage ; ${nombre(enCours)} en cours`],
    ["événements d'une veille endormie", `${Math.min(...avant)} à ${Math.max(...avant)}`],
    [`${nombre(N)} connexions (PostgreSQL)`, secondes(connexions)],
    ['événements Temporal des connexions', `${nombre(ajoutes)} (objectif : 0) ${ajoutes === 0 ? '✔' : '✘'}`],
  ];
  console.log(`\nVeille d'inactivité — ${nombre(N)} aidants (serveur Temporal de dev, PostgreSQL local, ${EN_PARALLELE} démarrages en parallèle)`);
  for (const [label, valeur] of lignes) console.log(`  ${label.padEnd(36)} : ${valeur}`);
  console.log('');
  process.exitCode = ajoutes === 0 && enCours === N ? 0 : 1;
} finally {
  worker.shutdown();
  await workerRun;
  await env.teardown();
  await db.destroy();
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
