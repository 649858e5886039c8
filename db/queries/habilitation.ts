// All SQL of habilitation: the tables shared by the pages and the activities (timeline events, référents of a
// structure, staff recipients, peer-trainer facts, demandeur links, attachments), then what the demandeur's,
// the référent's and the staff's use cases read and write (api/habilitation, api/referent, api/staff).
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Formateur } from '../domain/habilitation.ts';
import type { AidantDemande as NouvelAidant } from '../domain/demande-habilitation.ts';
import type { StatutDemandeAidant, StatutDemandeStructure } from '../domain/statuts.ts';
import { empreinteJeton } from '../domain/jetons.ts';

export interface NouvelEvenement {
  demandeId?: string | null;
  demandeAidantId?: number | null;
  type: string;
  detail?: string;
  acteur?: string;
  /** Written at most once per key (activities are retried). */
  cle?: string;
}

export async function ajouterEvenement(db: Db | Knex.Transaction, e: NouvelEvenement): Promise<void> {
  const q = db('evenements_habilitation').insert({
    demande_id: e.demandeId ?? null,
    demande_aidant_id: e.demandeAidantId ?? null,
    type: e.type,
    detail: e.detail ?? '',
    acteur: e.acteur ?? 'systeme',
    idempotency_key: e.cle ?? null,
  });
  await (e.cle ? q.onConflict('idempotency_key').ignore() : q);
}

export interface EvenementHabilitation {
  id: number;
  demande_id: string | null;
  demande_aidant_id: number | null;
  type: string;
  detail: string;
  acteur: string;
  created_at: Date;
}

/** The timeline of a request: its own events and those of its aidants, oldest first. */
export async function evenementsDemande(db: Db, demandeId: string): Promise<EvenementHabilitation[]> {
  return db('evenements_habilitation')
    .where('demande_id', demandeId)
    .orWhereIn('demande_aidant_id', db('demandes_aidant').where('demande_id', demandeId).select('id'))
    .orderBy([{ column: 'created_at' }, { column: 'id' }]);
}

export async function referentsDeStructure(db: Db | Knex.Transaction, structureId: number): Promise<{ id: number; email: string; first_name: string; last_name: string }[]> {
  return db('aidants')
    .join('referent_structures', 'referent_structures.aidant_id', 'aidants.id')
    .where({ 'referent_structures.structure_id': structureId, 'aidants.is_active': true })
    .select('aidants.id', 'aidants.email', 'aidants.first_name', 'aidants.last_name')
    .orderBy('aidants.id');
}

export async function equipeAidantsConnect(db: Db): Promise<{ id: number; email: string }[]> {
  return db('aidants').where({ is_staff: true, is_active: true }).select('id', 'email').orderBy('id');
}

/** Facts about a would-be peer trainer: an active account and the mandats it created (journal). */
export async function faitsFormateur(db: Db, email: string): Promise<Formateur | null> {
  const aidant = await db('aidants').where({ email: email.trim().toLowerCase() }).first('id', 'is_active', 'can_create_mandats');
  if (!aidant) return null;
  const row = await db('journal').where({ aidant_id: aidant.id, action: 'create_attestation' }).count({ n: '*' }).first();
  return { actif: aidant.is_active && aidant.can_create_mandats, nombreMandats: Number(row?.n ?? 0) };
}

export interface StructureConnue {
  id: number;
  name: string;
  siret: string;
  referents: { id: number; email: string; first_name: string; last_name: string }[];
}

/** The structure already registered with this SIRET, and its active référents (null when unknown). */
export async function structureConnue(db: Db | Knex.Transaction, siret: unknown): Promise<StructureConnue | null> {
  if (typeof siret !== 'string' || !siret) return null;
  const s = await db('structures').where({ siret }).first('id', 'name', 'siret');
  return s ? { ...s, referents: await referentsDeStructure(db, s.id) } : null;
}

