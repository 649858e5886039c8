// Part « mandats » of `npm run bench` (scripts/bench.ts): what sleeping mandats cost (README « Vie des mandats »).
// 1. Levels (BENCH_MANDATS, default "1000,10000"; "100000" is the long run, more than an hour on 2 cores): a
//    dev server on a SQLite file and the production worker in a process of its own (scripts/bench/mandats-worker.ts,
//    with the prebuilt workflow bundle and MALLOC_ARENA_MAX like `npm start`); at each level, that many mandat
//    workflows asleep on their expiry timer. The worker's resident memory is sampled every 10 s (goal: under
//    400 Mio of growth, whatever the level), with the V8 heaps of its main and workflow threads beside it; the
//    time to start the mandats; the SQLite file's bytes per mandat, table by table (`dbstat`).
// 2. Purge sample (BENCH_MANDATS_PURGE, default 1,000; 0 skips it): that many 365-day mandats on the
//    time-skipping test server, run to the end of their retention (7 years in seconds): each must end with
//    `purge`, its rows gone and exactly one `expire_mandat` and one `purge_mandat` in the journal.
// Counts only what it verified; returns false (✘) on any failure or missed goal.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Db } from '../../db/connection.ts';
import { dateExpirationMandat, DUREE_CONSERVATION_MANDAT_MS } from '../../db/domain/mandat.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { demarrerVieMandat, idVieMandat } from '../../db/temporal/processes/mandat.ts';
import { TASK_QUEUE } from '../../workflows/task-queue.ts';
import type { conservationMandat } from '../../workflows/conservation-mandat.ts';
import { MALLOC_ARENA_MAX_WORKER } from '../../workers/allocateur.ts';
import { workflowsPath } from '../../workers/worker.ts';
import { devServerEnv, testWorker, timeSkippingEnv, uniqueTaskQueue } from '../fixtures/temporal.ts';
import { parLots } from './par-lots.ts';

const EN_PARALLELE = 50;
/** The issue's goal for the worker's growth, whatever the number of sleeping mandats. */
const CROISSANCE_MAX = 400 * 1024 * 1024;
const ECHANTILLON_MS = 10_000;
/** A 365-day mandat's whole life, retention included, and a margin of 30 days. */
const DUREE_VIE_MS = 365 * JOUR_MS + DUREE_CONSERVATION_MANDAT_MS + 30 * JOUR_MS;
const say = (msg: string) => console.log(`[bench] ${msg}`);
const secondes = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const nombre = (n: number) => n.toLocaleString('fr-FR');
const mio = (octets: number) => `${(octets / 1024 / 1024).toFixed(0)} Mio`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const marque = (b: boolean) => (b ? '✔' : '✘');

/** A structure and its aidant for the bench's mandats. */
async function structureDuBanc(db: Db, nom: string): Promise<{ structureId: number; aidantId: number }> {
  const [{ id: structureId }] = await db('structures').insert({ name: `Structure du banc — ${nom}`, type: 'autre' }).returning('id');
  const [{ id: aidantId }] = await db('aidants').insert({ email: `aidant-${nom}@banc.example.test`, first_name: 'Aidant', last_name: nom, current_structure_id: structureId }).returning('id');
  return { structureId, aidantId };
}

/** 365-day mandats created at `maintenant` (one usager each, one autorisation), in batches; their ids. */
async function insererMandats(db: Db, p: { structureId: number; aidantId: number; n: number; prefixe: string; maintenant: Date }): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < p.n; i += 500) {
    const k = Math.min(500, p.n - i);
    const usagers = await db('usagers')
      .insert(Array.from({ length: k }, (_, j) => ({
        sub: `${p.prefixe}-${String(i + j).padStart(50, '0')}`, given_name: 'Usager', family_name: `n° ${i + j}`, birthdate: '1950-01-01', gender: 'female', birthcountry: '99100',
      })))
      .returning('id');
    const mandats = await db('mandats')
      .insert(usagers.map((u: { id: number }) => ({
        structure_id: p.structureId, usager_id: u.id, aidant_id: p.aidantId, created_at: p.maintenant, expires_at: dateExpirationMandat(p.maintenant, 'LONG'), duree_keyword: 'LONG',
      })))
      .returning('id');
    await db('autorisations').insert(mandats.map((m: { id: number }) => ({ mandat_id: m.id, demarche: 'social' })));
    ids.push(...mandats.map((m: { id: number }) => m.id));
  }
  return ids;
}

