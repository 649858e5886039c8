// The référent's side of habilitation: the aidants of their structures and their progress, adding one later
// (waiting list for staff), withdrawing one still on the waiting list. Every read is limited to the
// structures the référent manages (`structureIds`): another structure's aidant is simply not found.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import type { StatutDemandeAidant } from '../../db/domain/statuts.ts';
import { ajouterEvenement } from '../../db/queries/habilitation.ts';
import { retirerAidantEnFormation } from '../../db/temporal/processes/habilitation.ts';
import type { AidantDemande as NouvelAidant } from '../../db/domain/demande-habilitation.ts';

export interface DemandeAidantDeStructure {
  id: number;
  structure_id: number;
  structure_name: string;
  first_name: string;
  last_name: string;
  email: string;
  profession: string;
  status: StatutDemandeAidant;
}

export async function structuresDuReferent(db: Db, structureIds: number[]): Promise<{ id: number; name: string }[]> {
  return db('structures').whereIn('id', structureIds).orderBy('name').select('id', 'name');
}

/** Every aidant request of these structures, newest first. */
export async function demandesAidantDesStructures(db: Db, structureIds: number[]): Promise<DemandeAidantDeStructure[]> {
  return db('demandes_aidant').join('structures', 'structures.id', 'demandes_aidant.structure_id').whereIn('demandes_aidant.structure_id', structureIds)
    .select('demandes_aidant.*', 'structures.name as structure_name').orderBy('demandes_aidant.id', 'desc');
}

/** Addresses with an open (or validated) request in this structure: adding one of them again is refused. */
export async function emailsDejaDemandes(db: Db, structureId: number): Promise<string[]> {
  return db('demandes_aidant').where({ structure_id: structureId }).whereNotIn('status', ['refused', 'cancelled', 'cancelled_by_referent']).pluck('email');
}

export async function ajouterAidantEnListeAttente(db: Db, p: { structureId: number; referentId: number; valeurs: NouvelAidant }): Promise<void> {
  await db.transaction(async (trx) => {
    const [row] = await trx('demandes_aidant').insert({ ...p.valeurs, structure_id: p.structureId, status: 'waiting_list', added_by_id: p.referentId }).returning('id');
    await ajouterEvenement(trx, { demandeAidantId: row.id, type: 'liste_attente', detail: "Aidant ajouté par le référent : en attente de l'équipe", acteur: 'referent' });
  });
}

/** One aidant request of the référent's structures, or null (unknown id or another structure's). */
export async function demandeAidantDuReferent(db: Db, structureIds: number[], id: number): Promise<DemandeAidantDeStructure | null> {
  if (!Number.isInteger(id)) return null;
  const a = await db('demandes_aidant').where({ id }).first();
  return a && structureIds.includes(a.structure_id) ? a : null;
}

export async function retirerAidantEnListeAttente(db: Db, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const n = await trx('demandes_aidant').where({ id, status: 'waiting_list' }).update({ status: 'cancelled_by_referent' });
    if (n) await ajouterEvenement(trx, { demandeAidantId: id, type: 'retrait', detail: 'Aidant retiré par le référent', acteur: 'referent' });
  });
}

// Issue 13: an aidant of the référent's structures asked for by another structure joins it only with the
// consent of one of the référents (db/queries/habilitation.ts, shared with the validation activity).
export { consentirRattachement, rattachementsAConsentir, type DemandeRattachement } from '../../db/queries/habilitation.ts';

export { RefusProcessus } from '../../db/temporal/processes/habilitation.ts';

/** Withdraws an aidant already in training: an update of its training workflow (RefusProcessus when refused). */
export async function retirerAidantEnFormationParLeReferent(temporal: () => Promise<Client>, demandeAidantId: number): Promise<void> {
  await retirerAidantEnFormation(await temporal(), demandeAidantId, 'referent');
}
