// Starting and stopping the inactivity watch of aidant accounts (workflows/inactivite.ts). Called when an
// account is activated or reactivated (espace référent, staff), deactivated for another reason, and by the
// seed command's reconciliation. The production durations are passed here, from the domain, as inputs.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Db } from '../../connection.ts';
import { DELAI_AVERTISSEMENT_INACTIVITE_MS, DELAI_DESACTIVATION_INACTIVITE_MS } from '../../domain/inactivite.ts';
import { AIDANT_ID, INACTIVITE_ETAPE } from '../../../workflows/search-attributes.ts';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';
import { arreterVeille, type inactiviteAidant } from '../../../workflows/inactivite.ts';

export interface OptionsVeilleInactivite {
  avertissementMs?: number;
  desactivationMs?: number;
  taskQueue?: string;
}

export function idVeilleInactivite(aidantId: number): string {
  return `inactivite-${aidantId}`;
}

function demarrer(client: Client, aidantId: number, opts: OptionsVeilleInactivite, siEnCours: WorkflowIdConflictPolicy) {
  return client.workflow.start<typeof inactiviteAidant>('inactiviteAidant', {
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowId: idVeilleInactivite(aidantId),
    args: [{
      aidantId,
      avertissementMs: opts.avertissementMs ?? DELAI_AVERTISSEMENT_INACTIVITE_MS,
      desactivationMs: opts.desactivationMs ?? DELAI_DESACTIVATION_INACTIVITE_MS,
    }],
    // One watch per account: a running one is kept, a closed one (deactivated, stopped) may be followed by a new one.
    workflowIdConflictPolicy: siEnCours,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    // Visible in the Temporal UI from the start (the workflow keeps them up to date).
    typedSearchAttributes: [
      { key: AIDANT_ID, value: aidantId },
      { key: INACTIVITE_ETAPE, value: 'veille' },
    ],
  });
}

/** Starts the watch of an account; harmless when it already runs (the running one is kept). */
export async function demarrerVeilleInactivite(client: Client, aidantId: number, opts: OptionsVeilleInactivite = {}) {
  return demarrer(client, aidantId, opts, 'USE_EXISTING');
}

/** After a reactivation: a fresh watch counting from now, replacing any run that survived the deactivation. */
export async function redemarrerVeilleInactivite(client: Client, aidantId: number, opts: OptionsVeilleInactivite = {}) {
  return demarrer(client, aidantId, opts, 'TERMINATE_EXISTING');
}

/** Ends the running watch cleanly; returns false when none runs. */
export async function arreterVeilleInactivite(client: Client, aidantId: number): Promise<boolean> {
  try {
    await client.workflow.getHandle(idVeilleInactivite(aidantId)).signal(arreterVeille);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Starts the missing watches: one for every active non-staff account. */
export async function demarrerVeillesManquantes(db: Db, client: Client, opts: OptionsVeilleInactivite = {}): Promise<{ demarrees: number; dejaEnCours: number }> {
  const ids: number[] = await db('aidants').where({ is_active: true, is_staff: false }).orderBy('id').pluck('id');
  const bilan = { demarrees: 0, dejaEnCours: 0 };
  const PAR_LOT = 20;
  for (let i = 0; i < ids.length; i += PAR_LOT) {
    await Promise.all(
      ids.slice(i, i + PAR_LOT).map(async (id) => {
        try {
          await demarrer(client, id, opts, 'FAIL');
          bilan.demarrees++;
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          bilan.dejaEnCours++;
        }
      }),
    );
  }
  return bilan;
}
