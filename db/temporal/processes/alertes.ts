// The schedule of the suspicious-activity survey (workflows/surveillance.ts): every INTERVALLE_SURVEILLANCE_MS,
// never two passes at once (overlap SKIP: a slow pass delays the next, the cursor makes it catch up). Created
// by the worker at start-up; already there, it is updated to the current interval.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { INTERVALLE_SURVEILLANCE_MS } from '../../domain/alertes.ts';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';

export const ID_PLANIFICATION_SURVEILLANCE = 'surveillance-activite';

export async function assurerPlanificationSurveillance(client: Client, opts: { intervalleMs?: number; taskQueue?: string } = {}): Promise<'creee' | 'mise-a-jour'> {
  const intervalle = opts.intervalleMs ?? INTERVALLE_SURVEILLANCE_MS;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'surveillanceActivite',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowExecutionTimeout: intervalle * 5,
  };
  try {
    await client.schedule.create({
      scheduleId: ID_PLANIFICATION_SURVEILLANCE,
      spec: { intervals: [{ every: intervalle }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: intervalle },
    });
    return 'creee';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(ID_PLANIFICATION_SURVEILLANCE).update((prev) => ({ ...prev, spec: { intervals: [{ every: intervalle }] }, action }));
    return 'mise-a-jour';
  }
}
