// Starting the journal's daily anchor (workflows/ancre-journal.ts): once per cluster, by the worker at start
// (a running one is kept). The production durations come from here.
import type { Client } from '@temporalio/client';
import { JOUR_MS, MINUTE_MS } from '../../domain/durees.ts';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';
import type { ancreJournal, AncreJournalInput } from '../../../workflows/ancre-journal.ts';

export const ID_ANCRE_JOURNAL = 'ancre-journal';

export async function demarrerAncreJournal(client: Client, opts: Partial<AncreJournalInput> & { taskQueue?: string; workflowId?: string } = {}) {
  return client.workflow.start<typeof ancreJournal>('ancreJournal', {
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowId: opts.workflowId ?? ID_ANCRE_JOURNAL,
    args: [{ periodeMs: opts.periodeMs ?? JOUR_MS, decalageMs: opts.decalageMs ?? 5 * MINUTE_MS, parExecution: opts.parExecution }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}
