// Starting the habilitation and training workflows and sending them updates, from the pages. The rules and
// durations come from the domain (db/domain/habilitation.ts) as workflow inputs. A refused update (its
// validator said no, or the workflow is already closed) becomes a RefusProcessus with a French message:
// nothing was recorded, the page shows the message.
import { randomUUID } from 'node:crypto';
import {
  ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client,
} from '@temporalio/client';
import { reglesFormation, reglesHabilitation, type ReglesFormation, type ReglesHabilitation } from '../../domain/habilitation.ts';
import { DELAI_AVERTISSEMENT_INACTIVITE_MS, DELAI_DESACTIVATION_INACTIVITE_MS } from '../../domain/inactivite.ts';
import { TASK_QUEUE } from '../../../workflows/task-queue.ts';
import { HABILITATION_STATUT, STRUCTURE_ID } from '../../../workflows/search-attributes.ts';
import { decisionEquipe, etatHabilitation, idHabilitation, resoumettre, type Decision, type EtatHabilitation, type habilitation } from '../../../workflows/habilitation.ts';
import {
  enregistrerFormation, enregistrerPix, etatFormation, idFormationAidant, retirerAidant,
  type EtatFormation, type Formation, type Pix, type formationAidant,
} from '../../../workflows/formation-aidant.ts';

export class RefusProcessus extends Error {
  status = 409;
}

export interface OptionsProcessus {
  taskQueue?: string;
  regles?: Partial<Omit<ReglesHabilitation, 'transitions' | 'libellesStatut'>>;
  formation?: Partial<ReglesFormation>;
}

const inactivite = { avertissementMs: DELAI_AVERTISSEMENT_INACTIVITE_MS, desactivationMs: DELAI_DESACTIVATION_INACTIVITE_MS };

/** How long an update is sent again while Temporal refuses it for a workflow task in failed state. */
const REPRISE_MISE_A_JOUR_MS = 60_000;

/**
 * After a worker died holding the workflow's task (README « Pannes et reprises »), Temporal refuses updates
 * (FAILED_PRECONDITION, « Workflow Task in failed state ») until a worker completes a task again, and may say so
 * to an update it had already admitted; and a call whose deadline ran out while no worker took it does not know
 * its outcome. The update is sent again under the same id (Temporal applies an id once and answers its
 * outcome), so staff never read an error for a decision that was recorded.
 */
function aRenvoyer(err: unknown): boolean {
  const cause = (err as { cause?: { code?: number; details?: string } })?.cause;
  // The call's own deadline ran out while no worker took the update: its outcome is read by sending it again.
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  return err instanceof ServiceError && cause?.code === 9 && /Workflow Task in failed state/i.test(cause.details ?? '');
}

async function traduireRefus<T>(fn: (updateId: string) => Promise<T>, siClos: string): Promise<T> {
  const updateId = randomUUID();
  const limite = Date.now() + REPRISE_MISE_A_JOUR_MS;
  for (;;) {
    try {
      return await fn(updateId);
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new RefusProcessus(err.cause?.message ?? err.message);
      if (err instanceof WorkflowNotFoundError) throw new RefusProcessus(siClos);
      if (!aRenvoyer(err) || Date.now() > limite) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Starts `habilitation-<id>` at the first submission; a second click finds it running and is harmless. */
export async function demarrerHabilitation(client: Client, demandeId: string, empreinte: string, opts: OptionsProcessus = {}): Promise<void> {
  try {
    await client.workflow.start<typeof habilitation>('habilitation', {
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      workflowId: idHabilitation(demandeId),
      args: [{ demandeId, regles: reglesHabilitation(opts.regles), formation: reglesFormation(opts.formation), inactivite }, empreinte],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: HABILITATION_STATUT, value: 'AC_VALIDATION_PROCESSING' }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export async function deciderHabilitation(client: Client, demandeId: string, decision: Decision): Promise<EtatHabilitation> {
  return traduireRefus(
    (updateId) => client.workflow.getHandle(idHabilitation(demandeId)).executeUpdate(decisionEquipe, { args: [decision], updateId }),
    "Cette demande n'est plus en cours d'instruction : aucune décision ne peut être enregistrée. Rien n'a été modifié.",
  );
}

export async function resoumettreHabilitation(client: Client, demandeId: string, empreinte: string): Promise<EtatHabilitation> {
  return traduireRefus(
    (updateId) => client.workflow.getHandle(idHabilitation(demandeId)).executeUpdate(resoumettre, { args: [{ empreinte }], updateId }),
    "Cette demande est close : elle ne peut plus être soumise à nouveau.",
  );
}

/** The workflow's view (status, next reminder, trainings), or null when it cannot be read right now. */
export async function lireEtatHabilitation(client: Client, demandeId: string): Promise<EtatHabilitation | null> {
  try {
    return await client.workflow.getHandle(idHabilitation(demandeId)).query(etatHabilitation);
  } catch {
    return null;
  }
}

/** A training started outside a structure request: an aidant added later by a référent, accepted by staff. */
export async function demarrerFormationAidant(client: Client, p: { demandeAidantId: number; structureId: number }, opts: OptionsProcessus = {}): Promise<void> {
  try {
    await client.workflow.start<typeof formationAidant>('formationAidant', {
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      workflowId: idFormationAidant(p.demandeAidantId),
      args: [{ demandeAidantId: p.demandeAidantId, structureId: p.structureId, demandeId: null, regles: reglesFormation(opts.formation), inactivite }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: HABILITATION_STATUT, value: 'FORMATION' }, { key: STRUCTURE_ID, value: p.structureId }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

const FORMATION_CLOSE = "Le parcours de cet aidant est terminé (activé ou retiré) : rien n'a été enregistré.";

export async function enregistrerFormationAidant(client: Client, demandeAidantId: number, formation: Formation): Promise<EtatFormation> {
  return traduireRefus((updateId) => client.workflow.getHandle(idFormationAidant(demandeAidantId)).executeUpdate(enregistrerFormation, { args: [formation], updateId }), FORMATION_CLOSE);
}

export async function enregistrerPixAidant(client: Client, demandeAidantId: number, pix: Pix): Promise<EtatFormation> {
  return traduireRefus((updateId) => client.workflow.getHandle(idFormationAidant(demandeAidantId)).executeUpdate(enregistrerPix, { args: [pix], updateId }), FORMATION_CLOSE);
}

export async function retirerAidantEnFormation(client: Client, demandeAidantId: number, par: 'referent' | 'equipe'): Promise<EtatFormation> {
  return traduireRefus((updateId) => client.workflow.getHandle(idFormationAidant(demandeAidantId)).executeUpdate(retirerAidant, { args: [{ par }], updateId }), FORMATION_CLOSE);
}

export async function lireEtatFormation(client: Client, demandeAidantId: number): Promise<EtatFormation | null> {
  try {
    return await client.workflow.getHandle(idFormationAidant(demandeAidantId)).query(etatFormation);
  } catch {
    return null;
  }
}
