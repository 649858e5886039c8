// All SQL of remote consent by SMS (db/domain/README.md#consentement-par-sms): the consent requests (consent_requests), their SMS
// (consent_sms), the Twilio message ids already received (twilio_inbound_sids) and the journal rows of each
// SMS. The aidant's use cases (api/consentement/), the mandat's creation (api/mandats/creation.ts) and the
// activities (activities/consentement.ts, activities/mandat.ts) call these functions, inside their own
// transactions; the row lock of a request (verrouillerDemande) serialises everything done to it.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import { cleConsentement, prefixeCleConsentement, STATUTS_ANNULABLES, type EtapeSms, type StatutDemandeConsentement } from '../domain/consentement.ts';
import type { Demarche } from '../domain/demarches.ts';
import { DUREES_MANDAT, type DureeMandat } from '../domain/mandat.ts';
import type { ActionJournal } from '../domain/statuts.ts';

type Executor = Db | Knex.Transaction;

// ——— The aidant's side (api/consentement/demandes.ts) ———

/** Serialises requests to the same number until the transaction ends, so the daily limit holds under concurrent submits. */
export async function verrouillerNumero(trx: Knex.Transaction, telephone: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`consentement:${telephone}`]);
}

/**
 * Serialises the requests of one structure and of one aidant (issue 18, item 2), so their limits hold under
 * concurrent submits. Always taken before the number's lock, in this order: no two transactions wait on each other.
 */
export async function verrouillerEmetteurs(trx: Knex.Transaction, structureId: number, aidantId: number): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`consentement-structure:${structureId}`]);
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`consentement-aidant:${aidantId}`]);
}

/** Requests of one structure to the number since `depuis`: another structure's never count (issue 18, item 2). */
export async function nombreDemandesAuNumero(trx: Knex.Transaction, telephone: string, structureId: number, depuis: Date): Promise<number> {
  const { nombre } = (await trx('consent_requests').where({ phone: telephone, structure_id: structureId }).where('created_at', '>', depuis).count({ nombre: '*' }).first())!;
  return Number(nombre);
}

export async function nombreDemandesDeLAidant(trx: Knex.Transaction, aidantId: number, depuis: Date): Promise<number> {
  const { nombre } = (await trx('consent_requests').where({ aidant_id: aidantId }).where('created_at', '>', depuis).count({ nombre: '*' }).first())!;
  return Number(nombre);
}

export async function nombreDemandesDeLaStructure(trx: Knex.Transaction, structureId: number, depuis: Date): Promise<number> {
  const { nombre } = (await trx('consent_requests').where({ structure_id: structureId }).where('created_at', '>', depuis).count({ nombre: '*' }).first())!;
  return Number(nombre);
}

/** Reply codes of the number's requests still open (an answer may still come): a new request takes another one. */
export async function codesOuvertsDuNumero(trx: Knex.Transaction, telephone: string): Promise<string[]> {
  return trx('consent_requests').where({ phone: telephone }).whereIn('status', ['sending', 'failed', 'awaiting']).whereNotNull('reply_code').pluck('reply_code');
}

export async function insererDemande(
  trx: Knex.Transaction,
  d: { id: string; aidantId: number; structureId: number; telephone: string; demarches: Demarche[]; duree: DureeMandat; codeReponse: string; langue?: string | null },
): Promise<void> {
  await trx('consent_requests').insert({
    id: d.id, aidant_id: d.aidantId, structure_id: d.structureId, phone: d.telephone, demarches: d.demarches, duree_keyword: d.duree,
    reply_code: d.codeReponse, langue: d.langue ?? null,
  });
}

/** A request whose workflow could not start: nothing was sent or journaled yet. */
export async function supprimerDemandeNonEnvoyee(db: Db, demandeId: string): Promise<void> {
  await db('consent_requests').where({ id: demandeId, status: 'sending' }).delete();
}

/** The request's row, when it belongs to the structure. */
export async function trouverDemande(db: Db, structureId: number, demandeId: string) {
  return db('consent_requests').where({ id: demandeId, structure_id: structureId }).first();
}

/** The mandat created from this request, if any. */
export async function mandatDeLaDemande(db: Db, demandeId: string) {
  return db('mandats').where({ consent_request_id: demandeId }).first<{ id: number; usager_id: number } | undefined>('id', 'usager_id');
}

/**
 * The mandat's creation (api/mandats/creation.ts) locks the structure's request it comes from; its status,
 * or null when it is not one of the structure's.
 */
export async function verrouillerDemandeConsentement(trx: Knex.Transaction, demandeId: string, structureId: number): Promise<string | null> {
  const demande = await trx('consent_requests').where({ id: demandeId, structure_id: structureId }).forUpdate().first<{ status: string } | undefined>('status');
  return demande?.status ?? null;
}