/**
 * Staff's explicit decision to add the request's référent (and aidants) to the structure that already has
 * this SIRET: recorded on the request, applied and journaled (`referent_attachment`) by the validation
 * activity. Without it, the validation of a known SIRET attaches no one.
 */
export async function autoriserRattachement(db: Db, demandeId: string, staffId: number): Promise<void> {
  await db('demandes_habilitation').where({ id: demandeId }).update({ rattachement_autorise_par: staffId, rattachement_autorise_at: db.fn.now() });
}

export interface CompteAilleurs {
  aidantId: number;
  /** The structures the account already belongs to, other than the one it is asked for. */
  structures: { id: number; name: string }[];
}

/**
 * An existing account with this email that belongs to other structures and not yet to `structureId`:
 * attaching it would give this structure's référents power over another structure's aidant, so it needs
 * the consent of one of that structure's référents (demandes_aidant.accord_rattachement_par).
 */
export async function compteDAutreStructure(db: Db | Knex.Transaction, email: string, structureId: number): Promise<CompteAilleurs | null> {
  const compte = await db('aidants').where({ email }).first('id');
  if (!compte) return null;
  const structures: { id: number; name: string }[] = await db('aidant_structures')
    .join('structures', 'structures.id', 'aidant_structures.structure_id')
    .where({ aidant_id: compte.id })
    .select('structures.id', 'structures.name')
    .orderBy('structures.id');
  if (!structures.length || structures.some((s) => s.id === structureId)) return null;
  return { aidantId: compte.id, structures };
}

/** True when this per-aidant request may not attach its account yet (another structure's, no consent). */
export async function rattachementEnAttente(db: Db | Knex.Transaction, a: { email: string; structure_id: number; accord_rattachement_par: number | null }): Promise<CompteAilleurs | null> {
  if (a.accord_rattachement_par) return null;
  return compteDAutreStructure(db, a.email, a.structure_id);
}

export interface DemandeRattachement {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  status: string;
  structure_name: string;
  structure_id: number;
}

/** Requests to attach an aidant of the référent's structures to another structure, awaiting their consent. */
export async function rattachementsAConsentir(db: Db, structureIds: number[]): Promise<DemandeRattachement[]> {
  return db('demandes_aidant as d')
    .join('structures as s', 's.id', 'd.structure_id')
    .join('aidants as a', 'a.email', 'd.email')
    .whereIn('d.status', ['waiting_list', 'new', 'processing', 'processing_p2p'])
    .whereNull('d.accord_rattachement_par')
    .whereNotIn('d.structure_id', structureIds)
    .whereExists(db('aidant_structures as m').whereRaw('m.aidant_id = a.id').whereIn('m.structure_id', structureIds))
    .whereNotExists(db('aidant_structures as m2').whereRaw('m2.aidant_id = a.id and m2.structure_id = d.structure_id'))
    .select('d.id', 'd.first_name', 'd.last_name', 'd.email', 'd.status', 's.name as structure_name', 'd.structure_id')
    .orderBy('d.id');
}

/** A référent of one of the aidant's structures consents (journaled); false when not theirs to consent. */
export async function consentirRattachement(db: Db, referent: { id: number; structureIds: number[] }, demandeAidantId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const a = (await rattachementsAConsentir(trx as unknown as Db, referent.structureIds)).find((r) => r.id === demandeAidantId);
    if (!a) return false;
    const n = await trx('demandes_aidant').where({ id: a.id }).whereNull('accord_rattachement_par').update({ accord_rattachement_par: referent.id, accord_rattachement_at: trx.fn.now() });
    if (!n) return false;
    const compte = await trx('aidants').where({ email: a.email }).first('id');
    const sienne = await trx('aidant_structures').where({ aidant_id: compte.id }).whereIn('structure_id', referent.structureIds).orderBy('structure_id').first('structure_id');
    await trx('journal').insert({
      action: 'attachment_consent', aidant_id: referent.id, structure_id: sienne.structure_id,
      additional_information: `aidant.id=${compte.id} rattaché aussi à « ${a.structure_name} » (structure ${a.structure_id}), demande d'aidant ${a.id}`,
    });
    await ajouterEvenement(trx, { demandeAidantId: a.id, type: 'accord_rattachement', detail: 'Accord du référent de la structure actuelle de cet aidant', acteur: 'referent' });
    return true;
  });
}