interface Memoire {
  rss: number;
  anonyme: number;
  fichiers: number;
  principal: { utilise: number; reserve: number; externe: number; tampons: number; contextes: number; malloc: number };
  fils: { utilise: number; reserve: number; contextes: number; detaches: number; malloc: number; externe: number }[];
  enCache: number;
}

/** What the workflow threads retain (after their collection) per cached workflow, beyond their start. */
function parWorkflow(m: Memoire, depart: Memoire): string {
  // Without the collection, the used heap holds garbage too: no figure per workflow.
  if (process.env.BENCH_WORKER_PROFIL !== '1') return '';
  const utilise = (x: Memoire) => x.fils.reduce((a, f) => a + f.utilise, 0);
  return m.enCache > 0 ? `, ${nombre(Math.round((utilise(m) - utilise(depart)) / m.enCache / 1024))} Kio par workflow en cache` : '';
}

/** One line of the worker's memory: resident, then what the V8 heaps hold, then the rest (native). */
function ligneMemoire(m: Memoire, depart: Memoire): string {
  const tasFils = m.fils.reduce((a, f) => a + f.reserve, 0);
  const utiliseFils = m.fils.reduce((a, f) => a + f.utilise, 0);
  const natif = m.rss - m.principal.reserve - tasFils;
  return `${mio(m.rss)} résidents (${m.rss >= depart.rss ? '+' : ''}${mio(m.rss - depart.rss)}) = tas V8 principal ${mio(m.principal.reserve)} (${mio(m.principal.utilise)} utilisés)`
    + ` + tas V8 des workflows ${mio(tasFils)} (${mio(utiliseFils)} utilisés${parWorkflow(m, depart)}, ${m.fils.map((f) => f.contextes).join('+')} contextes)`
    + ` + natif ${mio(natif)} (Rust, malloc dont ${mio(m.principal.malloc + m.fils.reduce((a, f) => a + f.malloc, 0))} par V8, code ${mio(m.fichiers)}) ; ${nombre(m.enCache)} workflows en cache`;
}

/**
 * Bytes of the SQLite file per table, indexes counted with their table (`dbstat`). Our search attributes
 * (the only custom ones set) are the `search_attributes` JSON of each visibility row and the non-null values of
 * the Keyword/Int columns its indexes hold.
 */
function repartitionSqlite(sqlite: DatabaseSync): { tables: { table: string; octets: number }[]; nosAttributs: number } {
  const lignes = sqlite.prepare(`
    select coalesce(s.tbl_name, d.name) as nom, sum(d.pgsize) as octets
    from dbstat d left join sqlite_schema s on s.name = d.name
    group by 1 order by 2 desc`).all() as { nom: string; octets: number }[];
  const colonnes = (sqlite.prepare(`select name from pragma_table_xinfo('executions_visibility') where name glob 'Keyword0*' or name glob 'Keyword1*' or name glob 'Int0*'`).all() as { name: string }[]).map((c) => c.name);
  const somme = colonnes.map((c) => `coalesce(sum(length("${c}")), 0)`).join(' + ');
  // A value in a row and in its index: counted twice.
  const { n } = sqlite.prepare(`select coalesce(sum(length(search_attributes)), 0) + 2 * (${somme || '0'}) as n from executions_visibility`).get() as { n: number };
  return { tables: lignes.map((l) => ({ table: l.nom, octets: l.octets })), nosAttributs: n };
}

/** Tables of the visibility store (the list and search index of workflows). */
const estVisibilite = (table: string) => table.startsWith('executions_visibility') || table === 'visibility_tasks';

