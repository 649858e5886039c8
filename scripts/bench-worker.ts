// The worker process of `npm run bench`: the production worker (every workflow and activity) in a process of
// its own, so the bench reads its memory alone. Says READY, then runs until killed. On a `mem` line on stdin it
// collects its main heap's garbage and answers with its resident memory (`MEM <bytes>`; the workflows run in
// worker threads whose heaps only the resident memory shows). BENCH_WORKER_CACHE overrides maxCachedWorkflows
// (to compare with the default, which grows with the machine's memory).
import { createInterface } from 'node:readline';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createDb } from '../db/connection.ts';
import { createWorker } from '../workers/worker.ts';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const db = createDb(process.env.DATABASE_URL, { min: 0, max: 10 });
const mailer = { send: async (): Promise<{ messageId: string }> => { throw new Error('aucun courriel attendu pendant le banc'); } };
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const cache = process.env.BENCH_WORKER_CACHE ? Number(process.env.BENCH_WORKER_CACHE) : undefined;
const worker = await createWorker({ connection, taskQueue: process.env.TASK_QUEUE!, deps: { db, mailer }, options: cache === undefined ? {} : { maxCachedWorkflows: cache } });
const gc = (globalThis as { gc?: () => void }).gc;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'mem') return;
  gc?.();
  console.log(`MEM ${process.memoryUsage().rss}`);
});
console.log(`READY ${worker.options.maxCachedWorkflows}`);
await worker.run();
