// Reads and writes of the habilitation tables shared by the pages and the activities: timeline events,
// référents of a structure, staff recipients, peer-trainer facts.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Formateur } from '../domain/habilitation.ts';
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
