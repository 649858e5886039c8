// Reads and writes of the habilitation tables shared by the pages and the activities: timeline events,
// référents of a structure, staff recipients, peer-trainer facts.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Formateur } from '../domain/habilitation.ts';

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
