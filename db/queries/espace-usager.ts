// Every query of the espace usager (issue 21). Each one takes the logged-in usager's id and filters on it:
// another usager's mandat, journal entry or report is simply not found (a 404, never "forbidden"). The
// référent's and staff's follow-up of reports is scoped to the référent's structures.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import type { DureeMandat, StatutMandat } from '../domain/mandat.ts';
import type { EtatSignalement, MotifSignalement } from '../domain/espace-usager.ts';
import type { ActionJournal } from '../domain/statuts.ts';

type Executor = Db | Knex.Transaction;

export interface UsagerConnecte {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  birthdate: string;
  gender: string;
  birthplace: string | null;
  birthcountry: string;
  email: string | null;
}

const CHAMPS_USAGER = ['id', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'] as const;

/** The usager with this salted `sub`, when at least one mandat links them to a structure. */
export async function usagerAvecMandatParSub(db: Executor, sub: string): Promise<UsagerConnecte | null> {
  const row = await db('usagers')
    .where({ sub })
    .whereExists(db('mandats').whereRaw('mandats.usager_id = usagers.id'))
    .first(...CHAMPS_USAGER);
  return (row as UsagerConnecte | undefined) ?? null;
}

export async function usagerParId(db: Executor, id: number): Promise<UsagerConnecte | null> {
  return ((await db('usagers').where({ id }).first(...CHAMPS_USAGER)) as UsagerConnecte | undefined) ?? null;
}

export interface MandatUsager {
  id: number;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  status: StatutMandat;
  duree_keyword: DureeMandat;
  structure: { id: number; name: string; address: string; postal_code: string; city: string; opening_hours: Record<string, [string, string][]> };
  code: string | null;
  autorisations: { id: number; demarche: Demarche; revoked_at: Date | null }[];
}

/** The usager's mandats, newest first, with their structure, démarches and verification code. */
export async function mandatsDeLUsager(db: Executor, usagerId: number): Promise<MandatUsager[]> {
  const rows = await db('mandats')
    .join('structures', 'structures.id', 'mandats.structure_id')
    .leftJoin('preuves_mandat', 'preuves_mandat.mandat_id', 'mandats.id')
    .where('mandats.usager_id', usagerId)
    .orderBy([{ column: 'mandats.created_at', order: 'desc' }, { column: 'mandats.id', order: 'desc' }])
    .select(
      'mandats.id', 'mandats.created_at', 'mandats.expires_at', 'mandats.ended_at', 'mandats.status', 'mandats.duree_keyword',
      'structures.id as structure_id', 'structures.name', 'structures.address', 'structures.postal_code', 'structures.city', 'structures.opening_hours',
      'preuves_mandat.code',
    );
  if (!rows.length) return [];
  const autorisations: { id: number; mandat_id: number; demarche: Demarche; revoked_at: Date | null }[] = await db('autorisations')
    .whereIn('mandat_id', rows.map((r: { id: number }) => r.id))
    .orderBy('id')
    .select('id', 'mandat_id', 'demarche', 'revoked_at');
  return rows.map((r: Record<string, unknown>) => ({
    id: r.id as number,
    created_at: r.created_at as Date,
    expires_at: r.expires_at as Date,
    ended_at: r.ended_at as Date | null,
    status: r.status as StatutMandat,
    duree_keyword: r.duree_keyword as DureeMandat,
    structure: {
      id: r.structure_id as number, name: r.name as string, address: r.address as string, postal_code: r.postal_code as string,
      city: r.city as string, opening_hours: (r.opening_hours ?? {}) as Record<string, [string, string][]>,
    },
    code: (r.code as string | null) ?? null,
    autorisations: autorisations.filter((a) => a.mandat_id === r.id).map(({ mandat_id: _m, ...a }) => a),
  }));
}

/** The mandat's structure, when the mandat is the usager's; null otherwise (another usager's: not found). */
export async function structureDuMandatDeLUsager(db: Executor, usagerId: number, mandatId: number): Promise<number | null> {
  const row = await db('mandats').where({ id: mandatId, usager_id: usagerId }).first('structure_id');
  return row?.structure_id ?? null;
}

/** What the usager sees of the journal: uses of an autorisation, creations, renewals, revocations. */
export const ACTIONS_VISIBLES_USAGER = ['use_autorisation', 'create_attestation', 'init_renew_mandat', 'cancel_autorisation', 'cancel_mandat'] as const satisfies readonly ActionJournal[];

export interface ActeUsager {
  id: number;
  action: (typeof ACTIONS_VISIBLES_USAGER)[number];
  created_at: Date;
  structure_id: number | null;
  structure: string | null;
  aidant_id: number | null;
  aidant_prenom: string | null;
  aidant_nom: string | null;
  mandat_id: number | null;
  demarche: string | null;
  additional_information: string;
  oidc_client_id: string | null;
  signale: boolean;
}

function actes(db: Executor, usagerId: number) {
  return db('journal')
    .leftJoin('structures', 'structures.id', 'journal.structure_id')
    .leftJoin('aidants', 'aidants.id', 'journal.aidant_id')
    .where('journal.usager_id', usagerId)
    .whereIn('journal.action', ACTIONS_VISIBLES_USAGER);
}

const CHAMPS_ACTE = [
  'journal.id', 'journal.action', 'journal.created_at', 'journal.structure_id', 'structures.name as structure', 'journal.aidant_id',
  'aidants.first_name as aidant_prenom', 'aidants.last_name as aidant_nom', 'journal.mandat_id', 'journal.demarche',
  'journal.additional_information', 'journal.oidc_client_id',
];

/** One page of the acts, newest first (`limit` null: all of them, for the CSV). */
export async function actesDeLUsager(db: Executor, usagerId: number, page: { offset: number; limit: number | null }): Promise<{ total: number; actes: ActeUsager[] }> {
  const [{ total }] = await actes(db, usagerId).count<{ total: number }[]>({ total: '*' });
  const q = actes(db, usagerId)
    .orderBy([{ column: 'journal.created_at', order: 'desc' }, { column: 'journal.id', order: 'desc' }])
    .offset(page.offset)
    .select(...CHAMPS_ACTE, db.raw('exists (select 1 from signalements_usager s where s.journal_id = journal.id and s.usager_id = ?) as signale', [usagerId]));
  if (page.limit !== null) q.limit(page.limit);
  return { total: Number(total), actes: await q };
}

/** One act of the usager (a journal entry about them that they may see); null otherwise. */
export async function acteDeLUsager(db: Executor, usagerId: number, journalId: number): Promise<ActeUsager | null> {
  const row = await actes(db, usagerId)
    .where('journal.id', journalId)
    .first(...CHAMPS_ACTE, db.raw('exists (select 1 from signalements_usager s where s.journal_id = journal.id and s.usager_id = ?) as signale', [usagerId]));
  return (row as ActeUsager | undefined) ?? null;
}

export interface Destinataire {
  id: number;
  email: string;
  first_name: string;
}

/** The structure's active référents. */
export async function referentsDeLaStructure(db: Executor, structureId: number): Promise<Destinataire[]> {
  return db('referent_structures')
    .join('aidants', 'aidants.id', 'referent_structures.aidant_id')
    .where({ 'referent_structures.structure_id': structureId, 'aidants.is_active': true })
    .orderBy('aidants.id')
    .select('aidants.id', 'aidants.email', 'aidants.first_name');
}

/** The structure's référents and active aidants, each once. */
export async function equipeDeLaStructure(db: Executor, structureId: number): Promise<Destinataire[]> {
  const aidants: Destinataire[] = await db('aidant_structures')
    .join('aidants', 'aidants.id', 'aidant_structures.aidant_id')
    .where({ 'aidant_structures.structure_id': structureId, 'aidants.is_active': true, 'aidants.is_staff': false })
    .select('aidants.id', 'aidants.email', 'aidants.first_name');
  const tous = new Map<number, Destinataire>();
  for (const d of [...(await referentsDeLaStructure(db, structureId)), ...aidants]) tous.set(d.id, d);
  return [...tous.values()].sort((a, b) => a.id - b.id);
}

/** The Aidants Connect team's active accounts. */
export async function equipeAidantsConnect(db: Executor): Promise<Destinataire[]> {
  return db('aidants').where({ is_staff: true, is_active: true }).orderBy('id').select('id', 'email', 'first_name');
}

/** Locks the usager's reports (one writer at a time) and counts those of the last window. */
export async function compterSignalementsRecents(trx: Knex.Transaction, usagerId: number, depuis: Date): Promise<number> {
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 21))', [`signalements-usager:${usagerId}`]);
  const [{ n }] = await trx('signalements_usager').where({ usager_id: usagerId }).andWhere('created_at', '>', depuis).count<{ n: number }[]>({ n: '*' });
  return Number(n);
}

