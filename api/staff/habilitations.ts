// What the staff back office of habilitation reads and writes: the list of requests (filter, search), one
// request with its people, timeline, messages and workflow state, the aidants in training or on the waiting
// list, and the waiting-list decisions. The pages (web/habilitation/staff.ts) call these functions.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { courriels } from '../../db/courriels/habilitation.ts';
import type { Formateur } from '../../db/domain/habilitation.ts';
import type { StatutDemandeAidant, StatutDemandeStructure } from '../../db/domain/statuts.ts';
import {
  ajouterEvenement, autoriserRattachement, compteDAutreStructure, evenementsDemande, faitsFormateur, rattachementEnAttente, referentsDeStructure, structureConnue,
  type CompteAilleurs, type EvenementHabilitation, type StructureConnue,
} from '../../db/queries/habilitation.ts';
import { deciderHabilitation, demarrerFormationAidant, enregistrerFormationAidant, enregistrerPixAidant, lireEtatHabilitation } from '../../db/temporal/processes/habilitation.ts';
import type { Decision } from '../../workflows/habilitation.ts';
import type { Formation, Pix } from '../../workflows/formation-aidant.ts';
import type { EtatHabilitation } from '../../workflows/habilitation.ts';
import { messagesDeLaDemande, type MessageHabilitation } from '../habilitation/demandeur.ts';

export interface LigneDemande {
  id: string;
  structure_name: string | null;
  siret: string | null;
  status: StatutDemandeStructure;
  demandeur_email: string;
  submitted_at: Date | null;
}

/** The 200 latest requests, newest submission first; `q` matches the structure name, SIRET, demandeur or référent email. */
export async function listeDemandes(db: Db, filtre: { statut?: string; q?: string }): Promise<LigneDemande[]> {
  const query = db('demandes_habilitation').join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id')
    .select('demandes_habilitation.id', 'structure_name', 'siret', 'status', 'submitted_at', 'demandeurs.email as demandeur_email')
    .orderBy([{ column: 'submitted_at', order: 'desc', nulls: 'last' }, { column: 'demandes_habilitation.created_at', order: 'desc' }]).limit(200);
  if (filtre.statut) query.where('status', filtre.statut);
  if (filtre.q) {
    const motif = `%${filtre.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((w) => w.whereILike('structure_name', motif).orWhereILike('siret', motif.replace(/\s/g, ''))
      .orWhereILike('demandeurs.email', motif).orWhereILike('referent_email', motif));
  }
  return query;
}

/** One aidant of a request (or of the waiting list), as staff see it. */
export interface AidantDemande {
  id: number;
  demande_id: string | null;
  structure_id: number | null;
  first_name: string;
  last_name: string;
  email: string;
  profession: string;
  status: StatutDemandeAidant;
  formation_date: string | Date | null;
  formation_type: string | null;
  trainer_email: string | null;
  pix_date: string | Date | null;
  pix_score: number | null;
  /** The référent of the account's other structure who consented to its attachment here (issue 13). */
  accord_rattachement_par?: number | null;
  accord_rattachement_at?: Date | null;
}

/** An aidant with the status of its structure's request (null for one added later by a référent). */
export interface AidantEtDemande extends AidantDemande {
  demande_status: StatutDemandeStructure | null;
}

const avecStatutDemande = (db: Db) => db('demandes_aidant').leftJoin('demandes_habilitation', 'demandes_habilitation.id', 'demandes_aidant.demande_id')
  .select('demandes_aidant.*', 'demandes_habilitation.status as demande_status');

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
  const demande = await db('demandes_habilitation').where({ id }).first();
  if (!demande) return null;
  const [demandeur, aidants, evenements, messages, etat, structureExistante] = await Promise.all([
    db('demandeurs').where({ id: demande.demandeur_id }).first(),
    db('demandes_aidant').where({ demande_id: id }).orderBy('id'),
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

export async function demandeAidantParId(db: Db, id: number): Promise<AidantEtDemande | null> {
  return Number.isInteger(id) ? ((await avecStatutDemande(db).where('demandes_aidant.id', id).first()) ?? null) : null;
}

/** The aidant a Pix CSV line is for: the latest one in training with this address, else the latest one with it
 * (whatever its status, so the report can say "déjà activé" rather than "adresse inconnue"). */
export async function aidantPourImportPix(db: Db, email: string): Promise<AidantEtDemande | null> {
  const enFormation = await avecStatutDemande(db).where('demandes_aidant.email', email)
    .whereIn('demandes_aidant.status', ['new', 'processing', 'processing_p2p']).orderBy('demandes_aidant.id', 'desc').first();
  return enFormation ?? (await avecStatutDemande(db).where('demandes_aidant.email', email).orderBy('demandes_aidant.id', 'desc').first()) ?? null;
}

/** Facts about a would-be peer trainer (an active account, the mandats it created). */
export function formateurPair(db: Db, email: string): Promise<Formateur | null> {
  return faitsFormateur(db, email);
}

export interface LigneAttente extends AidantDemande {
  structure_name: string;
  structure_id: number;
  /** Names of the other structures the account already belongs to (null: no such account). */
  compte_ailleurs?: string | null;
}

/** Aidants added later by référents: those waiting for staff, and those accepted and in training. */
export async function aidantsAjoutesParLesReferents(db: Db): Promise<{ attente: LigneAttente[]; enFormation: LigneAttente[] }> {
  const base = () => db('demandes_aidant').join('structures', 'structures.id', 'demandes_aidant.structure_id').whereNull('demandes_aidant.demande_id')
    .select('demandes_aidant.*', 'structures.name as structure_name').orderBy('demandes_aidant.id');
  const [attente, enFormation]: LigneAttente[][] = await Promise.all([base().where('demandes_aidant.status', 'waiting_list'), base().whereIn('demandes_aidant.status', ['new', 'processing', 'processing_p2p'])]);
  // An account that already belongs to another structure is flagged: it needs that structure's consent.
  for (const a of attente) {
    const ailleurs = await compteDAutreStructure(db, a.email, a.structure_id);
    a.compte_ailleurs = ailleurs ? ailleurs.structures.map((x) => x.name).join(', ') : null;
  }
  return { attente, enFormation };
}

/** Accepts an aidant of the waiting list: the status and the training workflow start commit together. False when no longer waiting. */
export async function accepterAidantEnAttente(db: Db, temporal: () => Promise<Client>, a: { id: number; structure_id: number }): Promise<boolean> {
  return db.transaction(async (trx) => {
    const ligne = await trx('demandes_aidant').where({ id: a.id }).forUpdate().first('status');
    if (ligne.status !== 'waiting_list') return false;
    await trx('demandes_aidant').where({ id: a.id }).update({ status: 'new' });
    await ajouterEvenement(trx, { demandeAidantId: a.id, type: 'accepte', detail: "Aidant accepté par l'équipe : formation à suivre", acteur: 'equipe' });
    await demarrerFormationAidant(await temporal(), { demandeAidantId: a.id, structureId: a.structure_id });
    return true;
  });
}

/** Refuses an aidant of the waiting list and tells the structure's référents. False when no longer waiting. */
export async function refuserAidantEnAttente(deps: { db: Db }, a: { id: number; structure_id: number; first_name: string; last_name: string }): Promise<boolean> {
  // The refusal and the emails to the référents commit together; the worker sends them (activities/outbox.ts).
  return deps.db.transaction(async (trx) => {
    const n = await trx('demandes_aidant').where({ id: a.id, status: 'waiting_list' }).update({ status: 'refused' });
    if (!n) return false;
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
