// Starting and notifying the life of each mandat (workflows/mandat.ts). The creation request starts it right
// after its transaction committed; a start that failed (Temporal down) is caught up by the worker's
// reconciliation at start-up and then periodically, which starts every mandat whose `workflow_started_at` is
// still empty: no mandat without its workflow. The revocation request notifies it after its own transaction committed. The
// production durations are passed here, from the domain, as inputs.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandleWithFirstExecutionRunId, type WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Db } from '../../connection.ts';
import { DUREE_CONSERVATION_MANDAT_MS, rappelAvantExpiration, type DureeMandat } from '../../domain/mandat.ts';
import { marquerViesDemarrees, mandatsSansVie, type MandatSansVie } from '../../queries/mandats.ts';
import { MANDAT_STATUT, STRUCTURE_ID } from '../../../workflows/search-attributes.ts';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';
import { mandatRevoque, mandatTransfere, type mandat } from '../../../workflows/mandat.ts';
import { retransmettreReponsesSms } from './consentement.ts';

export interface OptionsVieMandat {
  /** Reminder before expiry; default from the duration (db/domain/mandat.ts), null for none. */
  rappelAvantMs?: number | null;
  /** Retention after the end; default 6 years. */
  conservationMs?: number;
  taskQueue?: string;
}

export interface MandatADemarrer {
  mandatId: number;
  expiresAt: Date;
  duree: DureeMandat | 'EUS_03_20';
  /** For the StructureId search attribute. */
  structureId?: number;
}

export function idVieMandat(mandatId: number): string {
  return `mandat-${mandatId}`;
}

function demarrer(client: Client, m: MandatADemarrer, opts: OptionsVieMandat, siEnCours: WorkflowIdConflictPolicy): Promise<WorkflowHandleWithFirstExecutionRunId<typeof mandat>> {
  return client.workflow.start<typeof mandat>('mandat', {
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowId: idVieMandat(m.mandatId),
    args: [{
      mandatId: m.mandatId,
      ...(m.structureId === undefined ? {} : { structureId: m.structureId }),
      expiresAtMs: m.expiresAt.getTime(),
      rappelAvantMs: opts.rappelAvantMs === undefined ? rappelAvantExpiration(m.duree) : opts.rappelAvantMs,
      conservationMs: opts.conservationMs ?? DUREE_CONSERVATION_MANDAT_MS,
    }],
    // One life per mandat, from creation to purge (the retention continues as new under the same id). A
    // completed life is never started again; a failed or terminated one may be.
    workflowIdConflictPolicy: siEnCours,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    typedSearchAttributes: [
      { key: MANDAT_STATUT, value: 'active' },
      ...(m.structureId === undefined ? [] : [{ key: STRUCTURE_ID, value: m.structureId }]),
    ],
  });
}

/**
 * Starts the life of a mandat, then records that it runs. Harmless when it already runs (the running one is
 * kept). Throws when Temporal is unreachable: the mandat stays marked as not started, for the reconciliation.
 */
export async function demarrerVieMandat(db: Db, client: Client, m: MandatADemarrer, opts: OptionsVieMandat = {}): Promise<WorkflowHandleWithFirstExecutionRunId<typeof mandat>> {
  const handle = await demarrer(client, m, opts, 'USE_EXISTING');
  await marquerViesDemarrees(db, [m.mandatId]);
  return handle;
}

/**
 * Tells the mandat's workflow that a revocation committed (it re-reads the mandat). False when no run is
 * open: not started yet (the reconciliation will start it and read the revocation) or already over.
 */
