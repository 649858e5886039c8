// The worker process of `npm run bench`'s mandats part (scripts/bench/mandats.ts): the production worker (every
// workflow and activity, workers/worker.ts) in a process of its own, so the bench reads its memory alone. Says
// READY, then runs until killed. On a `mem` line on stdin it collects its main heap's garbage and answers
// `MEM <json>`: the resident memory, the main thread's heap, and the heap of each workflow thread. The
// workflows run in worker threads whose V8 heaps the main thread's statistics do not show (README « Vie des
// mandats »): the SDK's threads are recorded when it creates them, through node:worker_threads' own class,
// and with BENCH_WORKER_PROFIL=1 collected before they are measured.
// The cache and the tasks at once are the production ones (workers/worker.ts `optionsMemoire`, from
// WORKER_CACHED_WORKFLOWS and WORKER_WORKFLOW_TASKS); BENCH_WORKER_CACHE and BENCH_WORKER_TACHES override them,
// BENCH_WORKER_REUTILISER=false turns reuseV8Context off (to compare).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { getHeapStatistics } from 'node:v8';
import type { Worker as WorkerThread } from 'node:worker_threads';
import { NativeConnection, Runtime, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import { createDb } from '../../db/connection.ts';
import { createWorker, optionsMemoire } from '../../workers/worker.ts';
import { avertirSansAllocateurCompact } from '../../workers/allocateur.ts';

const threads: WorkerThread[] = [];
{
  // The SDK creates its workflow threads with `new (require('node:worker_threads').Worker)(…)`: a subclass in
  // its place records them. Only this bench process does it, before the worker exists.
  const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const Original = workerThreads.Worker;
  workerThreads.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      threads.push(this);
    }
  };
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
avertirSansAllocateurCompact((message) => console.error(`[worker du banc] ${message}`));
const db = createDb(process.env.DATABASE_URL, { min: 0, max: 10 });
const mailer = { send: async (): Promise<{ messageId: string }> => { throw new Error('aucun courriel attendu pendant le banc'); } };
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const options: Partial<WorkerOptions> = optionsMemoire();
if (process.env.BENCH_WORKER_CACHE) options.maxCachedWorkflows = Number(process.env.BENCH_WORKER_CACHE);
if (process.env.BENCH_WORKER_TACHES) options.maxConcurrentWorkflowTaskExecutions = Number(process.env.BENCH_WORKER_TACHES);
if (process.env.BENCH_WORKER_REUTILISER === 'false') options.reuseV8Context = false;
const worker = await createWorker({ connection, taskQueue: process.env.TASK_QUEUE!, deps: { db, mailer }, options });
const gc = (globalThis as { gc?: () => void }).gc;

/** Resident memory by kind, from /proc: anonymous (heaps, malloc arenas), file-backed (code), shared. */
function residentParType(): { anonyme: number; fichiers: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kio = (nom: string) => Number(new RegExp(`^${nom}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { anonyme: kio('RssAnon'), fichiers: kio('RssFile') + kio('RssShmem') };
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'mem') return;
  gc?.();
  void (async () => {
    const principal = getHeapStatistics();
    const enVie = threads.filter((t) => t.threadId >= 0);
    // With BENCH_WORKER_PROFIL=1, a heap snapshot of each workflow thread (read and dropped) makes it collect
    // its garbage first: the statistics read after it count what the thread retains. Not by default: the
    // snapshot leaves about 100 Mio resident in the process, which the memory samples would count.
    if (process.env.BENCH_WORKER_PROFIL === '1') {
      await Promise.all(enVie.map(async (t) => {
        for await (const _ of await t.getHeapSnapshot()) { /* dropped */ }
      }).map((p) => p.catch(() => undefined)));
    }
    const tas = await Promise.all(enVie.map((t) => t.getHeapStatistics().catch(() => null)));
    const status = worker.getStatus();
    const m = process.memoryUsage();
    console.log(`MEM ${JSON.stringify({
      rss: m.rss,
      ...residentParType(),
      principal: { utilise: principal.used_heap_size, reserve: principal.total_heap_size, externe: m.external, tampons: m.arrayBuffers, contextes: principal.number_of_native_contexts, malloc: principal.malloced_memory },
      fils: tas.filter((s) => s !== null).map((s) => ({ utilise: s.used_heap_size, reserve: s.total_heap_size, contextes: s.number_of_native_contexts, detaches: s.number_of_detached_contexts, malloc: s.malloced_memory, externe: s.external_memory })),
      enCache: status.numCachedWorkflows,
    })}`);
  })();
});
console.log(`READY ${JSON.stringify({ cache: worker.options.maxCachedWorkflows, taches: options.maxConcurrentWorkflowTaskExecutions, reutiliser: worker.options.reuseV8Context, fils: worker.options.workflowThreadPoolSize })}`);
await worker.run();
