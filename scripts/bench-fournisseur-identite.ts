// Part of `npm run bench`: full FranceConnect flows through Aidants Connect (authorize → the aidant, already
// logged in, chooses the usager and the démarche → token → userinfo), beside the same seven HTTP requests
// on a bare oidc-provider with the same configuration (PostgreSQL adapter, keys, client, lifetimes, policy)
// and trivial interaction pages: the floor of this stack on this machine. Batches of both alternate (A B B A)
// so that the machine's load weighs on both alike, and the ratio is the median of the pairs' ratios. Per step (one flow at a time): p50 duration, CPU of this process
// and SQL queries sent, for both (README « Fournisseur d’identité de FranceConnect »). A report, not a test.
import { pagesFournisseurIdentite } from '../web/oidc/pages.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Provider from 'oidc-provider';
import type { Db } from '../db/connection.ts';
import { DUREE_SESSION_MS } from '../db/domain/authentification.ts';
import { providerConfiguration, oidcSettingsFromEnv } from '../api/oidc/configuration.ts';
import { FC, IDENTITES_FC, creerMandat, creerUsager, startOidcApp } from './fixtures/fournisseur-identite.ts';
import { createAccount, createStructure } from './fixtures/comptes.ts';
import { logger } from '../db/platform/logger.ts';

const SESSION_SECRET = 'test-session-secret-that-is-long-enough'; // the one startOidcApp gives the app

class Jar {
  private cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/** What one flow measured, request by request in ETAPES order: duration, and SQL queries sent meanwhile. */
interface Releve {
  ms: number[];
  sql: number[];
  /** CPU time of this process (server and client) during each request, in ms. */
  cpu: number[];
  /** BENCH_SQL_LOG: prints each SQL query under the step that sent it. */
  journal?: string[];
}

/** SQL queries sent on the bench's pool so far (both servers share it). */
let requetesSql = 0;
let journalSql: string[] | null = null;

/**
 * One HTTP request, timed; redirects are not followed (each hop is one of the seven requests). The SQL queries
 * counted meanwhile are this request's when one flow runs at a time (the latency measure).
 */
async function timed(releve: Releve, jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set('cookie', cookie);
  const sqlAvant = requetesSql;
  const cpuAvant = process.cpuUsage();
  journalSql = releve.journal ?? null;
  journalSql?.push(`— ${ETAPES[releve.ms.length]}`);
  const start = performance.now();
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  const body = await res.arrayBuffer();
  releve.ms.push(performance.now() - start);
  releve.sql.push(requetesSql - sqlAvant);
  const cpu = process.cpuUsage(cpuAvant);
  releve.cpu.push((cpu.user + cpu.system) / 1000);
  journalSql = null;
  jar.take(res);
  return new Response(body, { status: res.status, headers: res.headers });
}

function authorizeUrl(base: string): string {
  const params = new URLSearchParams({
    client_id: FC.clientId, redirect_uri: FC.callback, response_type: 'code', scope: FC.scope, acr_values: 'eidas1', prompt: 'login',
    state: randomBytes(32).toString('hex'), nonce: randomBytes(32).toString('hex'),
    claims: JSON.stringify({ id_token: { rep_scope: { essential: true, values: ['famille'] } } }),
  });
  return `${base}/authorize/?${params}`;
}

const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';

export const ETAPES = ['authorize', 'page usager', 'page démarche', 'choix (POST)', 'reprise', 'token', 'userinfo'] as const;

/** The seven requests of one flow, in ETAPES order; throws if any answer is not the expected one. */
async function flow(base: string, jar: Jar, samples: Releve, usagerId: number): Promise<void> {
  const expect = (res: Response, status: number, step: string) => {
    if (res.status !== status) throw new Error(`${step}: ${res.status} instead of ${status}`);
    return res;
  };
  const a = expect(await timed(samples, jar, authorizeUrl(base)), 303, 'authorize');
  const interaction = new URL(a.headers.get('location')!, base).href;
  const liste = await expect(await timed(samples, jar, interaction), 200, 'usager page').text();
  const page = await expect(await timed(samples, jar, `${interaction}/demarche?usager=${usagerId}`), 200, 'démarche page').text();
  const body = new URLSearchParams({ usager: String(usagerId), demarche: 'famille', _csrf: csrfOf(page) || csrfOf(liste) });
  const post = expect(await timed(samples, jar, `${interaction}/demarche`, { method: 'POST', body }), 303, 'choice');
  const resume = expect(await timed(samples, jar, new URL(post.headers.get('location')!, base).href), 303, 'resume');
  const code = new URL(resume.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error(`no code: ${resume.headers.get('location')}`);
  const token = await expect(await timed(samples, jar, `${base}/token/`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: FC.callback, client_id: FC.clientId, client_secret: FC.clientSecret }),
  }), 200, 'token').json();
  expect(await timed(samples, new Jar(), `${base}/userinfo/`, { headers: { authorization: `Bearer ${token.access_token}` } }), 200, 'userinfo');
}