export async function signalerRevocationMandat(client: Client, mandatId: number): Promise<boolean> {
  try {
    await client.workflow.getHandle(idVieMandat(mandatId)).signal(mandatRevoque);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Tells the mandat's workflow it now belongs to another structure (its StructureId search attribute follows).
 * False when no run is open (not started yet: the reconciliation starts it with the new structure).
 */
export async function signalerTransfertMandat(client: Client, mandatId: number, structureId: number): Promise<boolean> {
  try {
    await client.workflow.getHandle(idVieMandat(mandatId)).signal(mandatTransfere, { structureId });
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * A mandat that already ended (revoked before its workflow could start) is started with its end as deadline:
 * the workflow reads the end at once and goes to retention, without a reminder.
 */
function aDemarrer(row: MandatSansVie): MandatADemarrer {
  const finMs = row.status !== 'active' && row.ended_at ? Math.min(row.ended_at.getTime(), row.expires_at.getTime()) : row.expires_at.getTime();
  return { mandatId: row.id, structureId: row.structure_id, expiresAt: new Date(finMs), duree: row.duree_keyword };
}

/** Starts the life of every mandat not yet marked as started, in batches; the running ones are only marked. */
export async function demarrerViesMandatManquantes(db: Db, client: Client, opts: OptionsVieMandat & { parLot?: number } = {}): Promise<{ demarrees: number; dejaEnCours: number }> {
  const bilan = { demarrees: 0, dejaEnCours: 0 };
  const parLot = opts.parLot ?? 200;
  const EN_PARALLELE = 20;
  let apres = 0;
  for (;;) {
    const lot = await mandatsSansVie(db, apres, parLot);
    if (!lot.length) return bilan;
    apres = lot[lot.length - 1].id;
    for (let i = 0; i < lot.length; i += EN_PARALLELE) {
      const tranche = lot.slice(i, i + EN_PARALLELE);
      await Promise.all(
        tranche.map(async (row) => {
          try {
            await demarrer(client, aDemarrer(row), opts, 'FAIL');
            bilan.demarrees++;
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            bilan.dejaEnCours++;
          }
        }),
      );
      await marquerViesDemarrees(db, tranche.map((r) => r.id));
    }
  }
}

export interface ReconciliationPeriodique {
  /** Stops the passes; waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * The worker's reconciliation, again every `intervalMs` (README « Pannes et reprises »): the worker survives an
 * outage of Temporal (it reconnects by itself), so the mandats created meanwhile (their start failed after the
 * commit, api/mandats/creation.ts) get their workflow, and the SMS answers the webhook kept without reaching
 * Temporal (api/consentement/reponses.ts) reach their workflow, without waiting for a restart of the worker.
 * One pass at a time; a pass that fails (Temporal or PostgreSQL still down) is logged and the next one tries
 * again. `apresPasse` sees each pass's outcome (the worker logs it; the drill waits for it).
 */
export function reconcilierViesMandatsPeriodiquement(
  db: Db,
  temporal: () => Promise<Client>,
  opts: OptionsVieMandat & { intervalMs: number; apresPasse?: (bilan: BilanReconciliation | { erreur: unknown }) => void },
): ReconciliationPeriodique {
  let arrete = false;
  let minuterie: NodeJS.Timeout | null = null;
  let enCours: Promise<void> = Promise.resolve();
  const passe = async () => {
    let bilan: BilanReconciliation | { erreur: unknown };
    try {
      const client = await temporal();
      const mandats = await demarrerViesMandatManquantes(db, client, opts);
      bilan = { mandats, reponsesSms: await retransmettreReponsesSms(db, client) };
    } catch (erreur) {
      bilan = { erreur };
    }
    opts.apresPasse?.(bilan);
  };
  const suivante = () => {
    if (arrete) return;
    minuterie = setTimeout(() => {
      enCours = passe().finally(suivante);
    }, opts.intervalMs);
    minuterie.unref();
  };
  suivante();
  return {
    async stop() {
      arrete = true;
      if (minuterie) clearTimeout(minuterie);
      await enCours;
    },
  };
}

export interface BilanReconciliation {
  mandats: { demarrees: number; dejaEnCours: number };
  reponsesSms: { retransmises: number; supprimees: number };
}