/** Null when the usager already reported this entry. */
export async function enregistrerSignalement(
  trx: Knex.Transaction,
  s: { usagerId: number; journalId: number; structureId: number | null; mandatId: number | null; motif: MotifSignalement; precision: string },
): Promise<number | null> {
  const rows: { id: number }[] = await trx('signalements_usager')
    .insert({ usager_id: s.usagerId, journal_id: s.journalId, structure_id: s.structureId, mandat_id: s.mandatId, motif: s.motif, precision: s.precision })
    .onConflict(['usager_id', 'journal_id'])
    .ignore()
    .returning('id');
  return rows[0]?.id ?? null;
}

export interface SignalementSuivi {
  id: number;
  created_at: Date;
  motif: MotifSignalement;
  precision: string;
  etat: EtatSignalement;
  commentaire: string;
  suivi_at: Date | null;
  suivi_par: string | null;
  structure_id: number | null;
  structure: string | null;
  usager_id: number;
  usager_given_name: string;
  usager_family_name: string;
  usager_preferred_username: string | null;
  journal_id: number;
  action: string | null;
  acte_le: Date | null;
  demarche: string | null;
  aidant_prenom: string | null;
  aidant_nom: string | null;
}

/** Reports, newest first: of these structures (a référent), or all of them (`null`: the staff). */
export async function signalements(db: Executor, structureIds: number[] | null): Promise<SignalementSuivi[]> {
  const q = db('signalements_usager as s')
    .join('usagers as u', 'u.id', 's.usager_id')
    .leftJoin('structures as st', 'st.id', 's.structure_id')
    .leftJoin('journal as j', 'j.id', 's.journal_id')
    .leftJoin('aidants as a', 'a.id', 'j.aidant_id')
    .leftJoin('aidants as suivi', 'suivi.id', 's.suivi_par')
    .orderBy([{ column: 's.created_at', order: 'desc' }, { column: 's.id', order: 'desc' }])
    .limit(500)
    .select(
      's.id', 's.created_at', 's.motif', 's.precision', 's.etat', 's.commentaire', 's.suivi_at', 's.structure_id', 'st.name as structure',
      db.raw(`suivi.first_name || ' ' || suivi.last_name as suivi_par`),
      's.usager_id', 'u.given_name as usager_given_name', 'u.family_name as usager_family_name', 'u.preferred_username as usager_preferred_username',
      's.journal_id', 'j.action', 'j.created_at as acte_le', 'j.demarche', 'a.first_name as aidant_prenom', 'a.last_name as aidant_nom',
    );
  if (structureIds !== null) q.whereIn('s.structure_id', structureIds);
  return q;
}