// ——— Twilio's webhook (api/consentement/reponses.ts) ———

/** Remembers a MessageSid; false when it was already received (a replay). */
export async function enregistrerMessageSid(trx: Knex.Transaction, messageSid: string): Promise<boolean> {
  const [nouveau] = await trx('twilio_inbound_sids').insert({ message_sid: messageSid }).onConflict('message_sid').ignore().returning('message_sid');
  return Boolean(nouveau);
}

/**
 * The request an answer goes to (issue 18, item 1): the number's request whose reply code the answer names;
 * else the number's latest request whose consent SMS left, which journals an answer without its code as
 * ignored (or, for a request from before codes, reads it by the former rule).
 */
export async function demandeDeLaReponse(trx: Knex.Transaction, telephone: string, code: string | null): Promise<{ id: string } | undefined> {
  const envoyees = () => trx('consent_requests').where({ phone: telephone }).whereNotNull('consent_sent_at').orderBy('consent_sent_at', 'desc');
  const nommee = code ? await envoyees().where({ reply_code: code }).first<{ id: string } | undefined>('id') : undefined;
  return nommee ?? envoyees().first<{ id: string } | undefined>('id');
}

export async function enregistrerSmsRecu(trx: Knex.Transaction, s: { demandeId: string; texte: string; messageSid: string }): Promise<number> {
  const [{ id }] = await trx('consent_sms')
    .insert({ consent_request_id: s.demandeId, direction: 'in', body: s.texte, message_sid: s.messageSid })
    .returning('id');
  return Number(id);
}

export async function supprimerSms(trx: Knex.Transaction, smsId: number): Promise<void> {
  await trx('consent_sms').where({ id: smsId }).delete();
}

/**
 * Answers stored but never read by their workflow (no journal row under their key, activities/consentement.ts
 * traiterReponseSms), received since `depuis`: the webhook keeps an answer when Temporal does not take its
 * signal in time, and the worker's periodic reconciliation signals it again (db/temporal/processes/consentement.ts),
 * for FENETRE_RETRANSMISSION_REPONSE_MS (db/domain/consentement.ts) after its arrival. Oldest first.
 */
export async function reponsesNonLues(db: Executor, depuis: Date, limite = 200): Promise<{ id: number; consent_request_id: string }[]> {
  return db('consent_sms as s')
    .where('s.direction', 'in')
    .where('s.created_at', '>=', depuis)
    .whereNotExists((q) => q.select(db.raw('1')).from('journal as j').whereRaw("j.idempotency_key = 'consentement-' || s.consent_request_id || ':reponse-' || s.id"))
    .orderBy('s.id')
    .limit(limite)
    .select('s.id', 's.consent_request_id');
}

/** An answer whose request has no workflow any more (its retention is over): nothing to keep. */
export async function supprimerSmsRecu(db: Executor, smsId: number): Promise<void> {
  await db('consent_sms').where({ id: smsId, direction: 'in' }).delete();
}

// ——— The request's workflow (activities/consentement.ts) ———

export interface LigneDemande {
  id: string;
  aidant_id: number;
  structure_id: number;
  phone: string;
  demarches: Demarche[];
  duree_keyword: DureeMandat;
  status: StatutDemandeConsentement;
  /** Null for a request from before reply codes (migration 016). */
  reply_code: string | null;
}

/** The request under its row lock. */
export async function verrouillerDemande(trx: Executor, demandeId: string): Promise<LigneDemande | undefined> {
  return trx('consent_requests').where({ id: demandeId }).forUpdate()
    .first('id', 'aidant_id', 'structure_id', 'phone', 'demarches', 'duree_keyword', 'status', 'reply_code');
}

/** A retry after a failure: the page shows the sending again. */
export async function repasserEnEnvoi(trx: Knex.Transaction, demandeId: string): Promise<void> {
  await trx('consent_requests').where({ id: demandeId }).update({ status: 'sending', failed_step: null });
}

export async function nomDeLaStructure(db: Db, structureId: number): Promise<string> {
  const structure = await db('structures').where({ id: structureId }).first<{ name: string }>('name');
  return structure.name;
}

/** Records the text of a sent SMS once per request and step; returns its row id. */
export async function enregistrerSmsEnvoye(trx: Knex.Transaction, demandeId: string, etape: EtapeSms, texte: string): Promise<number> {
  await trx('consent_sms').insert({ consent_request_id: demandeId, direction: 'out', step: etape, body: texte }).onConflict(['consent_request_id', 'step']).ignore();
  const { id } = await trx('consent_sms').where({ consent_request_id: demandeId, step: etape }).first<{ id: number }>('id');
  return id;
}

