// All SQL of the suspicious-activity alerts (issue 20): the survey of the journal (acts of a time window,
// their context, the rules of db/domain/alertes.ts), storing each alert once per evidence with its journal
// row and its emails in the same transaction, the lists and the closing.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import {
  ACTES_SURVEILLES, alertesDeLActe, clePreuves, LIBELLES_REGLES, MARGE_SURVEILLANCE_MS, SEUILS_ALERTES,
  type ActeJournal, type AlerteDetectee, type RegleAlerte,
} from '../domain/alertes.ts';
import { lireHoraires, type Horaires } from '../domain/horaires.ts';
import { courrielAlerte } from '../courriels/alertes.ts';
import { enqueueEmail } from './outbox.ts';

type Conn = Db | Knex.Transaction;

const FENETRE_MAX_MS = Math.max(SEUILS_ALERTES.rafaleMandats.fenetreMs, SEUILS_ALERTES.rafaleUsagers.fenetreMs);

export interface BilanSurveillance {
  actes: number;
  alertes: number;
}

/** Everyone an alert of this structure is emailed to: its active référents and active staff (once each). */
async function destinatairesAlerte(trx: Conn, structureId: number): Promise<{ id: number; email: string; first_name: string; staff: boolean }[]> {
  const rows: { id: number; email: string; first_name: string; is_staff: boolean }[] = await trx('aidants')
    .where('is_active', true)
    .andWhere((w) => w.where('is_staff', true).orWhereIn('id', trx('referent_structures').where({ structure_id: structureId }).select('aidant_id')))
    .orderBy('id')
    .select('id', 'email', 'first_name', 'is_staff');
  return rows.map((r) => ({ id: r.id, email: r.email, first_name: r.first_name, staff: r.is_staff }));
}

/** Stores the alert unless this evidence already raised it; journal and emails only for a new one. */
async function enregistrerAlerte(trx: Knex.Transaction, a: AlerteDetectee, publicUrl: string): Promise<boolean> {
  const [cree] = await trx('alertes')
    .insert({ regle: a.regle, structure_id: a.structureId, aidant_id: a.aidantId, preuves: a.preuves, cle_preuves: clePreuves(a.preuves), description: a.description })
    .onConflict(['regle', 'cle_preuves'])
    .ignore()
    .returning('id');
  if (!cree) return false;
  const id = Number(cree.id);
  await trx('journal').insert({
    action: 'alerte_levee', aidant_id: a.aidantId, structure_id: a.structureId,
    additional_information: `alerte=${id}; regle=${a.regle}; preuves=journal ${a.preuves.join(',')}`,
    idempotency_key: `alerte_levee:${id}`,
  });
  const structure = await trx('structures').where({ id: a.structureId }).first('name');
  for (const d of await destinatairesAlerte(trx, a.structureId)) {
    await enqueueEmail(trx, {
      idempotencyKey: `alerte-${id}-${d.id}`,
      to: d.email,
      ...courrielAlerte({
        prenom: d.first_name, structure: structure.name, libelle: LIBELLES_REGLES[a.regle], description: a.description,
        lien: `${publicUrl}${d.staff ? '/staff/alertes' : '/espace-referent/alertes'}/${id}`,
      }),
    });
  }
  return true;
}

/**
 * Looks at every act of ]depuis, jusqua] and stores the alerts they raise, in the caller's transaction. The
 * bursts need the acts before the window: the aidants' acts from `depuis` minus the longest window are read.
 */
export async function examinerActes(trx: Knex.Transaction, fenetre: { depuis: Date; jusqua: Date }, publicUrl: string): Promise<BilanSurveillance> {
  const colonnes = ['id', 'action', 'aidant_id', 'structure_id', 'usager_id', 'created_at'];
  const actes: ActeJournal[] = (await trx('journal')
    .whereIn('action', ACTES_SURVEILLES)
    .where('created_at', '>', fenetre.depuis)
    .where('created_at', '<=', fenetre.jusqua)
    .whereNotNull('aidant_id')
    .whereNotNull('structure_id')
    .orderBy('id')
    .select(colonnes)).map((r: ActeJournal) => ({ ...r, id: Number(r.id) }));
  if (!actes.length) return { actes: 0, alertes: 0 };
  const aidants = [...new Set(actes.map((a) => a.aidant_id))];
  const structures = [...new Set(actes.map((a) => a.structure_id))];
  const historique: ActeJournal[] = (await trx('journal')
    .whereIn('action', ACTES_SURVEILLES)
    .whereIn('aidant_id', aidants)
    .where('created_at', '>', new Date(fenetre.depuis.getTime() - FENETRE_MAX_MS))
    .where('created_at', '<=', fenetre.jusqua)
    .select(colonnes)).map((r: ActeJournal) => ({ ...r, id: Number(r.id) }));
  const horaires = new Map<number, Horaires>(
    (await trx('structures').whereIn('id', structures).select('id', 'opening_hours')).map((s: { id: number; opening_hours: unknown }) => [s.id, lireHoraires(s.opening_hours)]),
  );
  const membres = new Set(
    (await trx('aidant_structures').whereIn('aidant_id', aidants).whereIn('structure_id', structures).select('aidant_id', 'structure_id'))
      .map((m: { aidant_id: number; structure_id: number }) => `${m.aidant_id}:${m.structure_id}`),
  );
  const suspensions: { structure_id: number; suspended_at: Date; lifted_at: Date | null }[] = await trx('suspensions_structure')
    .whereIn('structure_id', structures)
    .select('structure_id', 'suspended_at', 'lifted_at');
  let alertes = 0;
  for (const acte of actes) {
    const t = acte.created_at.getTime();
    const detectees = alertesDeLActe(acte, {
      horaires: horaires.get(acte.structure_id)!,
      membre: membres.has(`${acte.aidant_id}:${acte.structure_id}`),
      suspendue: suspensions.some((s) => s.structure_id === acte.structure_id && s.suspended_at.getTime() <= t && (s.lifted_at === null || s.lifted_at.getTime() > t)),
    }, historique);
    for (const a of detectees) if (await enregistrerAlerte(trx, a, publicUrl)) alertes++;
  }
  return { actes: actes.length, alertes };
}