/** Part 1: the sleeping levels. True when every mandat went to sleep and the worker's growth met the goal. */
async function niveauxEndormis(db: Db, pgUrl: string, niveaux: number[]): Promise<boolean> {
  const dossier = mkdtempSync(join(tmpdir(), 'ac-bench-temporal-'));
  const fichier = join(dossier, 'temporal.sqlite');
  const bundle = join(dossier, 'workflow-bundle.js');
  // What production loads (npm run build): the worker does not bundle at start, which would inflate its memory.
  writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('ERROR') })).code);
  say(`mandats endormis : serveur Temporal de dev sur ${fichier}, worker dans un processus à part`);
  // WAL lets the bench read the file while the server writes; no fsync on throw-away data. Neither changes what
  // a workflow stores, only how fast.
  const env = await devServerEnv({
    dbFilename: fichier,
    extraArgs: ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=off', '--sqlite-pragma', 'busy_timeout=10000'],
  });
  const arenes = process.env.MALLOC_ARENA_MAX ?? MALLOC_ARENA_MAX_WORKER;
  const enfant = spawn(process.execPath, ['--expose-gc', new URL('./mandats-worker.ts', import.meta.url).pathname], {
    // The production task queue (its name is in every visibility row and index entry), on a throw-away server.
    env: { ...process.env, DATABASE_URL: pgUrl, TEMPORAL_ADDRESS: env.address, TASK_QUEUE, WORKFLOW_BUNDLE: bundle, MALLOC_ARENA_MAX: arenes, NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS ?? '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lignesEnfant = createInterface({ input: enfant.stdout! });
  const memoire = () => new Promise<Memoire>((resolve) => {
    const lire = (l: string) => {
      if (!l.startsWith('MEM ')) return;
      lignesEnfant.off('line', lire);
      resolve(JSON.parse(l.slice(4)) as Memoire);
    };
    lignesEnfant.on('line', lire);
    enfant.stdin!.write('mem\n');
  });
  /** Resident memory read from outside (no collection, no call into the worker): the 10-second samples. */
  const rssDehors = () => {
    try {
      return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${enfant.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  };
  const sqlite = new DatabaseSync(fichier, { readOnly: true, timeout: 5_000 });
  const echantillons: { s: number; rss: number; endormis: number }[] = [];
  let echantillonneur: NodeJS.Timeout | undefined;
  try {
    const config = await new Promise<Record<string, unknown>>((resolve, reject) => {
      lignesEnfant.on('line', (l) => {
        if (l.startsWith('READY ')) resolve(JSON.parse(l.slice(6)));
      });
      enfant.once('exit', (code) => reject(new Error(`le worker du banc s'est arrêté (code ${code})`)));
    });
    const { structureId, aidantId } = await structureDuBanc(db, 'endormis');
    const timers = () => (sqlite.prepare('select count(*) as n from timer_info_maps').get() as { n: number }).n;
    /** Bytes of the database as the server sees it (the main file plus what the WAL holds). */
    const taille = () => (sqlite.prepare('select (page_count - freelist_count) * page_size as n from pragma_page_count(), pragma_freelist_count(), pragma_page_size()').get() as { n: number }).n;
    await pause(2_000);
    // The growth is counted from the resident memory before the first probe (which may itself leave some).
    const rssInitial = rssDehors();
    const depart = await memoire();
    const tailleAvant = taille();
    const t0 = performance.now();
    echantillonneur = setInterval(() => echantillons.push({ s: Math.round((performance.now() - t0) / 1000), rss: rssDehors(), endormis: timers() }), ECHANTILLON_MS);
    const lignes: string[] = [];
    let dormants = 0;
    let tousEndormis = true;
    let maxRss = depart.rss;
    for (const niveau of niveaux) {
      const ids = await insererMandats(db, { structureId, aidantId, n: niveau - dormants, prefixe: `banc-${niveau}`, maintenant: new Date() });
      const debut = performance.now();
      const expiresAt = dateExpirationMandat(new Date(), 'LONG');
      await parLots(ids, EN_PARALLELE, (mandatId) => demarrerVieMandat(db, env.client, { mandatId, expiresAt, duree: 'LONG', structureId }, { taskQueue: TASK_QUEUE }));
      const demarrage = performance.now() - debut;
      // Asleep once its timer is set: the server's own count of pending timers, without a call per workflow.
      // Generous: on a loaded machine (2 cores shared, load 19) 10,000 took more than 10 minutes to fall asleep.
      const limite = Math.max(15 * 60_000, niveau * 150);
      while (timers() < niveau && performance.now() - debut < limite) await pause(500);
      const endormis = timers();
      const apresMs = performance.now() - debut;
      tousEndormis &&= endormis >= niveau;
      dormants = niveau;
      await pause(5_000);
      const m = await memoire();
      maxRss = Math.max(maxRss, m.rss);
      const octets = taille() - tailleAvant;
      lignes.push(
        `  ${nombre(niveau).padStart(7)} mandats : ${nombre(ids.length)} démarrés en ${secondes(demarrage)} (${Math.round((ids.length * 1000) / demarrage)} par seconde), ${nombre(endormis)} endormis après ${secondes(apresMs)} ${marque(endormis >= niveau)}`,
        `            worker : ${ligneMemoire(m, depart)}`,
        `            base Temporal : ${mio(taille())} (+${mio(octets)}, ${nombre(Math.round(octets / niveau))} octets par mandat endormi)`,
      );
    }
    // Nothing more to do: what the worker keeps once quiet (retained, or only reserved during the bursts).
    await pause(30_000);
    const repos = await memoire();
    clearInterval(echantillonneur);
    maxRss = Math.max(maxRss, repos.rss, ...echantillons.map((e) => e.rss));
    const croissance = maxRss - rssInitial;
    const okMemoire = croissance < CROISSANCE_MAX;

    const options = process.env.BENCH_WORKER_NODE_OPTIONS ? `, NODE_OPTIONS=${process.env.BENCH_WORKER_NODE_OPTIONS}` : '';
    const profil = process.env.BENCH_WORKER_PROFIL === '1' ? ', tas des fils collectés avant lecture' : '';
    console.log(`\nMandats endormis — serveur Temporal de dev (SQLite), worker à part (${JSON.stringify(config)}, MALLOC_ARENA_MAX=${arenes}${options}${profil}), ${EN_PARALLELE} démarrages en parallèle`);
    console.log(`  au départ : worker ${ligneMemoire(depart, depart)} ; base Temporal ${mio(tailleAvant)}`);
    for (const l of lignes) console.log(l);
    console.log(`  au repos, 30 s après : worker ${ligneMemoire(repos, depart)}`);
    const pas = Math.max(1, Math.ceil(echantillons.length / 60));
    const serie = echantillons.filter((_, i) => i % pas === 0 || i === echantillons.length - 1);
    console.log(`  mémoire résidente toutes les ${ECHANTILLON_MS / 1000} s${pas > 1 ? ` (un échantillon sur ${pas})` : ''} — secondes : Mio (mandats endormis) :`);
    for (let i = 0; i < serie.length; i += 6) console.log(`    ${serie.slice(i, i + 6).map((e) => `${e.s} : ${Math.round(e.rss / 1048576)} (${nombre(e.endormis)})`).join(' · ')}`);
    console.log(`  croissance du worker, au plus : +${mio(croissance)} depuis ${mio(rssInitial)} (objectif : moins de ${mio(CROISSANCE_MAX)} quel que soit le nombre de mandats) ${marque(okMemoire)}`);

    const { tables, nosAttributs } = repartitionSqlite(sqlite);
    const total = tables.reduce((a, t) => a + t.octets, 0);
    const visibilite = tables.filter((t) => estVisibilite(t.table)).reduce((a, t) => a + t.octets, 0);
    const parMandat = (o: number) => nombre(Math.round(o / dormants));
    console.log(`  base Temporal à ${nombre(dormants)} mandats (dbstat, index compris) : ${parMandat(total)} octets par mandat, dont visibilité ${parMandat(visibilite)} (${((visibilite / total) * 100).toFixed(0)} %), nos attributs de recherche ${parMandat(nosAttributs)} (${((nosAttributs / total) * 100).toFixed(1)} %)`);
    const grandes = tables.filter((t) => t.octets / total >= 0.01);
    const autres = total - grandes.reduce((a, t) => a + t.octets, 0);
    console.log(`    ${grandes.map((t) => `${t.table} ${parMandat(t.octets)}`).join(' · ')} · autres ${parMandat(autres)}`);
    console.log('');
    return tousEndormis && okMemoire;
  } finally {
    clearInterval(echantillonneur);
    sqlite.close();
    enfant.kill('SIGKILL');
    await env.teardown();
    rmSync(dossier, { recursive: true, force: true });
  }
}

/** Part 2: the purge sample on the time-skipping test server. True when each mandat was purged exactly once. */
async function echantillonPurge(db: Db, n: number): Promise<boolean> {
  say(`purge : ${nombre(n)} mandats de 365 jours menés jusqu'à la purge sur le serveur de test à saut de temps`);
  const env = await timeSkippingEnv();
  const taskQueue = uniqueTaskQueue('bench-purge');
  let courriels = 0;
  const worker = await testWorker(env, { taskQueue, deps: { db, mailer: { send: async () => ({ messageId: `banc-${++courriels}` }) } } });
  try {
    const { structureId, aidantId } = await structureDuBanc(db, 'purge');
    await db('aidant_structures').insert({ aidant_id: aidantId, structure_id: structureId }).onConflict().ignore();
    // Stamped with the test server's clock, which skipped time moves away from this machine's.
    const maintenant = new Date(await env.currentTimeMs());
    const ids = await insererMandats(db, { structureId, aidantId, n, prefixe: 'purge', maintenant });
    const debut = performance.now();
    const fins = await worker.runUntil(async () => {
      await parLots(ids, EN_PARALLELE, (mandatId) => demarrerVieMandat(db, env.client, { mandatId, expiresAt: dateExpirationMandat(maintenant, 'LONG'), duree: 'LONG', structureId }, { taskQueue }));
      // One skip over the whole life (the server still runs every task due on the way): a year, the 6 years of
      // retention and a margin.
      await env.sleep(DUREE_VIE_MS);
      // The life's result follows the continue-as-new into the retention run. One at a time: each wait unlocks
      // then locks the server's clock, and concurrent ones unbalance its count (« Unbalanced lock and unlock
      // calls »).
      return parLots(ids, 1, (id) => env.client.workflow.getHandle<typeof conservationMandat>(idVieMandat(id)).result());
    });
    const duree = performance.now() - debut;
    const purges = fins.filter((f) => f.issue === 'purge').length;
    const restants = Number((await db('mandats').whereIn('id', ids).count({ n: '*' }))[0].n);
    const parAction = async (action: string) => (await db('journal').whereIn('mandat_id', ids).where({ action }).groupBy('mandat_id').select('mandat_id').count({ n: '*' })) as { mandat_id: number; n: string }[];
    const purgesJournal = await parAction('purge_mandat');
    const expirations = await parAction('expire_mandat');
    const unFois = (l: { n: string }[]) => l.length === n && l.every((x) => Number(x.n) === 1);
    const ok = purges === n && restants === 0 && unFois(purgesJournal) && unFois(expirations);
    console.log(`\nPurge d'un échantillon — ${nombre(n)} mandats de 365 jours, serveur de test à saut de temps (un an, puis 6 ans de conservation)`);
    console.log(`  ${'menés jusqu’à la purge'.padEnd(36)} : ${nombre(purges)} sur ${nombre(n)} en ${secondes(duree)} (issue « purge ») ${marque(purges === n)}`);
    console.log(`  ${'vérifié en base'.padEnd(36)} : ${nombre(restants)} mandat restant ; ${nombre(expirations.length)} mandats avec un seul expire_mandat, ${nombre(purgesJournal.length)} avec un seul purge_mandat ${marque(ok)}`);
    console.log(`  ${'rappels d’expiration envoyés'.padEnd(36)} : ${nombre(courriels)}\n`);
    return ok;
  } finally {
    await env.teardown();
  }
}

/** The part: the sleeping levels, then the purge sample. */
export async function benchMandats(db: Db, pgUrl: string): Promise<boolean> {
  const niveaux = (process.env.BENCH_MANDATS ?? '1000,10000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
  const purge = Number(process.env.BENCH_MANDATS_PURGE ?? 1000);
  const endormis = niveaux.length ? await niveauxEndormis(db, pgUrl, niveaux) : true;
  const purges = purge > 0 ? await echantillonPurge(db, purge) : true;
  return endormis && purges;
}