/** Whether a demandeur's emailed link can still be used (a GET shows it; only the POST consumes it). */
export async function etatJetonDemandeur(db: Db, token: string): Promise<{ etat: 'valable' | 'expire' | 'inconnu'; demandeId?: string }> {
  if (typeof token !== 'string' || token.length > 100) return { etat: 'inconnu' };
  const jeton = await db('jetons_demandeur').where({ token_hash: empreinteJeton(token) }).first('used_at', 'expires_at', 'demande_id');
  if (!jeton || jeton.used_at) return { etat: 'inconnu', demandeId: jeton?.demande_id };
  if (new Date(jeton.expires_at).getTime() <= Date.now()) return { etat: 'expire', demandeId: jeton.demande_id };
  return { etat: 'valable', demandeId: jeton.demande_id };
}

/**
 * Uses the link once, atomically (two clicks, or a scanner racing the person: one wins), and confirms the
 * demandeur's email in the same transaction. Null when it cannot be used (any more).
 */
export async function consommerJetonDemandeur(db: Db, token: string): Promise<{ demandeId: string; statut: string } | null> {
  if (typeof token !== 'string' || token.length > 100) return null;
  return db.transaction(async (trx) => {
    const [jeton] = await trx('jetons_demandeur')
      .where({ token_hash: empreinteJeton(token) })
      .whereNull('used_at')
      .andWhere('expires_at', '>', trx.fn.now())
      .update({ used_at: trx.fn.now() })
      .returning(['demandeur_id', 'demande_id']);
    if (!jeton) return null;
    const confirme = await trx('demandeurs').where({ id: jeton.demandeur_id }).whereNull('email_confirmed_at').update({ email_confirmed_at: trx.fn.now() });
    if (confirme) await ajouterEvenement(trx, { demandeId: jeton.demande_id, type: 'email_confirme', detail: 'Adresse e-mail du demandeur confirmée', acteur: 'demandeur' });
    const demande = await trx('demandes_habilitation').where({ id: jeton.demande_id }).first('status');
    return { demandeId: jeton.demande_id as string, statut: demande.status as string };
  });
}

// ——— The référent's side (api/referent/habilitation.ts): always limited to the structures they manage ———

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

// ——— The demandeur's side (api/habilitation/demandeur.ts) ———

/** A request as the pages load it (every column of demandes_habilitation). */
export interface DemandeChargee {
  id: string;
  status: StatutDemandeStructure;
  demandeur_id: number;
  etape: number;
  [k: string]: unknown;
}

export interface AidantDeDemande {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  profession: string;
  status: StatutDemandeAidant;
}

export interface MessageHabilitation {
  sender: string;
  content: string;
  created_at: Date;
}

export async function insererJetonDemandeur(trx: Knex.Transaction, j: { demandeurId: number; demandeId: string; tokenHash: string; expiresAt: Date }): Promise<number> {
  const [row] = await trx('jetons_demandeur')
    .insert({ demandeur_id: j.demandeurId, demande_id: j.demandeId, token_hash: j.tokenHash, expires_at: j.expiresAt })
    .returning('id');
  return row.id;
}

export async function demandeParId(db: Db, id: string): Promise<DemandeChargee | null> {
  return (await db('demandes_habilitation').where({ id }).first()) ?? null;
}

