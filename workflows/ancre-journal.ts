// The journal's daily anchor (activities/journal.ts), workflow id `ancre-journal`: writes the anchor of the
// current day, then sleeps until the next period boundary (midnight UTC plus an offset in production), and
// starts a new run every few weeks to keep its history short. Durations are inputs (db/temporal/processes/
// journal.ts passes the production ones). The day is the workflow's clock: a replay or a retry writes for the
// same day, and the activity keeps the first anchor of a day.
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

export interface AncreJournalInput {
  /** A day in production. */
  periodeMs: number;
  /** After the period's start (a few minutes after midnight UTC in production). */
  decalageMs: number;
  /** Anchors written by one run before continue-as-new. */
  parExecution?: number;
}

// The activity verifies the whole chain first: about a minute per million rows on a busy 2-core machine.
const { ecrireAncreJournal } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '30 minutes' },
});

export async function ancreJournal(input: AncreJournalInput): Promise<void> {
  const { periodeMs, decalageMs } = input;
  if (!(periodeMs > 0) || !(decalageMs >= 0) || decalageMs >= periodeMs) throw new Error('ancreJournal : durées invalides');
  const parExecution = input.parExecution ?? 30;
  for (let i = 0; i < parExecution; i++) {
    const maintenant = Date.now();
    await ecrireAncreJournal(new Date(maintenant).toISOString().slice(0, 10));
    const prochaine = Math.floor((maintenant - decalageMs) / periodeMs) * periodeMs + periodeMs + decalageMs;
    await sleep(Math.max(1, prochaine - Date.now()));
  }
  await continueAsNew<typeof ancreJournal>(input);
}