/** A journal row of an SMS (db/domain/consentement.ts keys it per request and step, or per received SMS). */
export interface EntreeJournalSms {
  action: ActionJournal;
  aidant_id: number;
  structure_id: number;
  demarche: string;
  duree: number;
  is_remote_mandat: true;
  remote_consent_method: 'SMS';
  consent_request_id: string;
  consent_sms_id: number;
  idempotency_key: string;
  additional_information?: string;
}

/** Writes it once: a retried sending finds its row. */
export async function journaliserSmsUneFois(trx: Knex.Transaction, entree: EntreeJournalSms): Promise<void> {
  await trx('journal').insert(entree).onConflict('idempotency_key').ignore();
}

/** Writes it (the caller read its key first, under the request's lock). */
export async function journaliserSms(trx: Knex.Transaction, entree: EntreeJournalSms): Promise<void> {
  await trx('journal').insert(entree);
}

/** The consent request SMS left: the request awaits an answer until the deadline. */
export async function marquerEnAttente(trx: Knex.Transaction, demandeId: string, envoyeeLe: Date, echeance: Date): Promise<void> {
  await trx('consent_requests').where({ id: demandeId }).update({
    status: 'awaiting',
    failed_step: null,
    consent_sent_at: envoyeeLe,
    answer_deadline: echeance,
  });
}

export async function marquerEchecEnvoi(db: Db, demandeId: string, etape: EtapeSms): Promise<void> {
  await db('consent_requests').where({ id: demandeId, status: 'sending' }).update({ status: 'failed', failed_step: etape });
}

/** No answer in time (or an SMS never sent): an answer already recorded stays. */
export async function expirerDemande(db: Db, demandeId: string): Promise<void> {
  await db('consent_requests').where({ id: demandeId }).whereIn('status', ['sending', 'failed', 'awaiting']).update({ status: 'expired', failed_step: null });
}

/** A received SMS of the request, as the webhook stored it. */
export async function smsRecu(trx: Knex.Transaction, demandeId: string, smsId: number): Promise<{ id: number; body: string } | undefined> {
  return trx('consent_sms').where({ id: smsId, consent_request_id: demandeId, direction: 'in' }).first<{ id: number; body: string } | undefined>('id', 'body');
}

/** The action journaled under this key, if any. */
export async function actionJournalisee(trx: Knex.Transaction, cle: string): Promise<ActionJournal | null> {
  const deja = await trx('journal').where({ idempotency_key: cle }).first<{ action: ActionJournal } | undefined>('action');
  return deja?.action ?? null;
}

export async function enregistrerReponse(trx: Knex.Transaction, demandeId: string, consenti: boolean, reponduLe: Date): Promise<void> {
  await trx('consent_requests').where({ id: demandeId }).update({ status: consenti ? 'consented' : 'refused', answered_at: reponduLe });
}

/** Deletes a request, its SMS (cascade) and their outbox rows (they hold the number and the texts). */
export async function supprimerDemandeConsentement(trx: Knex.Transaction, demandeId: string): Promise<void> {
  await trx('outbox').where('idempotency_key', 'like', `${prefixeCleConsentement(demandeId)}%`).delete();
  await trx('consent_requests').where({ id: demandeId }).delete();
}

/**
 * The aidant cancels the structure's request (issue 18): under its row lock, only while no answer was recorded
 * and no mandat uses it; the `cancelled` status and its journal row in the caller's transaction.
 */
export async function annulerDemandeDeLaStructure(
  trx: Knex.Transaction, demandeId: string, structureId: number, aidantId: number,
): Promise<'annulee' | 'introuvable' | 'sans-objet'> {
  const d = await trx('consent_requests').where({ id: demandeId, structure_id: structureId }).forUpdate()
    .first<{ id: string; status: StatutDemandeConsentement; demarches: string[]; duree_keyword: DureeMandat } | undefined>('id', 'status', 'demarches', 'duree_keyword');
  if (!d) return 'introuvable';
  if (!STATUTS_ANNULABLES.includes(d.status) || await trx('mandats').where({ consent_request_id: d.id }).first('id')) return 'sans-objet';
  await trx('consent_requests').where({ id: d.id }).update({ status: 'cancelled', failed_step: null });
  await trx('journal').insert({
    action: 'remote_consent_cancelled', aidant_id: aidantId, structure_id: structureId, consent_request_id: d.id,
    demarche: [...d.demarches].sort().join(','), duree: DUREES_MANDAT[d.duree_keyword].jours, is_remote_mandat: true, remote_consent_method: 'SMS',
    idempotency_key: cleConsentement(d.id, 'annulation'),
  }).onConflict('idempotency_key').ignore();
  return 'annulee';
}