/** A new draft for this demandeur (created or found by email); someone else's address never renames its confirmed owner. */
export async function commencerDemande(db: Db, valeurs: { email: string; first_name: string; last_name: string; profession: string }): Promise<{ demandeurId: number; demandeId: string }> {
  return db.transaction(async (trx) => {
    await trx('demandeurs').insert(valeurs).onConflict('email').ignore();
    const demandeur = await trx('demandeurs').where({ email: valeurs.email }).forUpdate().first();
    if (!demandeur.email_confirmed_at) await trx('demandeurs').where({ id: demandeur.id }).update({ first_name: valeurs.first_name, last_name: valeurs.last_name, profession: valeurs.profession });
    const [demande] = await trx('demandes_habilitation').insert({ demandeur_id: demandeur.id }).returning('id');
    await ajouterEvenement(trx, { demandeId: demande.id, type: 'brouillon', detail: 'Demande commencée', acteur: 'demandeur' });
    return { demandeurId: demandeur.id as number, demandeId: demande.id as string };
  });
}

export async function demandeurDeLaDemande(db: Db, demandeId: string): Promise<{ demandeur_id: number; email: string; first_name: string } | null> {
  return (await db('demandes_habilitation').join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id')
    .where({ 'demandes_habilitation.id': demandeId }).first('demandeurs.id as demandeur_id', 'demandeurs.email', 'demandeurs.first_name')) ?? null;
}

export async function messagesDeLaDemande(db: Db, demandeId: string): Promise<MessageHabilitation[]> {
  return db('messages_habilitation').where({ demande_id: demandeId }).orderBy('created_at');
}

/** Every column of the request's aidants (AidantDemande; the demandeur's pages use the AidantDeDemande part). */
export async function aidantsDeLaDemande(db: Db, demandeId: string): Promise<AidantDemande[]> {
  return db('demandes_aidant').where({ demande_id: demandeId }).orderBy('id');
}

/** Saves one step of the draft; `etape` only grows. */
export async function enregistrerEtape(db: Db, demandeId: string, etape: number, valeurs: Record<string, unknown>): Promise<void> {
  await db('demandes_habilitation').where({ id: demandeId }).update({ ...valeurs, etape: db.raw('greatest(etape, ?)', [etape]), updated_at: db.fn.now() });
}

/** Another open request for this SIRET (one open request per structure). */
export async function autreDemandeOuverte(db: Db, siret: string, saufDemandeId: string): Promise<boolean> {
  const autre = await db('demandes_habilitation').where({ siret }).whereNot({ id: saufDemandeId })
    .whereIn('status', ['NEW', 'AC_VALIDATION_PROCESSING', 'CHANGES_REQUIRED']).first('id');
  return Boolean(autre);
}

export async function ajouterAidantALaDemande(db: Db, demandeId: string, valeurs: NouvelAidant): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('demandes_aidant').insert({ demande_id: demandeId, ...valeurs, status: 'new' }).onConflict(['demande_id', 'email']).ignore();
    await trx('demandes_habilitation').where({ id: demandeId }).update({ etape: trx.raw('greatest(etape, 3)'), updated_at: trx.fn.now() });
  });
}

export async function retirerAidantDeLaDemande(db: Db, demandeId: string, demandeAidantId: number): Promise<void> {
  await db('demandes_aidant').where({ demande_id: demandeId, id: demandeAidantId }).delete();
}

/** The request's status, its row locked until the end of the transaction. */
export async function statutDemandeVerrouille(trx: Knex.Transaction, demandeId: string): Promise<StatutDemandeStructure> {
  const ligne = await trx('demandes_habilitation').where({ id: demandeId }).forUpdate().first('status');
  return ligne.status;
}

/** The first submission: certifications, status, time and fingerprint of the submitted content. */
export async function marquerDemandeSoumise(trx: Knex.Transaction, demandeId: string, certifications: Record<string, boolean>, empreinte: string): Promise<void> {
  await trx('demandes_habilitation').where({ id: demandeId }).update({
    ...certifications, status: 'AC_VALIDATION_PROCESSING', submitted_at: trx.fn.now(), empreinte_soumise: empreinte, nombre_soumissions: 1, updated_at: trx.fn.now(),
  });
}

// ——— The staff back office (api/staff/habilitations.ts) ———

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

