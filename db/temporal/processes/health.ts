// The deep health check's round trip (api/health.ts): a tiny workflow and its activity on the service's task
// queue prove that a worker is polling and can reach PostgreSQL.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';
import type { healthCheck } from '../../../workflows/health.ts';

export async function allerRetourWorker(client: Client, timeoutMs: number, taskQueue = TASK_QUEUE): Promise<void> {
  const nonce = randomUUID();
  const result = await client.workflow.execute<typeof healthCheck>('healthCheck', {
    taskQueue,
    workflowId: `health-${nonce}`,
    args: [nonce],
    workflowExecutionTimeout: timeoutMs,
  });
  if (result !== `pong:${nonce}`) throw new Error(`réponse inattendue du worker : ${result}`);
}
