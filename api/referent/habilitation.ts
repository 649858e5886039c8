// The référent's side of habilitation: the aidants of their structures and their progress, adding one later
// (waiting list for staff), withdrawing one still on the waiting list. Every read is limited to the
// structures the référent manages (`structureIds`): another structure's aidant is simply not found. The SQL:
// db/queries/habilitation.ts.
import type { Client } from '@temporalio/client';
import { retirerAidantEnFormation } from '../../db/temporal/processes/habilitation.ts';

export {
  ajouterAidantEnListeAttente, demandeAidantDuReferent, demandesAidantDesStructures, emailsDejaDemandes, retirerAidantEnListeAttente, structuresDuReferent,
  type DemandeAidantDeStructure,
} from '../../db/queries/habilitation.ts';

// Issue 13: an aidant of the référent's structures asked for by another structure joins it only with the
// consent of one of the référents (db/queries/habilitation.ts, shared with the validation activity).
export { consentirRattachement, rattachementsAConsentir, type DemandeRattachement } from '../../db/queries/habilitation.ts';

export { RefusProcessus } from '../../db/temporal/processes/habilitation.ts';

/** Withdraws an aidant already in training: an update of its training workflow (RefusProcessus when refused). */
export async function retirerAidantEnFormationParLeReferent(temporal: () => Promise<Client>, demandeAidantId: number): Promise<void> {
  await retirerAidantEnFormation(await temporal(), demandeAidantId, 'referent');
}
