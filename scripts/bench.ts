// `npm run bench`: what the long-lived workflows cost, measured on a throw-away PostgreSQL and Temporal dev
// servers started here (nothing is written into the repository). A report, not a test: timings depend on the
// machine. Each part but the first lives in scripts/bench/.
// 1. Inactivity watch, 1,000 aidants (BENCH_AIDANTS; 0 skips it): the time to start their 1,000 watches, then
//    1,000 logins and the Temporal history events they add (target 0: a login writes only PostgreSQL).
// 2. Mandats (scripts/bench/mandats.ts; BENCH_MANDATS, default "1000,10000", "100000" the long run of about
//    45 minutes, "0" skips the levels): a dev server on a SQLite file and the worker in a process of its own;
//    at each level, that many mandat workflows asleep on their timer: the time to start them, the worker's
//    resident memory sampled every 10 s with its V8 heaps beside it (goal: under 400 Mio of growth), the
//    SQLite file's bytes per mandat table by table; then a sample (BENCH_MANDATS_PURGE, default 1,000; 0 skips
//    it) run to the purge on the time-skipping test server, each verified purged once.
// 3. Mandat creation end to end (BENCH_CREATIONS, default 1,500; 0 skips it): the HTTP submit of the recap
//    (TOTP, one transaction, journal, workflow started on a dev server) — creations per second, p50/p95, the
//    CPU per creation of each process (web, PostgreSQL, Temporal, worker) and the SQL statements per creation,
//    beside the floor of PostgreSQL + Temporal for the same writes (scripts/bench/creation-mandats.ts).
// 4. Printed proof (BENCH_PREUVES, default 300 PDFs; 0 skips it): PDFs per second and the public
//    verification page's p50/p95.
// 5. FranceConnect identity provider (BENCH_FLUX, default 800; 0 skips it): full flows (authorize → usager
//    and démarche chosen → token → userinfo) beside a bare oidc-provider (scripts/bench-fournisseur-identite.ts).
// 6. Journal's hash chain (BENCH_JOURNAL_INSERTIONS, default 8,000 per mode; BENCH_JOURNAL_LIGNES, default
//    1,000,000): inserts per second with and without the chain (goal: the chain costs less than 20 %), and the
//    time to verify the whole chain (goal: under 60 s).
// BENCH=<part>[,<part>] runs only those parts: veilles, mandats, creations, preuves, fournisseur-identite, journal.
// Each part counts only what it verified afterwards; any failure prints ✘ and the exit status is 1.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalPostgres } from '../db/cluster.ts';
import { createDb, type Db } from '../db/connection.ts';
import { migrateLatest } from '../db/migrations/run.ts';
import { generateSecretsKey } from '../db/secrets.ts';
import { enregistrerConnexion } from '../db/queries/authentification.ts';
import { demarrerVeilleInactivite, idVeilleInactivite } from '../db/temporal/processes/inactivite.ts';
import { devServerEnv, testWorker, uniqueTaskQueue } from './fixtures/temporal.ts';
import { benchMandats } from './bench/mandats.ts';
import { benchCreationMandats } from './bench/creation-mandats.ts';
import { enfantNomme } from './bench/cpu-processus.ts';
import { benchPreuve } from './bench/preuve.ts';
import { benchFournisseurIdentite } from './bench-fournisseur-identite.ts';
import { benchJournal } from './bench/journal.ts';
import { parLots } from './bench/par-lots.ts';

const N = Number(process.env.BENCH_AIDANTS ?? 1000);
const EN_PARALLELE = 50;
const say = (msg: string) => console.log(`[bench] ${msg}`);
const secondes = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const nombre = (n: number) => n.toLocaleString('fr-FR');

/** Part 1: the inactivity watches (in-process worker, in-memory dev server). True when the targets are met. */
async function benchVeilles(db: Db): Promise<boolean> {
  say(`veilles d'inactivité : serveur Temporal de dev en mémoire, worker`);
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
    return ajoutes === 0 && enCours === N;
  } finally {
    worker.shutdown();
    await workerRun;
    await env.teardown();
  }
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

/** The web process's pool in the creation bench, one connection per request in flight (DATABASE_POOL_MAX overrides it): README « Vitesse de la création ». */
const POOL_CREATIONS = 16;
/** The project's own target for the ratio of the floor's rate to ours, printed as held or not (README « Vitesse de la création »). */
const RATIO_PLANCHER_CIBLE = 1.5;

