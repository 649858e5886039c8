// What the staff back office of habilitation reads and writes: the list of requests (filter, search), one
// request with its people, timeline, messages and workflow state, the aidants in training or on the waiting
// list, and the waiting-list decisions. The pages (web/habilitation/staff.ts) call these functions; the SQL is
// in db/queries/habilitation.ts.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { courriels } from '../../db/courriels/habilitation.ts';
import type { Formateur } from '../../db/domain/habilitation.ts';
import type { StatutDemandeStructure } from '../../db/domain/statuts.ts';
import {
  aidantsDeLaDemande, ajouterEvenement, autoriserRattachement, demandeParId, demandeurParId, evenementsDemande, faitsFormateur, messagesDeLaDemande, passerEnFormation,
  rattachementEnAttente, referentsDeStructure, refuserEnListeAttente, statutDemandeAidantVerrouille, structureConnue,
  type AidantDemande, type CompteAilleurs, type EvenementHabilitation, type MessageHabilitation, type StructureConnue,
} from '../../db/queries/habilitation.ts';
import { deciderHabilitation, demarrerFormationAidant, enregistrerFormationAidant, enregistrerPixAidant, lireEtatHabilitation } from '../../db/temporal/processes/habilitation.ts';
import type { Decision } from '../../workflows/habilitation.ts';
import type { Formation, Pix } from '../../workflows/formation-aidant.ts';
import type { EtatHabilitation } from '../../workflows/habilitation.ts';

export {
  aidantPourImportPix, aidantsAjoutesParLesReferents, demandeAidantParId, listeDemandes,
  type AidantDemande, type AidantEtDemande, type LigneAttente, type LigneDemande,
} from '../../db/queries/habilitation.ts';

export interface VueDemandeStaff {
  demande: Record<string, unknown> & { id: string; status: StatutDemandeStructure };
  demandeur: { first_name: string; last_name: string; email: string; profession: string };
  aidants: AidantDemande[];
  evenements: EvenementHabilitation[];
  messages: MessageHabilitation[];
  etat: EtatHabilitation | null;
  /** The structure that already has this SIRET (before validation), with its référents. */
  structureExistante?: StructureConnue | null;
}

/** A request with everything its staff page shows; null when there is none with this id. */
export async function vueDemandeStaff(db: Db, temporal: () => Promise<Client>, id: string): Promise<VueDemandeStaff | null> {
  const demande = await demandeParId(db, id);
  if (!demande) return null;
  const [demandeur, aidants, evenements, messages, etat, structureExistante] = await Promise.all([
    demandeurParId(db, demande.demandeur_id),
    aidantsDeLaDemande(db, id),
    evenementsDemande(db, id),
    messagesDeLaDemande(db, id),
    demande.status === 'NEW' ? null : temporal().then((c) => lireEtatHabilitation(c, id)).catch(() => null),
    demande.structure_id ? null : structureConnue(db, demande.siret),
  ]);
  return { demande, demandeur, aidants, evenements, messages, etat, structureExistante };
}

/**
 * Staff's explicit decision to add the request's référent (and aidants) to the structure that already has its
 * SIRET: recorded on the request, applied and journaled (`referent_attachment`) by the validation activity.
 */
export function autoriserRattachementStructure(db: Db, demandeId: string, staffId: number): Promise<void> {
  return autoriserRattachement(db, demandeId, staffId);
}

/** The waiting-list aidant's existing account in another structure, whose référent has not consented yet (null: none). */
export function rattachementNonConsenti(db: Db, a: { email: string; structure_id: number; accord_rattachement_par?: number | null }): Promise<CompteAilleurs | null> {
  return rattachementEnAttente(db, { ...a, accord_rattachement_par: a.accord_rattachement_par ?? null });
}

/** Facts about a would-be peer trainer (an active account, the mandats it created). */
export function formateurPair(db: Db, email: string): Promise<Formateur | null> {
  return faitsFormateur(db, email);
}

/** Accepts an aidant of the waiting list: the status and the training workflow start commit together. False when no longer waiting. */
export async function accepterAidantEnAttente(db: Db, temporal: () => Promise<Client>, a: { id: number; structure_id: number }): Promise<boolean> {
  return db.transaction(async (trx) => {
    if ((await statutDemandeAidantVerrouille(trx, a.id)) !== 'waiting_list') return false;
    await passerEnFormation(trx, a.id);
    await ajouterEvenement(trx, { demandeAidantId: a.id, type: 'accepte', detail: "Aidant accepté par l'équipe : formation à suivre", acteur: 'equipe' });
    await demarrerFormationAidant(await temporal(), { demandeAidantId: a.id, structureId: a.structure_id });
    return true;
  });
}

/** Refuses an aidant of the waiting list and tells the structure's référents. False when no longer waiting. */
export async function refuserAidantEnAttente(deps: { db: Db }, a: { id: number; structure_id: number; first_name: string; last_name: string }): Promise<boolean> {
  // The refusal and the emails to the référents commit together; the worker sends them (activities/outbox.ts).
  return deps.db.transaction(async (trx) => {
    if (!(await refuserEnListeAttente(trx, a.id))) return false;
    await ajouterEvenement(trx, { demandeAidantId: a.id, type: 'refuse', detail: "Aidant refusé par l'équipe", acteur: 'equipe' });
    for (const r of await referentsDeStructure(trx, a.structure_id)) {
      const c = courriels.nouvelAidantRefuse({ prenom: r.first_name, aidant: `${a.first_name} ${a.last_name}` });
      await enqueueEmail(trx, { idempotencyKey: `demande-aidant-${a.id}-refusee-${r.id}`, to: r.email, subject: c.subject, text: c.text });
    }
    return true;
  });
}

// The staff's decisions and records are updates of the running workflows; a refused one is a RefusProcessus
// (db/temporal/processes/habilitation.ts) whose French message the page shows: nothing was recorded.
export { RefusProcessus } from '../../db/temporal/processes/habilitation.ts';

export async function deciderDemande(temporal: () => Promise<Client>, demandeId: string, decision: Decision): Promise<void> {
  await deciderHabilitation(await temporal(), demandeId, decision);
}

export async function enregistrerFormation(temporal: () => Promise<Client>, demandeAidantId: number, formation: Formation): Promise<void> {
  await enregistrerFormationAidant(await temporal(), demandeAidantId, formation);
}

export async function enregistrerPix(temporal: () => Promise<Client>, demandeAidantId: number, pix: Pix): Promise<void> {
  await enregistrerPixAidant(await temporal(), demandeAidantId, pix);
}