/** The floor: the same provider configuration, interaction pages that answer at once with a fixed account. */
async function startFloor(db: Db): Promise<{ url: string; close(): Promise<void> }> {
  let handler: ((req: unknown, res: unknown) => void) | null = null;
  const server: Server = createServer((req, res) => handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = oidcSettingsFromEnv(
    { FC_AS_FI_CLIENT_ID: FC.clientId, FC_AS_FI_CLIENT_SECRET: FC.clientSecret, FC_AS_FI_REDIRECT_URIS: FC.callback },
    { publicUrl: url, production: false },
  );
  const identite = { ...IDENTITES_FC.angela };
  const provider = new Provider(url, providerConfiguration(settings, {
    db,
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...identite, rep_scope: ['famille'] }) }),
    pages: pagesFournisseurIdentite,
  }));
  const app = express();
  app.get('/interaction/:uid', async (req, res) => {
    await provider.interactionDetails(req, res);
    res.send('<form method="post"><button>Continuer</button></form>');
  });
  app.get('/interaction/:uid/demarche', async (req, res) => {
    await provider.interactionDetails(req, res);
    res.send('<form method="post"><button>Valider</button></form>');
  });
  app.post('/interaction/:uid/demarche', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId: 'floor-sub', clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    grant.addOIDCClaims(['rep_scope']);
    const grantId = await grant.save();
    const returnTo = await provider.interactionResult(req, res, { login: { accountId: 'floor-sub', acr: 'eidas1', remember: false }, consent: { grantId } }, { mergeWithLastSubmission: false });
    res.redirect(303, returnTo);
  });
  app.use(provider.callback());
  handler = app as unknown as (req: unknown, res: unknown) => void;
  return { url, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/**
 * BENCH_FI_PROFIL=<file>: a CPU profile (.cpuprofile, for Chrome’s DevTools)
 * of this process while our side alone serves flows, one at a time — the app's CPU without the floor's.
 */
async function profiler(fichier: string, charge: () => Promise<void>): Promise<void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    await charge();
  } finally {
    const { profile } = await post<{ profile: object }>('Profiler.stop');
    writeFileSync(fichier, JSON.stringify(profile));
    session.disconnect();
    console.log(`[bench] profil CPU de 200 flux (Aidants Connect seul) : ${fichier}`);
  }
}

