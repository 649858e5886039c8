// Bench of mandat creation end to end: the HTTP submit of the recap (TOTP checked, one transaction writing the
// usager, mandat, autorisations and journal, the mandat's workflow started on Temporal) by N aidants at once,
// each with a draft already identified by FranceConnect (the usager's FranceConnect round trip is not part of
// the measure). The application runs in a process of its own (scripts/bench/creation-serveur.ts) and the
// worker in another (scripts/bench-worker.ts), so the CPU each process spends per creation is read from
// /proc (scripts/bench/cpu-processus.ts): web, PostgreSQL, Temporal server, worker.
// Beside it, in the same run and alternating with it, the floor: the same rows written by one SQL statement
// and the same workflow started and marked, from this process, with no application — what PostgreSQL and
// Temporal cost for these writes (README « Mandats » → « Vitesse de la création »).
// Counts only the mandats verified afterwards in the database (row, workflow started, create_attestation
// journaled), never the requests sent: a bench that fails every request must not print a rate.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import { generate, generateSecret } from 'otplib';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { dateExpirationMandat, DUREES_MANDAT } from '../../db/domain/mandat.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { nouveauCodeVerification } from '../../db/domain/preuve-mandat.ts';
import { demarrerVieMandat } from '../../db/temporal/processes/mandat.ts';
import type { BrouillonMandat } from '../../api/mandats/brouillon.ts';
import { seal } from '../../db/secrets.ts';
import { TASK_QUEUE } from '../../workflows/task-queue.ts';
import { cpuMs } from './cpu-processus.ts';

const SECRET = 'bench-session-secret-long-enough-0123456789';
const DEMARCHES = ['papiers', 'social'] as const;