/**
 * One pass of the survey: from where the previous pass stopped (minus the margin for late commits) to now, in
 * one transaction that holds the cursor's row lock (two passes never run side by side; a failed pass leaves
 * the cursor where it was, and its retry does the same work, adding nothing already stored).
 */
export async function examinerDepuisCurseur(db: Db, publicUrl: string): Promise<BilanSurveillance> {
  return db.transaction(async (trx) => {
    const curseur = await trx('surveillance_journal').where({ id: true }).forUpdate().first('examine_jusqua');
    const { rows } = await trx.raw('select now() as maintenant');
    const jusqua: Date = rows[0].maintenant;
    const depuis = new Date((curseur?.examine_jusqua ?? jusqua).getTime() - MARGE_SURVEILLANCE_MS);
    const bilan = await examinerActes(trx, { depuis, jusqua }, publicUrl);
    await trx('surveillance_journal').insert({ id: true, examine_jusqua: jusqua }).onConflict('id').merge();
    return bilan;
  });
}

export interface AlerteListee {
  id: number;
  regle: RegleAlerte;
  structure_id: number;
  structure: string;
  aidant_id: number | null;
  aidant: string | null;
  description: string;
  created_at: Date;
  closed_at: Date | null;
  closed_by_name: string | null;
  closing_comment: string | null;
  preuves: number[];
}

function requeteAlertes(db: Conn, structureIds: number[] | null) {
  const q = db('alertes as al')
    .join('structures as s', 's.id', 'al.structure_id')
    .leftJoin('aidants as a', 'a.id', 'al.aidant_id')
    .leftJoin('aidants as c', 'c.id', 'al.closed_by')
    .select(
      'al.id', 'al.regle', 'al.structure_id', 's.name as structure', 'al.aidant_id', db.raw(`a.first_name || ' ' || a.last_name as aidant`),
      'al.description', 'al.created_at', 'al.closed_at', db.raw(`c.first_name || ' ' || c.last_name as closed_by_name`), 'al.closing_comment', 'al.preuves',
    );
  if (structureIds) q.whereIn('al.structure_id', structureIds);
  return q;
}

const enNombres = (a: AlerteListee) => ({ ...a, id: Number(a.id), preuves: a.preuves.map(Number) });

/** The alerts of these structures (null: all, for staff), open ones first, newest first, 200 at most. */
export async function listerAlertes(db: Conn, structureIds: number[] | null, filtre: { ouvertes?: boolean } = {}): Promise<AlerteListee[]> {
  const q = requeteAlertes(db, structureIds).orderByRaw('al.closed_at is not null, al.created_at desc, al.id desc').limit(200);
  if (filtre.ouvertes) q.whereNull('al.closed_at');
  return (await q).map(enNombres);
}

export async function compterAlertesOuvertes(db: Conn, structureIds: number[] | null): Promise<number> {
  const q = db('alertes').whereNull('closed_at').count({ n: '*' });
  if (structureIds) q.whereIn('structure_id', structureIds);
  return Number((await q)[0].n);
}

export interface LignePreuve {
  id: number;
  action: string;
  created_at: Date;
  aidant: string | null;
  structure: string | null;
  usager_id: number | null;
  mandat_id: number | null;
  demarche: string | null;
}

/** One alert in scope (null when unknown or another structure's), with its evidence rows. */
export async function lireAlerte(db: Conn, id: number, structureIds: number[] | null): Promise<(AlerteListee & { lignes: LignePreuve[] }) | null> {
  const row = await requeteAlertes(db, structureIds).where('al.id', id).first();
  if (!row) return null;
  const alerte = enNombres(row);
  const lignes: LignePreuve[] = await db('journal as j')
    .leftJoin('aidants as a', 'a.id', 'j.aidant_id')
    .leftJoin('structures as s', 's.id', 'j.structure_id')
    .whereIn('j.id', alerte.preuves)
    .orderBy('j.id')
    .select('j.id', 'j.action', 'j.created_at', db.raw(`a.first_name || ' ' || a.last_name as aidant`), 's.name as structure', 'j.usager_id', 'j.mandat_id', 'j.demarche');
  return { ...alerte, lignes: lignes.map((l) => ({ ...l, id: Number(l.id) })) };
}

/** Closes an open alert in scope with the closer's comment (journaled); false when not found or already closed. */
export async function cloreAlerte(db: Db, p: { id: number; structureIds: number[] | null; parId: number; commentaire: string }): Promise<boolean> {
  return db.transaction(async (trx) => {
    const q = trx('alertes').where({ id: p.id }).whereNull('closed_at');
    if (p.structureIds) q.whereIn('structure_id', p.structureIds);
    const [close] = await q.update({ closed_at: trx.fn.now(), closed_by: p.parId, closing_comment: p.commentaire }).returning(['id', 'structure_id', 'regle']);
    if (!close) return false;
    await trx('journal').insert({
      action: 'alerte_close', aidant_id: p.parId, structure_id: close.structure_id,
      additional_information: `alerte=${p.id}; regle=${close.regle}; commentaire=${p.commentaire}`,
    });
    return true;
  });
}