export async function demandeurParId(db: Db, id: number): Promise<{ first_name: string; last_name: string; email: string; profession: string }> {
  return db('demandeurs').where({ id }).first();
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

/** The aidant request's status, its row locked until the end of the transaction. */
export async function statutDemandeAidantVerrouille(trx: Knex.Transaction, id: number): Promise<StatutDemandeAidant> {
  const ligne = await trx('demandes_aidant').where({ id }).forUpdate().first('status');
  return ligne.status;
}

/** Accepted from the waiting list: the aidant's training starts. */
export async function passerEnFormation(trx: Knex.Transaction, id: number): Promise<void> {
  await trx('demandes_aidant').where({ id }).update({ status: 'new' });
}

/** Refused from the waiting list; false when no longer waiting. */
export async function refuserEnListeAttente(trx: Knex.Transaction, id: number): Promise<boolean> {
  return (await trx('demandes_aidant').where({ id, status: 'waiting_list' }).update({ status: 'refused' })) > 0;
}

// ——— The activities of the habilitation and training workflows (activities/habilitation.ts): each write is
// keyed by a unique constraint or made under a row lock, so a retried attempt writes nothing twice ———

/** A request (every column) with its demandeur's email and first name. */
export async function demandeEtDemandeur(db: Db, id: string) {
  return db('demandes_habilitation')
    .join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id')
    .where('demandes_habilitation.id', id)
    .first('demandes_habilitation.*', 'demandeurs.email as demandeur_email', 'demandeurs.first_name as demandeur_prenom');
}

/** An aidant request (every column) with its structure's name. */
export async function demandeAidantEtStructure(db: Db, id: number) {
  return db('demandes_aidant')
    .leftJoin('structures', 'structures.id', 'demandes_aidant.structure_id')
    .where('demandes_aidant.id', id)
    .first('demandes_aidant.*', 'structures.name as structure_name');
}

/** A submission (`numero` 1, or more after changes): status, fingerprint, count and first submission time. */
export async function enregistrerSoumissionEnBase(trx: Knex.Transaction, p: { demandeId: string; numero: number; empreinte?: string }): Promise<void> {
  // A late attempt (a retry after a lost worker, or a write overtaken by a staff decision's activity) must
  // not put back « en instruction » over the decision taken after this submission (issue 19). Submission n
  // comes after n − 1 decisions (each resubmission answers a request for changes): a decision numbered n or
  // more was taken after it. The row lock orders this check against the decision's write (its UPDATE waits
  // for it, or this waits for its commit).
  await trx('demandes_habilitation').where({ id: p.demandeId }).forUpdate().first('id');
  const decisionsPrises = await trx('evenements_habilitation').where({ demande_id: p.demandeId }).whereLike('idempotency_key', `habilitation-${p.demandeId}-decision-%`).count({ n: '*' }).first();
  if (Number(decisionsPrises?.n ?? 0) < p.numero) {
    const patch: Record<string, unknown> = { status: 'AC_VALIDATION_PROCESSING', updated_at: trx.fn.now() };
    if (p.empreinte) patch.empreinte_soumise = p.empreinte;
    await trx('demandes_habilitation').where({ id: p.demandeId }).update(patch);
  }
  await trx('demandes_habilitation').where({ id: p.demandeId }).where('nombre_soumissions', '<', p.numero).update({ nombre_soumissions: p.numero });
  await trx('demandes_habilitation').where({ id: p.demandeId }).whereNull('submitted_at').update({ submitted_at: trx.fn.now() });
}

/**
 * A staff decision's status (decision `numero` answers submission `numero`), under the request's row lock.
 * Not written again by a retried attempt whose first one committed (its timeline event, same key, is there:
 * the request may have moved on since, resubmitted or closed), nor over a later submission (issue 19).
 */
export async function enregistrerStatutDecision(trx: Knex.Transaction, p: { demandeId: string; numero: number; vers: StatutDemandeStructure; cle: string }): Promise<void> {
  const demande = await trx('demandes_habilitation').where({ id: p.demandeId }).forUpdate().first('nombre_soumissions');
  if (!demande) return;
  const dejaEcrite = await trx('evenements_habilitation').where({ idempotency_key: p.cle }).first('id');
  if (dejaEcrite || Number(demande.nombre_soumissions ?? 0) > p.numero) return;
  await changerStatutDemande(trx, p.demandeId, p.vers);
}

export async function changerStatutDemande(trx: Knex.Transaction, demandeId: string, statut: StatutDemandeStructure): Promise<void> {
  await trx('demandes_habilitation').where({ id: demandeId }).update({ status: statut, updated_at: trx.fn.now() });
}

/** The staff's message in the request's thread, written once per key. */
export async function ajouterMessageEquipe(trx: Knex.Transaction, m: { demandeId: string; auteurId: number | null; contenu: string; cle: string }): Promise<void> {
  await trx('messages_habilitation')
    .insert({ demande_id: m.demandeId, sender: 'staff', author_id: m.auteurId, content: m.contenu, idempotency_key: m.cle })
    .onConflict('idempotency_key').ignore();
}

// Every column of demandes_habilitation (the activities read many of them).
type DemandeEnBase = Record<string, any>;

export async function demandeVerrouillee(trx: Knex.Transaction, demandeId: string): Promise<DemandeEnBase | undefined> {
  return trx('demandes_habilitation').where({ id: demandeId }).forUpdate().first();
}

/** The request's structure, unless one already has its SIRET (then undefined). */
export async function insererStructureDeLaDemande(trx: Knex.Transaction, d: DemandeEnBase): Promise<{ id: number } | undefined> {
  const [inserted] = await trx('structures')
    .insert({
      name: d.structure_name, siret: d.siret, type: d.structure_type, address: d.address ?? '', postal_code: d.postal_code ?? '',
      city: d.city ?? '', is_public: d.is_public ?? true, partner_administration: d.partner_administration,
    })
    .onConflict('siret').ignore().returning('id');
  return inserted;
}

export async function structureDuSiret(trx: Knex.Transaction, siret: string): Promise<{ id: number; name: string }> {
  return trx('structures').where({ siret }).first('id', 'name');
}

/** The structure is active and the request records it (and whether it existed before): the work is done. */
export async function lierDemandeAStructure(trx: Knex.Transaction, demandeId: string, structureId: number, structureExistante: boolean): Promise<void> {
  await trx('structures').where({ id: structureId }).update({ is_active: true });
  await trx('demandes_habilitation').where({ id: demandeId }).update({ structure_id: structureId, structure_existante: structureExistante, updated_at: trx.fn.now() });
}

/**
 * The référent's account (created, or found by email) made référent and member of the structure; its id.
 * can_create_mandats stays false until their own training and Pix (if also aidant).
 */
export async function creerCompteReferent(trx: Knex.Transaction, d: DemandeEnBase, structureId: number): Promise<number> {
  await trx('aidants')
    .insert({
      email: d.referent_email, first_name: d.referent_first_name, last_name: d.referent_last_name, profession: d.referent_profession ?? '',
      phone: d.referent_phone, can_create_mandats: false, referent_non_aidant: !d.referent_is_aidant, current_structure_id: structureId,
    })
    .onConflict('email').ignore();
  const referent = await trx('aidants').where({ email: d.referent_email }).first('id', 'current_structure_id');
  if (!referent.current_structure_id) await trx('aidants').where({ id: referent.id }).update({ current_structure_id: structureId });
  await trx('referent_structures').insert({ aidant_id: referent.id, structure_id: structureId }).onConflict(['aidant_id', 'structure_id']).ignore();
  await trx('aidant_structures').insert({ aidant_id: referent.id, structure_id: structureId }).onConflict(['aidant_id', 'structure_id']).ignore();
  return referent.id as number;
}

/** A référent who is also aidant gets their own aidant request (to be trained like the others). */
export async function ajouterReferentCommeAidant(trx: Knex.Transaction, d: DemandeEnBase): Promise<void> {
  await trx('demandes_aidant')
    .insert({ demande_id: d.id, email: d.referent_email, first_name: d.referent_first_name, last_name: d.referent_last_name, profession: d.referent_profession ?? '', status: 'new' })
    .onConflict(['demande_id', 'email']).ignore();
}

export async function rattacherAidantsALaStructure(trx: Knex.Transaction, demandeId: string, structureId: number): Promise<void> {
  await trx('demandes_aidant').where({ demande_id: demandeId }).update({ structure_id: structureId });
}

export async function nouveauxAidantsDeLaDemande(trx: Knex.Transaction, demandeId: string): Promise<{ id: number; email: string; structure_id: number; accord_rattachement_par: number | null }[]> {
  return trx('demandes_aidant').where({ demande_id: demandeId, status: 'new' });
}

export async function mettreEnListeAttente(trx: Knex.Transaction, demandeAidantId: number): Promise<void> {
  await trx('demandes_aidant').where({ id: demandeAidantId }).update({ status: 'waiting_list' });
}

export async function idsNouveauxAidants(trx: Knex.Transaction, demandeId: string): Promise<number[]> {
  return (await trx('demandes_aidant').where({ demande_id: demandeId, status: 'new' }).orderBy('id').pluck('id')) as number[];
}

/** The training recorded, unless the aidant is no longer in training. */
export async function enregistrerFormationEnBase(trx: Knex.Transaction, p: { demandeAidantId: number; date: string; type: 'classic' | 'p2p'; formateurEmail?: string | null }): Promise<void> {
  await trx('demandes_aidant').where({ id: p.demandeAidantId }).whereIn('status', ['new', 'processing', 'processing_p2p']).update({
    formation_date: p.date, formation_type: p.type, trainer_email: p.type === 'p2p' ? p.formateurEmail ?? null : null,
    status: p.type === 'p2p' ? 'processing_p2p' : 'processing',
  });
}

export async function enregistrerPixEnBase(trx: Knex.Transaction, p: { demandeAidantId: number; date: string; score: number }): Promise<void> {
  await trx('demandes_aidant').where({ id: p.demandeAidantId }).update({ pix_date: p.date, pix_score: p.score });
}

/** Withdrawn (by the référent or staff), unless already activated. */
export async function retirerDemandeAidantEnBase(trx: Knex.Transaction, demandeAidantId: number, par: 'referent' | 'equipe'): Promise<void> {
  await trx('demandes_aidant').where({ id: demandeAidantId }).whereNot('status', 'validated')
    .update({ status: par === 'referent' ? 'cancelled_by_referent' : 'cancelled' });
}

export async function demandeAidantVerrouillee(trx: Knex.Transaction, demandeAidantId: number) {
  return trx('demandes_aidant').where({ id: demandeAidantId }).forUpdate().first();
}

/**
 * The aidant's account created (or an existing one — the référent also aidant, an aidant of another
 * structure — made an active aidant), attached to the structure, and the request validated; the account's id.
 */
export async function activerCompteAidant(
  trx: Knex.Transaction,
  a: { id: number; email: string; first_name: string; last_name: string; profession: string; structure_id: number },
): Promise<number> {
  await trx('aidants')
    .insert({ email: a.email, first_name: a.first_name, last_name: a.last_name, profession: a.profession, current_structure_id: a.structure_id, can_create_mandats: true })
    .onConflict('email').ignore();
  const compte = await trx('aidants').where({ email: a.email }).first('id', 'current_structure_id');
  await trx('aidants').where({ id: compte.id }).update({
    is_active: true, can_create_mandats: true, referent_non_aidant: false, current_structure_id: compte.current_structure_id ?? a.structure_id,
  });
  await trx('aidant_structures').insert({ aidant_id: compte.id, structure_id: a.structure_id }).onConflict(['aidant_id', 'structure_id']).ignore();
  await trx('demandes_aidant').where({ id: a.id }).update({ status: 'validated', aidant_id: compte.id, activated_at: trx.fn.now() });
  return compte.id as number;
}