/** Part 3: recap submits by distinct aidants at once, beside the floor of PostgreSQL + Temporal for the same writes. */
async function benchCreations(db: Db, pgUrl: string): Promise<boolean> {
  const n = Number(process.env.BENCH_CREATIONS ?? 1500);
  if (!(n > 0)) return true;
  say(`création de ${nombre(n)} mandats par le récapitulatif (HTTP, site et worker dans des processus à part), serveur Temporal de dev`);
  const env = await devServerEnv();
  try {
    const temporal = enfantNomme(process.pid, /^temporal/);
    if (!temporal) throw new Error('processus du serveur Temporal de dev introuvable');
    const postgres = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const enParallele = Number(process.env.BENCH_CREATIONS_PARALLELE ?? 16);
    const poolMax = Number(process.env.DATABASE_POOL_MAX ?? POOL_CREATIONS);
    const r = await benchCreationMandats({ db, client: env.client, pgUrl, temporalAddress: env.address, pids: { postgres, temporal }, n, enParallele, poolMax });
    const attendus = r.app.verifiees === r.mandats && r.mandats === r.workflows && r.workflows === r.attestations;
    const okPlancher = r.plancher.parSeconde > 0;
    const ok = r.echecs === 0 && r.app.parSeconde > 0 && attendus && okPlancher;
    const marque = (b: boolean) => (b ? '✔' : '✘');
    console.log(`\nCréation d'un mandat de bout en bout — ${nombre(n)} récapitulatifs mesurés (plus l’échauffement) par autant d’aidants, ${enParallele} à la fois ; à côté, le plancher PostgreSQL + Temporal pour les mêmes écritures, en alternance`);
    console.log(`  ${'vérifié en base'.padEnd(36)} : ${nombre(r.app.verifiees)} mandats complets (${nombre(r.mandats)} mandats, ${nombre(r.attestations)} create_attestation, ${nombre(r.workflows)} workflows démarrés) ${marque(r.app.parSeconde > 0 && attendus)} ; plancher : ${nombre(r.plancher.verifiees)} ${marque(okPlancher)}`);
    console.log(`  ${'échecs'.padEnd(36)} : ${r.echecs}${r.echecs ? ` (statuts ${JSON.stringify(r.statutsEchecs)})` : ''} ${marque(r.echecs === 0)}`);
    if (!ok) {
      // A rate over failed requests means nothing: none is printed.
      console.log(`  ${'créations par seconde'.padEnd(36)} : non mesuré, des créations ont échoué ✘\n`);
      return false;
    }
    const ratio = r.plancher.parSeconde / r.app.parSeconde;
    const okObjectif = r.app.parSeconde >= 150 && r.app.p95 < 60;
    // Issue 19's goal: 150/s with a p95 under 60 ms, or, where this machine cannot give them (the floor itself
    // misses them), the floor measured beside us in the same run and our ratio to it.
    const horsDePortee = !(r.plancher.parSeconde >= 150 && r.plancher.p95 < 60);
    console.log(`  ${'créations par seconde'.padEnd(36)} : ${r.app.parSeconde.toFixed(0)} (objectif : 150 ou plus) ${marque(r.app.parSeconde >= 150)} ; plancher ${r.plancher.parSeconde.toFixed(0)}`);
    console.log(`  ${'latence p50 / p95'.padEnd(36)} : ${ms(r.app.p50)} / ${ms(r.app.p95)} (objectif p95 : moins de 60 ms) ${marque(r.app.p95 < 60)} ; plancher ${ms(r.plancher.p50)} / ${ms(r.plancher.p95)}`);
    console.log(`  ${'rapport au plancher'.padEnd(36)} : ${ratio.toFixed(2)} × (cible du projet : au plus ${RATIO_PLANCHER_CIBLE} ×, ${ratio <= RATIO_PLANCHER_CIBLE ? 'tenue' : 'non tenue'})`);
    console.log(`  ${'objectif'.padEnd(36)} : ${okObjectif ? '150 par seconde avec un p95 sous 60 ms ✔'
      : horsDePortee ? `hors de portée de cette machine (le plancher lui-même : ${r.plancher.parSeconde.toFixed(0)}/s, p95 ${ms(r.plancher.p95)}) : le plancher mesuré à côté et notre rapport en tiennent lieu ✔`
        : `✘ le plancher tient 150/s avec un p95 sous 60 ms, pas nous`}`);
    const cpu = (c: Record<string, number>) => ['web', 'postgres', 'temporal', 'worker', 'banc'].map((p) => `${p} ${c[p].toFixed(2)}`).join(', ');
    console.log(`  ${'CPU par création (ms)'.padEnd(36)} : ${cpu(r.app.cpuParCreation)}`);
    console.log(`  ${'CPU par création du plancher (ms)'.padEnd(36)} : ${cpu(r.plancher.cpuParCreation)}`);
    console.log(`  ${'SQL du site par création'.padEnd(36)} : ${r.requetesSql.toFixed(1)} instructions (BEGIN et COMMIT compris), ${r.transactionsSql.toFixed(1)} transactions ; plancher : 2 instructions ; pool ${r.poolMax} connexions\n`);
    return okObjectif || horsDePortee;
  } finally {
    await env.teardown();
  }
}

