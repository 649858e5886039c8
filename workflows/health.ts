// A tiny workflow whose only job is to prove, for GET /health, that a worker picks up work end to end.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

const { ping } = proxyActivities<Activities>({ startToCloseTimeout: '5 seconds', retry: { maximumAttempts: 1 } });

export async function healthCheck(nonce: string): Promise<string> {
  return ping(nonce);
}
