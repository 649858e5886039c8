// Starting and notifying the remote consent workflows (workflows/consentement.ts), and signalling again the
// answers Temporal missed (the worker's periodic reconciliation). The production durations are passed here,
// from the domain, as inputs.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../connection.ts';
import { DELAI_REPONSE_CONSENTEMENT_MS, FENETRE_RETRANSMISSION_REPONSE_MS, idWorkflowConsentement } from '../../domain/consentement.ts';
import { reponsesNonLues, supprimerSmsRecu } from '../../queries/consentement.ts';
import { DUREE_CONSERVATION_MANDAT_MS } from '../../domain/mandat.ts';
import { CONSENTEMENT_STATUT, STRUCTURE_ID } from '../../../workflows/search-attributes.ts';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';
import { annulerDemande, relancerEnvoi, reponseSms, type consentement } from '../../../workflows/consentement.ts';

export interface OptionsConsentement {
  /** Default 24 hours (db/domain/consentement.ts). */
  delaiReponseMs?: number;
  /** Default: the mandats' 6 years. */
  conservationMs?: number;
  taskQueue?: string;
}

/** Starts the workflow of a request already committed (its first activity reads it). */
export async function demarrerConsentement(
  client: Client,
  d: { demandeId: string; structureId: number },
  opts: OptionsConsentement = {},
): Promise<void> {
  await client.workflow.start<typeof consentement>('consentement', {
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    workflowId: idWorkflowConsentement(d.demandeId),
    args: [{
      demandeId: d.demandeId,
      structureId: d.structureId,
      delaiReponseMs: opts.delaiReponseMs ?? DELAI_REPONSE_CONSENTEMENT_MS,
      conservationMs: opts.conservationMs ?? DUREE_CONSERVATION_MANDAT_MS,
    }],
    // A request id is fresh (UUID v4): a second start of the same id is a bug, never a retry to absorb.
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [{ key: CONSENTEMENT_STATUT, value: 'envoi' }, { key: STRUCTURE_ID, value: d.structureId }],
  });
}

/** Tells the request's workflow that an answer was stored; false when no run is open (purged long ago). */
export async function signalerReponseSms(client: Client, demandeId: string, smsId: number): Promise<boolean> {
  try {
    await client.workflow.getHandle(idWorkflowConsentement(demandeId)).signal(reponseSms, { smsId });
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** The aidant retries a failed SMS. */
export async function signalerRelance(client: Client, demandeId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(idWorkflowConsentement(demandeId)).signal(relancerEnvoi);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** The aidant cancelled the request (already recorded): its workflow stops sending and waiting. */
export async function signalerAnnulation(client: Client, demandeId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(idWorkflowConsentement(demandeId)).signal(annulerDemande);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Signals again every stored answer no workflow has read (the webhook could not reach Temporal in time,
 * api/consentement/reponses.ts); the workflow reads each SMS once, so a second signal of an answer already
 * queued changes nothing. An answer whose request has no workflow any more is deleted, as the webhook does.
 * Only the answers of the last FENETRE_RETRANSMISSION_REPONSE_MS: one still unread after that is left alone.
 */
export async function retransmettreReponsesSms(db: Db, client: Client): Promise<{ retransmises: number; supprimees: number }> {
  const bilan = { retransmises: 0, supprimees: 0 };
  for (const r of await reponsesNonLues(db, new Date(Date.now() - FENETRE_RETRANSMISSION_REPONSE_MS))) {
    if (await signalerReponseSms(client, r.consent_request_id, r.id)) bilan.retransmises++;
    else {
      await supprimerSmsRecu(db, r.id);
      bilan.supprimees++;
    }
  }
  return bilan;
}