/** Sets a report's state and comment; null when it is not in scope (another structure's: not found). */
export async function suivreSignalement(
  trx: Knex.Transaction,
  p: { id: number; structureIds: number[] | null; etat: EtatSignalement; commentaire: string; aidantId: number },
): Promise<{ usager_id: number; structure_id: number | null } | null> {
  const q = trx('signalements_usager').where({ id: p.id });
  if (p.structureIds !== null) q.whereIn('structure_id', p.structureIds);
  const rows: { usager_id: number; structure_id: number | null }[] = await q
    .update({ etat: p.etat, commentaire: p.commentaire, suivi_par: p.aidantId, suivi_at: trx.fn.now() })
    .returning(['usager_id', 'structure_id']);
  return rows[0] ?? null;
}

/** Everything held about the usager (RGPD art. 15 and 20), read in one repeatable snapshot. */
export async function donneesDeLUsager(db: Db, usagerId: number) {
  return db.transaction(async (trx) => {
    const usager = await trx('usagers')
      .where({ id: usagerId })
      .first('id', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'phone', 'created_at', 'updated_at');
    if (!usager) return null;
    const mandats = await trx('mandats')
      .join('structures', 'structures.id', 'mandats.structure_id')
      .leftJoin('preuves_mandat', 'preuves_mandat.mandat_id', 'mandats.id')
      .where('mandats.usager_id', usagerId)
      .orderBy('mandats.id')
      .select(
        'mandats.id', 'mandats.created_at', 'mandats.expires_at', 'mandats.ended_at', 'mandats.status', 'mandats.duree_keyword', 'mandats.is_remote',
        'mandats.remote_consent_method', 'mandats.consent_request_id', 'mandats.structure_id', 'structures.name as structure', 'preuves_mandat.code as code_verification',
      );
    const mandatIds = mandats.map((m: { id: number }) => m.id);
    const autorisations = await trx('autorisations').whereIn('mandat_id', mandatIds).orderBy('id').select('id', 'mandat_id', 'demarche', 'revoked_at');
    // Contact details a structure entered: the mobile number of a remote consent (each structure its own).
    const coordonnees = await trx('consent_requests as c')
      .join('mandats as m', 'm.consent_request_id', 'c.id')
      .join('structures as st', 'st.id', 'c.structure_id')
      .where('m.usager_id', usagerId)
      .orderBy('c.created_at')
      .select('c.structure_id', 'st.name as structure', 'c.phone as telephone', 'c.created_at as saisi_le');
    const journal = await trx('journal')
      .leftJoin('structures', 'structures.id', 'journal.structure_id')
      .leftJoin('aidants', 'aidants.id', 'journal.aidant_id')
      .where('journal.usager_id', usagerId)
      .orderBy('journal.id')
      .select(
        'journal.id', 'journal.action', 'journal.created_at', 'journal.structure_id', 'structures.name as structure', 'journal.mandat_id',
        'journal.autorisation_id', 'journal.demarche', 'journal.duree', 'journal.additional_information', 'journal.oidc_client_id',
        'aidants.first_name as aidant_prenom', 'aidants.last_name as aidant_nom',
      );
    const reports = await trx('signalements_usager')
      .where({ usager_id: usagerId })
      .orderBy('id')
      .select('id', 'journal_id', 'structure_id', 'mandat_id', 'motif', 'precision', 'etat', 'commentaire', 'created_at', 'suivi_at');
    return { usager, mandats, autorisations, coordonnees, journal, signalements: reports };
  }, { isolationLevel: 'repeatable read', readOnly: true });
}