/** express-session's signed cookie value (cookie-signature: HMAC-SHA256, base64 without padding). */
function cookieSigne(sid: string): string {
  const mac = createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${sid}.${mac}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The processes whose CPU is read, by what they are. */
export interface PidsCreation { postgres: number; temporal: number }

export type Processus = 'web' | 'postgres' | 'temporal' | 'worker' | 'banc';

export interface MesureCreations {
  /** Creations verified in the database (see verifiees). */
  verifiees: number;
  dureeMs: number;
  parSeconde: number;
  p50: number;
  p95: number;
  /** CPU milliseconds per creation, by process (the web process's is 0 for the floor: there is none). */
  cpuParCreation: Record<Processus, number>;
}

export interface ResultatCreations {
  n: number;
  echecs: number;
  statutsEchecs: Record<number, number>;
  mandats: number;
  workflows: number;
  attestations: number;
  app: MesureCreations;
  plancher: MesureCreations & { mandats: number; workflows: number };
  /** SQL statements and transactions the web process sent per creation (BEGIN and COMMIT are statements). */
  requetesSql: number;
  transactionsSql: number;
  poolMax: number;
}

function lignes(enfant: ChildProcess): Interface {
  return createInterface({ input: enfant.stdout! });
}

function attendreLigne(l: Interface, enfant: ChildProcess, motif: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const lire = (ligne: string) => {
      const m = motif.exec(ligne);
      if (!m) return;
      l.off('line', lire);
      enfant.off('exit', mort);
      resolve(m);
    };
    const mort = (code: number | null, signal: string | null) => reject(new Error(`le processus ${enfant.spawnargs.at(-1)} du banc s'est arrêté (code ${code}, signal ${signal})`));
    l.on('line', lire);
    enfant.once('exit', mort);
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` for each index in [0, n), `enParallele` at a time; the duration of each call, and the total. */
async function charge(n: number, enParallele: number, fn: (i: number) => Promise<void>): Promise<{ durees: number[]; totalMs: number }> {
  const durees: number[] = [];
  let suivant = 0;
  const debut = performance.now();
  await Promise.all(Array.from({ length: enParallele }, async () => {
    while (suivant < n) {
      const i = suivant++;
      const t0 = performance.now();
      await fn(i);
      durees.push(performance.now() - t0);
    }
  }));
  return { durees, totalMs: performance.now() - debut };
}

export async function benchCreationMandats(opts: {
  db: Db; client: Client; pgUrl: string; temporalAddress: string; pids: PidsCreation; n: number; enParallele: number; poolMax: number;
}): Promise<ResultatCreations> {
  const { db, n } = opts;
  const [{ id: structureId }] = await db('structures').insert({ name: 'Structure du banc des mandats', type: 'autre' }).returning('id');
  const [{ id: structurePlancher }] = await db('structures').insert({ name: 'Structure du plancher', type: 'autre' }).returning('id');
  // Each round of the measure warms up first (JIT, pools, connections) with creations that are verified too.
  const echauffement = Math.min(32, n);
  const total = n + 2 * echauffement;
  const maintenant = Date.now();
  const comptes: { cookie: string; csrf: string; secret: string }[] = [];
  const aidantsIds: number[] = [];
  for (let i = 0; i < total; i += 500) {
    const lot = Array.from({ length: Math.min(500, total - i) }, (_, k) => i + k);
    const aidants: { id: number }[] = await db('aidants')
      .insert(lot.map((k) => ({ email: `mandat-${k}@banc.example.test`, first_name: 'Aidant', last_name: `n° ${k}`, current_structure_id: structureId, cgu_version: VERSION_CGU, cgu_accepted_at: new Date() })))
      .returning('id');
    aidantsIds.push(...aidants.map((a) => a.id));
    await db('aidant_structures').insert(aidants.map((a) => ({ aidant_id: a.id, structure_id: structureId })));
    const secrets = aidants.map(() => generateSecret());
    // Sealed like every secret at rest (db/secrets.ts), as enrolment stores them: unsealed, each recap failed.
    await db('totp_devices').insert(aidants.map((a, k) => ({ aidant_id: a.id, kind: 'app', secret: seal('totp_devices.secret', secrets[k]), period: 30, confirmed: true })));
    const sessions = aidants.map((a, k) => {
      const sid = randomBytes(24).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      const brouillonMandat: BrouillonMandat = {
        id: randomUUID(), aidantId: a.id, structureId, demarches: [...DEMARCHES], duree: 'LONG', telephone: null, creeLeMs: maintenant,
        usager: {
          fcSub: `banc-${lot[k]}`,
          identite: { given_name: 'Camille Marie', family_name: `USAGER${lot[k]}`, birthdate: '1970-01-01', gender: 'female', birthplace: '75107', birthcountry: '99100', email: `usager-${lot[k]}@banc.example.test` },
        },
      };
      comptes.push({ cookie: `ac_session=${cookieSigne(sid)}`, csrf, secret: secrets[k] });
      const sess = { cookie: { originalMaxAge: 86_400_000, expires: new Date(maintenant + 86_400_000).toISOString(), httpOnly: true, path: '/', sameSite: 'lax' }, aidantId: a.id, loginAt: maintenant, lastActivityCheckAt: maintenant, csrfToken: csrf, brouillonMandat };
      return { sid, sess: JSON.stringify(sess), expires_at: new Date(maintenant + 86_400_000) };
    });
    await db('sessions').insert(sessions);
  }

  const env = { ...process.env, DATABASE_URL: opts.pgUrl, TEMPORAL_ADDRESS: opts.temporalAddress, DATABASE_POOL_MAX: String(opts.poolMax) };
  const worker = spawn(process.execPath, [new URL('../bench-worker.ts', import.meta.url).pathname], { env: { ...env, TASK_QUEUE }, stdio: ['pipe', 'pipe', 'inherit'] });
  // BENCH_CREATIONS_PROFIL=<folder>: the web process's CPU profile (.cpuprofile, for Chrome's DevTools) is written there.
  const profil = process.env.BENCH_CREATIONS_PROFIL ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CREATIONS_PROFIL}`] : [];
  const web = spawn(process.execPath, [...profil, new URL('./creation-serveur.ts', import.meta.url).pathname], { env: { ...env, SESSION_SECRET: SECRET }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lignesWeb = lignes(web);
  // Both listened to at once: a line read while nobody listens is lost.
  const workerPret = attendreLigne(lignes(worker), worker, /^READY/);
  const webPret = attendreLigne(lignesWeb, web, /^READY (\d+)/);
  workerPret.catch(() => undefined);
  webPret.catch(() => undefined);
  try {
    await workerPret;
    const [, port] = await webPret;
    const base = `http://127.0.0.1:${port}`;
    const statsSql = async () => {
      const attente = attendreLigne(lignesWeb, web, /^STATS (\d+) (\d+)/);
      web.stdin!.write('stats\n');
      const [, requetes, transactions] = await attente;
      return { requetes: Number(requetes), transactions: Number(transactions) };
    };

    const pids: Record<Exclude<Processus, 'banc'>, number> = { web: web.pid!, postgres: opts.pids.postgres, temporal: opts.pids.temporal, worker: worker.pid! };
    const cpu = (): Record<Processus, number> => ({
      web: cpuMs(pids.web), postgres: cpuMs(pids.postgres), temporal: cpuMs(pids.temporal), worker: cpuMs(pids.worker),
      banc: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
    /**
     * After the last request, the worker still runs the workflows' first tasks (and Temporal with it): their CPU
     * belongs to this round. The round ends once the worker and Temporal together spend less than 10 % of a core.
     */
    const auRepos = async () => {
      for (let essai = 0; essai < 60; essai++) {
        const avant = cpuMs(pids.worker) + cpuMs(pids.temporal);
        await pause(500);
        if (cpuMs(pids.worker) + cpuMs(pids.temporal) - avant < 50) return;
      }
    };

    let echecs = 0;
    const statutsEchecs = new Map<number, number>();
    let prochainCompte = 0;
    const soumettre = async () => {
      const c = comptes[prochainCompte++];
      const code = await generate({ secret: c.secret });
      const res = await fetch(`${base}/mandats/nouveau/recapitulatif`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ _csrf: c.csrf, consentement: 'oui', code }),
      });
      await res.arrayBuffer();
      if (res.status !== 303 || !/^\/usagers\/\d+#mandat-\d+$/.test(res.headers.get('location') ?? '')) {
        echecs++;
        statutsEchecs.set(res.status, (statutsEchecs.get(res.status) ?? 0) + 1);
      }
    };

    // The floor: the rows a creation writes for a new usager (usager, mandat with its template version,
    // autorisations, verification code, the journal's franceconnect_usager, create_attestation and one
    // create_autorisation per démarche, chained by the same trigger) in one statement, then the same workflow
    // started and marked as started (db/temporal/processes/mandat.ts).
    const expireLe = () => dateExpirationMandat(new Date(), 'LONG');
    let prochainPlancher = 0;
    const plancher = async () => {
      const k = prochainPlancher++;
      const aidantId = aidantsIds[k % aidantsIds.length];
      const creeLe = new Date();
      const expiresAt = expireLe();
      const { rows: [{ id: mandatId }] } = await db.raw(`
        with u as (
          insert into usagers (sub, given_name, family_name, birthdate, gender, birthplace, birthcountry, email)
          values (?, 'Camille Marie', ?, '1970-01-01', 'female', '75107', '99100', ?) returning id
        ), m as (
          insert into mandats (structure_id, usager_id, aidant_id, created_at, expires_at, duree_keyword, creation_key, template_version)
          select ?, u.id, ?, ?, ?, 'LONG', ?, ? from u returning id, usager_id
        ), a as (
          insert into autorisations (mandat_id, demarche) select m.id, d from m, unnest(?::text[]) d returning id, demarche
        ), p as (
          insert into preuves_mandat (mandat_id, code) select id, ? from m
        ), j as (
          insert into journal (action, aidant_id, structure_id, usager_id, mandat_id, demarche, duree, autorisation_id, attestation_hash)
          select 'franceconnect_usager', ?::int, ?::int, m.usager_id, null::int, null::text, null::int, null::int, null::text from m
          union all select 'create_attestation', ?::int, ?::int, m.usager_id, m.id, ?::text, ?::int, null::int, ?::text from m
          union all select 'create_autorisation', ?::int, ?::int, m.usager_id, m.id, a.demarche, ?::int, a.id, null::text from m, a
        )
        select id from m`, [
        `plancher-${k}-${randomUUID()}`, `PLANCHER${k}`, `plancher-${k}@banc.example.test`,
        structurePlancher, aidantId, creeLe, expiresAt, randomUUID(), MODELE_EN_VIGUEUR.version,
        [...DEMARCHES],
        nouveauCodeVerification(),
        aidantId, structurePlancher,
        aidantId, structurePlancher, [...DEMARCHES].sort().join(','), DUREES_MANDAT.LONG.jours, randomBytes(32).toString('hex'),
        aidantId, structurePlancher, DUREES_MANDAT.LONG.jours,
      ]);
      await demarrerVieMandat(db, opts.client, { mandatId, expiresAt, duree: 'LONG', structureId: structurePlancher });
    };

    const vide = (): Record<Processus, number> => ({ web: 0, postgres: 0, temporal: 0, worker: 0, banc: 0 });
    const cumul = { app: { durees: [] as number[], totalMs: 0, cpu: vide() }, plancher: { durees: [] as number[], totalMs: 0, cpu: vide() } };
    /** One round: warm-up, then `k` creations measured (wall time, latencies, CPU until the processes rest). */
    const tour = async (qui: 'app' | 'plancher', k: number, echauffer: boolean) => {
      const fn = qui === 'app' ? soumettre : plancher;
      if (echauffer) {
        await charge(echauffement, opts.enParallele, fn);
        await auRepos();
      }
      const avant = cpu();
      const r = await charge(k, opts.enParallele, fn);
      await auRepos();
      const apres = cpu();
      const c = cumul[qui];
      c.durees.push(...r.durees);
      c.totalMs += r.totalMs;
      for (const p of Object.keys(avant) as Processus[]) c.cpu[p] += apres[p] - avant[p];
    };
    // Alternated in quarters, app and floor in the order A B B A A B B A: the other load of a shared machine
    // weighs on both alike, and so does the slow drift of a server that fills up (each side's rounds have the
    // same mean position in the run; A B A B would give the floor the later, slower ones).
    const quarts = [0, 1, 2, 3].map((i) => Math.floor((n * (i + 1)) / 4) - Math.floor((n * i) / 4));
    const sqlAvant = await statsSql();
    for (const [i, k] of quarts.entries()) {
      const ordre: ('app' | 'plancher')[] = i % 2 === 0 ? ['app', 'plancher'] : ['plancher', 'app'];
      for (const qui of ordre) await tour(qui, k, i === 0);
    }
    const sqlApres = await statsSql();

    const verifie = await db('mandats').where({ structure_id: structureId }).select(
      db.raw('count(*)::int as mandats'), db.raw('count(workflow_started_at)::int as workflows'),
    ).first();
    const journal = await db('journal').where({ structure_id: structureId, action: 'create_attestation' }).count({ n: '*' }).first();
    const verifiePlancher = await db('mandats').where({ structure_id: structurePlancher }).select(
      db.raw('count(*)::int as mandats'), db.raw('count(workflow_started_at)::int as workflows'),
    ).first();
    const attendus = n + echauffement;
    // Only what the database shows complete counts: a mandat, its workflow started, its attestation journaled.
    const verifiees = Math.min(verifie.mandats as number, verifie.workflows as number, Number(journal!.n));
    const mesure = (qui: 'app' | 'plancher', faites: number): MesureCreations => {
      const c = cumul[qui];
      const durees = [...c.durees].sort((a, b) => a - b);
      // The warm-up is verified but not measured: the rate is over the measured rounds only, and counts
      // nothing when anything failed (the caller then prints no rate).
      const mesurees = faites === attendus ? n : 0;
      return {
        verifiees: faites, dureeMs: c.totalMs, parSeconde: (mesurees * 1000) / c.totalMs, p50: percentile(durees, 50), p95: percentile(durees, 95),
        cpuParCreation: Object.fromEntries(Object.entries(c.cpu).map(([p, ms]) => [p, ms / n])) as Record<Processus, number>,
      };
    };
    const verifieesPlancher = Math.min(verifiePlancher.mandats as number, verifiePlancher.workflows as number);
    return {
      n, echecs, statutsEchecs: Object.fromEntries(statutsEchecs) as Record<number, number>,
      mandats: verifie.mandats as number, workflows: verifie.workflows as number, attestations: Number(journal!.n),
      app: mesure('app', verifiees),
      plancher: { ...mesure('plancher', verifieesPlancher), mandats: verifiePlancher.mandats as number, workflows: verifiePlancher.workflows as number },
      requetesSql: (sqlApres.requetes - sqlAvant.requetes) / attendus,
      transactionsSql: (sqlApres.transactions - sqlAvant.transactions) / attendus,
      poolMax: opts.poolMax,
    };
  } finally {
    const fini = new Promise((r) => web.once('exit', r));
    web.stdin!.write('exit\n');
    await Promise.race([fini, pause(5_000)]);
    web.kill('SIGKILL');
    worker.kill('SIGKILL');
  }
}
