// GET /health: PostgreSQL, Temporal, and a real worker round trip (a tiny workflow + activity); 503 with the
// failing component when one is down.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Db } from '../db/connection.ts';
import type { TemporalClientProvider } from './temporal-client.ts';
import { TASK_QUEUE } from '../workflows/task-queue.ts';

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

export function healthRouter(deps: { db: Db; temporal: TemporalClientProvider; taskQueue?: string; workerTimeoutMs?: number }): Router {
  const workerTimeoutMs = deps.workerTimeoutMs ?? 8000;
  const router = Router();
  router.get('/health', async (_req, res) => {
    const postgres = await timed(() => deps.db.raw('select 1'), 3000);
    const temporal = await timed(async () => (await deps.temporal()).workflowService.getSystemInfo({}), 3000);
    const worker = temporal.ok
      ? await timed(async () => {
          const client = await deps.temporal();
          const nonce = randomUUID();
          const result = await client.workflow.execute('healthCheck', {
            taskQueue: deps.taskQueue ?? TASK_QUEUE,
            workflowId: `health-${nonce}`,
            args: [nonce],
            workflowExecutionTimeout: workerTimeoutMs,
          });
          if (result !== `pong:${nonce}`) throw new Error(`réponse inattendue du worker : ${result}`);
        }, workerTimeoutMs)
      : { ok: false, ms: 0, error: 'Temporal indisponible' };
    const checks = { postgres, temporal, worker };
    const ok = Object.values(checks).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });
  return router;
}