/** An aidant's browser already logged in: a session row and its signed cookie. */
async function sessionOuverte(db: Db, aidantId: number): Promise<Jar> {
  const sid = randomBytes(24).toString('base64url');
  const expires = new Date(Date.now() + DUREE_SESSION_MS);
  const sess = {
    cookie: { originalMaxAge: DUREE_SESSION_MS, expires: expires.toISOString(), httpOnly: true, path: '/', sameSite: 'lax', secure: false },
    aidantId, loginAt: Date.now(), lastActivityCheckAt: Date.now(), csrfToken: randomBytes(32).toString('base64url'),
  };
  await db('sessions').insert({ sid, sess: JSON.stringify(sess), expires_at: expires });
  const signed = `s:${sid}.${createHmac('sha256', SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '')}`;
  const jar = new Jar();
  jar.set('ac_session', encodeURIComponent(signed));
  return jar;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
/** A mean with at most one decimal (SQL queries per step: whole numbers unless a step varies). */
const moyenne = (xs: number[]) => String(Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10);
const ms = (x: number) => `${x.toFixed(1)} ms`;

export interface ResultatBenchFi {
  lignes: [string, string][];
  ok: boolean;
}

type Mesure = { requetes: number[]; flux: number[]; duree: number; n: number; sql: number; etapes: number[][]; sqlEtapes: number[][]; cpuEtapes: number[][]; cpu: number };

function resume(m: Mesure) {
  return {
    parSeconde: (m.n * 1000) / m.duree,
    fluxP50: quantile(m.flux, 0.5),
    fluxP95: quantile(m.flux, 0.95),
    reqP50: quantile(m.requetes, 0.5),
    reqP95: quantile(m.requetes, 0.95),
    sqlParFlux: m.sql / m.n,
    cpuParFlux: m.cpu / m.n,
  };
}

/**
 * Two measures: latency with one aidant at a time (p50/p95 of a flow and of each request, no queueing on
 * the machine's cores), then throughput with several aidants at once (flows per second).
 */
export async function benchFournisseurIdentite(db: Db, opts: { flux?: number; parallele?: number; lots?: number } = {}): Promise<ResultatBenchFi> {
  const total = opts.flux ?? 400;
  const parallele = opts.parallele ?? 4;
  const lots = opts.lots ?? 16;
  // One log line per request written to a terminal would measure the terminal.
  logger.level = process.env.LOG_LEVEL ?? 'warn';

  const structureId = await createStructure(db, { name: 'Structure du banc FranceConnect' });
  const jars: Jar[] = [];
  for (let i = 0; i < parallele; i++) {
    const { aidant } = await createAccount(db, { email: `aidant-fi-${i}@banc.example.test`, structureId, withDevice: false });
    jars.push(await sessionOuverte(db, aidant.id));
  }
  const usagers: number[] = [];
  for (let i = 0; i < 50; i++) {
    const u = await creerUsager(db, { ...IDENTITES_FC.angela, given_name: `Usager ${i}` });
    await creerMandat(db, { structureId, usagerId: u.id, demarches: ['famille', 'argent'] });
    usagers.push(u.id);
  }

  const noMail = { send: async () => { throw new Error('aucun courriel attendu pendant le banc'); } };
  const ours = await startOidcApp({ db, mailer: noMail });
  const floor = await startFloor(db);
  const floorJars = Array.from({ length: parallele }, () => new Jar());

  const vide = (): Record<'ours' | 'floor', Mesure> => ({
    ours: { requetes: [], flux: [], duree: 0, n: 0, sql: 0, etapes: ETAPES.map(() => []), sqlEtapes: ETAPES.map(() => []), cpuEtapes: ETAPES.map(() => []), cpu: 0 },
    floor: { requetes: [], flux: [], duree: 0, n: 0, sql: 0, etapes: ETAPES.map(() => []), sqlEtapes: ETAPES.map(() => []), cpuEtapes: ETAPES.map(() => []), cpu: 0 },
  });
  const countQuery = (q: { sql: string }) => {
    requetesSql++;
    journalSql?.push(`    ${q.sql}`);
  };
  db.on('query', countQuery);

  const run = async (mesures: Record<'ours' | 'floor', Mesure> | null, which: 'ours' | 'floor', n: number, aidants: number) => {
    const base = which === 'ours' ? ours.url : floor.url;
    const jarsOf = (which === 'ours' ? jars : floorJars).slice(0, aidants);
    let next = 0;
    const sqlBefore = requetesSql;
    const cpuAvant = process.cpuUsage();
    const start = performance.now();
    const samples: number[] = [];
    const flows: number[] = [];
    await Promise.all(jarsOf.map(async (jar) => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        const mine: Releve = { ms: [], sql: [], cpu: [] };
        await flow(base, jar, mine, usagers[i % usagers.length]);
        flows.push(performance.now() - t0);
        samples.push(...mine.ms);
        if (mesures) {
          mine.ms.forEach((x, k) => mesures[which].etapes[k].push(x));
          mine.sql.forEach((x, k) => mesures[which].sqlEtapes[k].push(x));
          mine.cpu.forEach((x, k) => mesures[which].cpuEtapes[k].push(x));
        }
      }
    }));
    if (!mesures) return;
    const m = mesures[which];
    m.duree += performance.now() - start;
    const cpu = process.cpuUsage(cpuAvant);
    m.cpu += (cpu.user + cpu.system) / 1000;
    m.n += n;
    m.sql += requetesSql - sqlBefore;
    m.requetes.push(...samples);
    m.flux.push(...flows);
  };

  const latence = vide();
  const debit = vide();
  const ratiosLots: number[] = [];
  try {
    // Warm-up (JIT, pools, caches), then alternating batches of both, so that the machine's load weighs alike.
    await run(null, 'floor', 20, parallele);
    await run(null, 'ours', 20, parallele);
    if (process.env.BENCH_FI_PROFIL) await profiler(process.env.BENCH_FI_PROFIL, () => run(null, 'ours', 200, 1));
    if (process.env.BENCH_SQL_LOG) {
      for (const [nom, base] of [['Aidants Connect', ours.url], ['plancher', floor.url]]) {
        const releve: Releve = { ms: [], sql: [], cpu: [], journal: [] };
        await flow(base, nom === 'plancher' ? floorJars[0] : jars[0], releve, usagers[0]);
        console.log(`\nRequêtes SQL d’un flux — ${nom}\n${releve.journal!.join('\n')}`);
      }
    }
    const parLot = Math.ceil(total / 2 / lots);
    // Lots in pairs, in the order A B B A A B…: within a pair both sides meet the same load, and each side goes
    // first as often. The ratio is the median of the pairs' ratios, so that a burst of the machine's other load
    // during one lot moves one pair, not the whole figure.
    for (let l = 0; l < lots; l++) {
      const avant = { ours: latence.ours.flux.length, floor: latence.floor.flux.length };
      for (const qui of (l % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor']) as ('ours' | 'floor')[]) await run(latence, qui, parLot, 1);
      ratiosLots.push(quantile(latence.ours.flux.slice(avant.ours), 0.5) / quantile(latence.floor.flux.slice(avant.floor), 0.5));
    }
    for (let l = 0; l < lots; l++) {
      for (const qui of (l % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor']) as ('ours' | 'floor')[]) await run(debit, qui, parLot * 2, parallele);
    }
  } finally {
    db.removeListener('query', countQuery);
    await ours.close();
    await floor.close();
  }

  const o = resume(latence.ours);
  const f = resume(latence.floor);
  const od = resume(debit.ours);
  const fd = resume(debit.floor);
  const ratio = quantile(ratiosLots, 0.5);
  const ok = ratio <= 1.3 && o.reqP95 < 25;
  return {
    ok,
    lignes: [
      ['un aidant à la fois', `${latence.ours.n} flux de chaque côté, lots alternés`],
      ['  Aidants Connect : durée d’un flux', `p50 ${ms(o.fluxP50)}, p95 ${ms(o.fluxP95)} (7 requêtes HTTP, ${o.sqlParFlux.toFixed(0)} requêtes SQL)`],
      ['  Aidants Connect : par requête', `p50 ${ms(o.reqP50)}, p95 ${ms(o.reqP95)} (objectif p95 < 25 ms) ${o.reqP95 < 25 ? '✔' : '✘'}`],
      ['  plancher oidc-provider : durée d’un flux', `p50 ${ms(f.fluxP50)}, p95 ${ms(f.fluxP95)} (7 requêtes HTTP, ${f.sqlParFlux.toFixed(0)} requêtes SQL)`],
      ['  plancher : par requête', `p50 ${ms(f.reqP50)}, p95 ${ms(f.reqP95)}`],
      ['  p50 par étape (Aidants Connect / plancher)', ETAPES.map((e, k) => `${e} ${quantile(latence.ours.etapes[k], 0.5).toFixed(1)}/${quantile(latence.floor.etapes[k], 0.5).toFixed(1)}`).join(', ')],
      ['  temps CPU de ce processus par flux', `Aidants Connect ${ms(o.cpuParFlux)}, plancher ${ms(f.cpuParFlux)} (serveur et client HTTP ; PostgreSQL à part)`],
      ['  CPU p50 par étape (Aidants Connect / plancher)', ETAPES.map((e, k) => `${e} ${quantile(latence.ours.cpuEtapes[k], 0.5).toFixed(1)}/${quantile(latence.floor.cpuEtapes[k], 0.5).toFixed(1)}`).join(', ')],
      ['  requêtes SQL par étape (Aidants Connect / plancher)', ETAPES.map((e, k) => `${e} ${moyenne(latence.ours.sqlEtapes[k])}/${moyenne(latence.floor.sqlEtapes[k])}`).join(', ')],
      ['  rapport au plancher (durée p50 d’un flux)', `${ratio.toFixed(2)}× (objectif ≤ 1,3×) ${ratio <= 1.3 ? '✔' : '✘'} — médiane des ${ratiosLots.length} paires de lots (${[...ratiosLots].sort((a, b) => a - b).map((r) => r.toFixed(2)).join(', ')}) ; sur tous les flux : ${(o.fluxP50 / f.fluxP50).toFixed(2)}×`],
      [`${parallele} aidants en parallèle`, `${debit.ours.n} flux de chaque côté`],
      ['  Aidants Connect : flux par seconde', `${od.parSeconde.toFixed(1)} (requête p50 ${ms(od.reqP50)}, p95 ${ms(od.reqP95)})`],
      ['  plancher : flux par seconde', `${fd.parSeconde.toFixed(1)} (requête p50 ${ms(fd.reqP50)}, p95 ${ms(fd.reqP95)})`],
      ['  rapport au plancher (débit)', `${(fd.parSeconde / od.parSeconde).toFixed(2)}×`],
    ],
  };
}
