// One pass of the suspicious-activity survey, started every few minutes by a Temporal schedule
// (db/temporal/processes/alertes.ts, overlap: skip). All the work is one idempotent activity: the schedule gives
// the rhythm, Temporal the retries; the workflow holds no state.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

const { examinerActivite } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

export async function surveillanceActivite(): Promise<{ actes: number; alertes: number }> {
  return examinerActivite();
}
