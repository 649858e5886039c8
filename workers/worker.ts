// Building the worker: every workflow (bundled from workflows/index) and the activities built from injected
// dependencies. Used by the worker process and by the test harness.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { TASK_QUEUE } from '../workflows/task-queue.ts';
import type { TemporalSettings } from '../db/temporal/connection.ts';

/** workflows/index.ts when running from the sources, workflows/index.js from the build. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

/** The prebuilt bundle (WORKFLOW_BUNDLE, or dist/workflow-bundle.js next to a build), else bundle at start. */
function workflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const prebuilt = process.env.WORKFLOW_BUNDLE ?? fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
  if (existsSync(prebuilt)) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: workflowsPath() };
}

export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address: settings.address, tls: settings.tls, apiKey: settings.apiKey });
}

/**
 * The worker's cache and its workflow tasks at once. Mandats and watches sleep for months: a small cache, and
 * replaying a handful of events on wake-up is cheap. The workflows run on one thread (reuseV8Context): more
 * workflow tasks at once do not go faster, they only hold more activations, and the V8 heap pages a burst makes
 * the worker reserve stay resident. Measured by `npm run bench` (README « Vie des mandats »).
 */
export function optionsMemoire(env: NodeJS.ProcessEnv = process.env): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions'> {
  return {
    maxCachedWorkflows: Number(env.WORKER_CACHED_WORKFLOWS ?? 100),
    maxConcurrentWorkflowTaskExecutions: Number(env.WORKER_WORKFLOW_TASKS ?? 10),
  };
}

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  deps: ActivityDeps;
  /** Extra or replacement activities, for tests that need to inject faults. */
  activities?: Record<string, (...args: never[]) => Promise<unknown>>;
  options?: Partial<WorkerOptions>;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...workflowCode(),
    activities: { ...createActivities(opts.deps), ...opts.activities },
    shutdownGraceTime: '10s',
    ...optionsMemoire(),
    ...opts.options,
  });
}
