// Retention of an ended mandat (CGU §7.1), the second and last part of workflow `mandat-<id>` (workflows/mandat.ts
// continues as new into it): sleep until the purge date, purge, done. A run lives 6 years, so this code must not
// change: its steps are replayed from tests/histories/conservationMandat/, and any change to them needs
// patched() plus a new saved history. It shares no helper with the other workflows on purpose (only the
// search-attribute key), so that an edit elsewhere cannot alter what it replays.
import { proxyActivities, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { MANDAT_STATUT } from './search-attributes.ts';

export interface EntreeConservationMandat {
  mandatId: number;
  /** Absolute purge date (ms, workflow time): end of the mandat + retention, fixed when the mandat ended. */
  purgeAMs: number;
}

export interface FinConservationMandat {
  /** purge: deleted now; deja-purge: a previous attempt did it; absent: the rows were already gone. */
  issue: 'purge' | 'deja-purge' | 'absent';
  usagerSupprime: boolean;
  /** Workflow time of the purge. */
  aMs: number;
}

// One short transaction: a worker dying during it is noticed after 10 s (no heartbeat), then retried.
const { purgerMandat } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 hour' },
});

function afficher(valeur: 'conservation' | 'purge'): void {
  if (workflowInfo().typedSearchAttributes.get(MANDAT_STATUT) !== valeur) upsertSearchAttributes([{ key: MANDAT_STATUT, value: valeur }]);
}

export async function conservationMandat({ mandatId, purgeAMs }: EntreeConservationMandat): Promise<FinConservationMandat> {
  afficher('conservation');
  const restant = purgeAMs - Date.now();
  if (restant > 0) await sleep(restant);
  const { issue, usagerSupprime } = await purgerMandat({ mandatId, purgeAMs });
  afficher('purge');
  return { issue, usagerSupprime, aMs: Date.now() };
}