/** Part 4: the printed proof. */
async function benchPreuves(db: Db): Promise<boolean> {
  const pdfs = Number(process.env.BENCH_PREUVES ?? 300);
  if (!(pdfs > 0)) return true;
  say(`preuve : ${nombre(pdfs)} PDF et ${nombre(2000)} vérifications`);
  const r = await benchPreuve({ db, mandats: 1000, pdfs, verifications: 2000, enParallele: 16 });
  console.log(`\nPreuve du mandat — ${nombre(r.mandats)} mandats en base`);
  console.log(`  ${'PDF par seconde (un cœur)'.padEnd(36)} : ${r.pdf.parSeconde.toFixed(1)} (p50 ${ms(r.pdf.p50)}, p95 ${ms(r.pdf.p95)}, ${Math.round(r.pdf.octetsMoyens / 1024)} Kio en moyenne)`);
  console.log(`  ${'page de vérification p50 / p95'.padEnd(36)} : ${ms(r.verification.p50)} / ${ms(r.verification.p95)} (${r.verification.parSeconde.toFixed(0)} par seconde, ${r.verification.echecs} échec(s))\n`);
  return r.verification.echecs === 0;
}

/** Part 6: the journal's hash chain. */
async function benchChaineJournal(db: Db, ownerUrl: string): Promise<boolean> {
  const insertions = Number(process.env.BENCH_JOURNAL_INSERTIONS ?? 8000);
  const lignes = Number(process.env.BENCH_JOURNAL_LIGNES ?? 1_000_000);
  if (!(insertions > 0)) return true;
  const ecrivains = Number(process.env.BENCH_JOURNAL_ECRIVAINS ?? 8);
  say(`chaîne du journal : ${nombre(insertions)} insertions par mode (${ecrivains} écrivains), puis vérification de ${nombre(lignes)} lignes`);
  const owner = createDb(ownerUrl, { min: 0, max: 1 });
  try {
    const r = await benchJournal({ db, owner, insertions, ecrivains, lignes });
    const { cout, coutSeul } = r.insertion;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const okCout = cout < 0.2;
    const okVerif = r.verification.ok && r.verification.dureeMs < 60_000;
    console.log(`\nChaîne du journal — une ligne par transaction, PostgreSQL local (médianes de 10 tours alternés), déclencheur ${r.declencheur === 'c' ? 'en C' : 'en PL/pgSQL'}`);
    console.log(`  ${`insertions/s, ${r.insertion.ecrivains} écrivains`.padEnd(36)} : ${r.insertion.sansChaine.toFixed(0)} sans la chaîne, ${r.insertion.avecChaine.toFixed(0)} avec — coût ${pct(cout)} (objectif : moins de 20 %) ${okCout ? '✔' : '✘'}`);
    console.log(`  ${'insertions/s, un écrivain'.padEnd(36)} : ${r.insertion.seulSans.toFixed(0)} sans la chaîne, ${r.insertion.seulAvec.toFixed(0)} avec — coût ${pct(coutSeul)}`);
    if (r.plpgsql) {
      console.log(`  ${'même chaîne en PL/pgSQL (comparaison)'.padEnd(36)} : ${r.plpgsql.avecChaine.toFixed(0)} avec ${r.insertion.ecrivains} écrivains — coût ${pct(r.plpgsql.cout)} ; ${r.plpgsql.seulAvec.toFixed(0)} seul — coût ${pct(r.plpgsql.coutSeul)}`);
    }
    console.log(`  ${`vérification de ${nombre(r.verification.lignes)} lignes`.padEnd(36)} : ${secondes(r.verification.dureeMs)} (objectif : moins de 60 s) ${okVerif ? '✔' : '✘'}`);
    console.log(`  ${'vérifié'.padEnd(36)} : chaîne ${r.verification.ok ? 'intacte' : 'rompue ✘'} sur ${nombre(r.verification.lignesVerifiees)} lignes ; lignes comptées ${r.comptesJustes ? 'justes' : 'fausses ✘'}\n`);
    return okCout && okVerif && r.comptesJustes;
  } finally {
    await owner.destroy();
  }
}

