// Health checks. GET /health is cheap and open to anyone (the process answers, PostgreSQL answers): load
// balancers and `npm start` poll it. GET /health/complet adds Temporal and a real worker round trip (a tiny
// workflow and its activity): it needs `Authorization: Bearer <HEALTH_TOKEN>`, and without a token it is not
// served at all (404) unless opened for development (web/main.ts: outside production) — issue 18, item 10.
// Its result is kept a few seconds, so callers cannot make the service start workflows at will. 503 names
// what is down.
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Db } from '../db/connection.ts';
import type { TemporalClientProvider } from '../db/temporal/client.ts';
import { allerRetourWorker } from '../db/temporal/processes/health.ts';
import { pingPostgres } from '../db/queries/sante.ts';

type Check = { ok: boolean; ms: number; error?: string };

async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`pas de réponse en ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - start), error: (err as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthDeps {
  db: Db;
  temporal: TemporalClientProvider;
  taskQueue?: string;
  workerTimeoutMs?: number;
  /** Required (Bearer) by the deep check when set. */
  token?: string;
  /** Without a token, the deep check is served to anyone only when true (development); otherwise 404. */
  openWithoutToken?: boolean;
  /** How long a deep result is reused (default 5 s). */
  cacheMs?: number;
}

function tokenMatches(req: Request, token: string): boolean {
  const sent = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
  return sent.length === token.length && timingSafeEqual(Buffer.from(sent), Buffer.from(token));
}

export function healthRouter(deps: HealthDeps): Router {
  const workerTimeoutMs = deps.workerTimeoutMs ?? 8000;
  const cacheMs = deps.cacheMs ?? 5000;
  const router = Router();
  const postgres = () => timed(() => pingPostgres(deps.db), 3000);

  router.get('/health', async (_req, res) => {
    const checks = { postgres: await postgres() };
    res.status(checks.postgres.ok ? 200 : 503).json({ status: checks.postgres.ok ? 'ok' : 'degraded', checks });
  });

  async function deepCheck() {
    const temporal = await timed(async () => (await deps.temporal()).workflowService.getSystemInfo({}), 3000);
    const worker = temporal.ok
      ? await timed(async () => {
          await allerRetourWorker(await deps.temporal(), workerTimeoutMs, deps.taskQueue);
        }, workerTimeoutMs)
      : { ok: false, ms: 0, error: 'Temporal indisponible' };
    const checks = { postgres: await postgres(), temporal, worker };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  }

  // One deep check at a time, its result reused for `cacheMs`: a flood of calls starts one workflow.
  let last: { at: number; result: Promise<Awaited<ReturnType<typeof deepCheck>>> } | null = null;
  router.get('/health/complet', async (req, res) => {
    if (!deps.token && !deps.openWithoutToken) {
      res.status(404).json({ error: 'introuvable' });
      return;
    }
    if (deps.token && !tokenMatches(req, deps.token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'jeton de santé requis' });
      return;
    }
    if (!last || Date.now() - last.at > cacheMs) last = { at: Date.now(), result: deepCheck() };
    const { ok, checks } = await last.result;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });
  return router;
}