/** BENCH=<part>[,<part>…] runs those parts only (veilles, mandats, creations, preuves, fournisseur-identite, journal). */
const PARTIES = ['veilles', 'mandats', 'creations', 'preuves', 'fournisseur-identite', 'journal'];
const choisies = (process.env.BENCH ?? '').split(',').map((p) => p.trim()).filter(Boolean);
const inconnues = choisies.filter((p) => !PARTIES.includes(p));
if (inconnues.length) {
  console.error(`BENCH : partie inconnue « ${inconnues.join(', ')} » ; parties : ${PARTIES.join(', ')}`);
  process.exit(2);
}
const partie = (nom: string) => !choisies.length || choisies.includes(nom);

const dataDir = mkdtempSync(join(tmpdir(), 'ac-bench-pg-'));
process.env.PG_FSYNC = 'off'; // throw-away data
say(`PostgreSQL jetable dans ${dataDir}`);
const pg = await startLocalPostgres({ dataDir, database: 'bench' });
say(pg.chaineJournal);
process.env.SECRETS_KEYS ??= generateSecretsKey('bench');
{
  // Migrations as the owner; the bench, like the web and the worker, as the application role.
  const owner = createDb(pg.ownerUrl, { min: 0, max: 1 });
  await migrateLatest(owner);
  await owner.destroy();
}
const db = createDb(pg.appUrl, { min: 0, max: 20 });
try {
  const veilles = partie('veilles') && N > 0 ? await benchVeilles(db) : true;
  const mandats = partie('mandats') ? await benchMandats(db, pg.appUrl) : true;
  const creations = partie('creations') ? await benchCreations(db, pg.appUrl) : true;
  const preuves = partie('preuves') ? await benchPreuves(db) : true;
  let fournisseur = true;
  const flux = Number(process.env.BENCH_FLUX ?? 800);
  if (partie('fournisseur-identite') && flux > 0) {
    const fi = await benchFournisseurIdentite(db, { flux, parallele: Number(process.env.BENCH_PARALLELE ?? 4) });
    console.log('\nFournisseur d’identité FranceConnect — flux complets (authorize → usager et démarche choisis → token → userinfo), aidant déjà connecté');
    for (const [label, valeur] of fi.lignes) console.log(`  ${label.padEnd(44)} : ${valeur}`);
    console.log('');
    fournisseur = fi.ok;
  }
  const journal = partie('journal') ? await benchChaineJournal(db, pg.ownerUrl) : true;
  const resultats: [string, boolean][] = [['veilles', veilles], ['mandats', mandats], ['creations', creations], ['preuves', preuves], ['fournisseur-identite', fournisseur], ['journal', journal]];
  const echouees = resultats.filter(([nom, ok]) => partie(nom) && !ok).map(([nom]) => nom);
  console.log(echouees.length
    ? `✘ banc en échec (${echouees.join(', ')}) : une opération a échoué ou n’a pas été vérifiée en base, ou un objectif marqué ✘ plus haut est manqué`
    : '✔ aucune opération en échec : tout ce qui est compté a été vérifié (les objectifs de durée sont marqués ✔ ou ✘ à part)');
  process.exitCode = echouees.length ? 1 : 0;
} finally {
  await db.destroy();
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
