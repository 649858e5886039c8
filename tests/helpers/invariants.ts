// What must hold over PostgreSQL, Temporal and what left the machine (the SMTP catcher, the Twilio fake) once
// the load settled, whatever killed the worker meanwhile (tests/integration/chaos-worker.test.ts, README
// « Pannes et reprises »). Returns the violations found (empty: all hold) and what was checked, so a caller
// can wait for a settling system to converge, then assert.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import type { CaughtEmail } from '../../scripts/fakes/mail-catcher.ts';
import type { SentSms } from '../../scripts/fakes/twilio-fake.ts';
import { etatHabilitation, idHabilitation } from '../../workflows/habilitation.ts';

/** What the load was told by the service about one habilitation request (each answer acknowledged). */
export interface HabilitationSuivie {
  demandeId: string;
  /** Acknowledged updates, in order: a staff decision (its number and target status) or a resubmission. */
  operations: ({ type: 'decision'; numero: number; action: string; vers: string } | { type: 'resoumission'; numero: number } | { type: 'incertaine'; action: string })[];
}

export interface Envois {
  emails: CaughtEmail[];
  sms: SentSms[];
  /** When the worker was killed (ms since the epoch). */
  kills: number[];
  /**
   * The claim of an outbox row (OUTBOX_CLAIM_MS): a copy followed by a SIGKILL within it was sent by a worker
   * killed before it could mark the row sent (from the provider's answer to that commit: milliseconds, seconds
   * on a loaded machine); without one, a live sender outlived its claim and someone sent it again — a violation.
   */
  claimMs: number;
}

export interface Bilan {
  violations: string[];
  mandats: number;
  habilitations: number;
  consentements: number;
  courriels: number;
  sms: number;
  /**
   * Copies of one message accepted by the provider less than a claim before a SIGKILL, i.e. between the
   * provider's answer and the commit that marks it sent: the at-least-once window that db/queries/outbox.ts
   * documents (same Message-ID, so a receiving system drops it). Not counted as violations; reported.
   */
  doublonsFenetre: string[];
}

const messageId = (cle: string) => `<${encodeURIComponent(cle)}@aidantsconnect.beta.gouv.fr>`;

async function executions(client: Client, query: string): Promise<WorkflowExecutionInfo[]> {
  const out: WorkflowExecutionInfo[] = [];
  for await (const w of client.workflow.list({ query })) out.push(w);
  return out;
}

function grouper<T>(items: T[], cle: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of items) m.set(cle(x), [...(m.get(cle(x)) ?? []), x]);
  return m;
}

/** Copies beyond the first one: each explained by a kill just after it arrived, or a violation. */
function copies(nom: string, recues: { date: string }[], envois: Envois, bilan: Bilan): void {
  const { kills } = envois;
  if (recues.length === 0) {
    bilan.violations.push(`${nom} : marqué envoyé, jamais reçu`);
    return;
  }
  const dates = recues.map((r) => new Date(r.date).getTime()).sort((a, b) => a - b);
  for (const d of dates.slice(0, -1)) {
    if (kills.some((k) => k >= d && k - d <= envois.claimMs)) bilan.doublonsFenetre.push(`${nom} (${Math.min(...kills.filter((k) => k >= d)) - d} ms)`);
    else {
      const suivant = kills.filter((k) => k >= d).sort((a, b) => a - b)[0];
      bilan.violations.push(`${nom} : reçu ${recues.length} fois, à ${dates.map((x) => new Date(x).toISOString().slice(11, 23)).join(', ')} ; ` +
        `SIGKILL suivant ${suivant === undefined ? 'aucun' : `${suivant - d} ms après la première copie`}`);
    }
  }
}

export async function verifierInvariants(db: Db, client: Client, habilitations: HabilitationSuivie[], envois: Envois): Promise<Bilan> {
  const bilan: Bilan = { violations: [], mandats: 0, habilitations: habilitations.length, consentements: 0, courriels: 0, sms: 0, doublonsFenetre: [] };
  const v = (s: string) => bilan.violations.push(s);

  // ——— Mandats: one workflow each, one create_attestation, autorisations consistent with the status ———
  const mandats: { id: number; status: string; ended_at: Date | null; workflow_started_at: Date | null }[] = await db('mandats').orderBy('id').select('id', 'status', 'ended_at', 'workflow_started_at');
  bilan.mandats = mandats.length;
  const lignes: { mandat_id: number; revoked_at: Date | null }[] = await db('autorisations').select('mandat_id', 'revoked_at');
  const autorisations = grouper(lignes, (a) => String(a.mandat_id));
  const journal: { mandat_id: number; action: string; n: number }[] = await db('journal').whereNotNull('mandat_id').groupBy('mandat_id', 'action').select('mandat_id', 'action').count({ n: '*' });
  const nJournal = (id: number, action: string) => Number(journal.find((j) => j.mandat_id === id && j.action === action)?.n ?? 0);
  const vies = grouper(await executions(client, "WorkflowType = 'mandat' OR WorkflowType = 'conservationMandat'"), (w) => w.workflowId);
  const idsMandats = new Set(mandats.map((m) => `mandat-${m.id}`));
  for (const id of vies.keys()) if (!idsMandats.has(id)) v(`${id} : workflow sans mandat en base`);
  for (const m of mandats) {
    const nom = `mandat ${m.id} (${m.status})`;
    if (nJournal(m.id, 'create_attestation') !== 1) v(`${nom} : ${nJournal(m.id, 'create_attestation')} create_attestation au journal`);
    if (nJournal(m.id, 'cancel_mandat') > 1) v(`${nom} : ${nJournal(m.id, 'cancel_mandat')} cancel_mandat au journal`);
    const auts = autorisations.get(String(m.id)) ?? [];
    const actives = auts.filter((a) => a.revoked_at === null).length;
    if (!auts.length) v(`${nom} : aucune autorisation`);
    if (m.status === 'active' && (actives === 0 || m.ended_at)) v(`${nom} : actif avec ${actives} autorisation(s) active(s)${m.ended_at ? ', et une date de fin' : ''}`);
    if (m.status === 'revoked' && (actives > 0 || !m.ended_at)) v(`${nom} : révoqué avec ${actives} autorisation(s) encore active(s)${m.ended_at ? '' : ', sans date de fin'}`);
    if (!m.workflow_started_at) v(`${nom} : workflow jamais marqué démarré`);
    const runs = vies.get(`mandat-${m.id}`) ?? [];
    const ouverts = runs.filter((r) => r.status.name === 'RUNNING');
    const echecs = runs.filter((r) => !['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW'].includes(r.status.name));
    if (ouverts.length !== 1) v(`${nom} : ${ouverts.length} exécution(s) en cours de mandat-${m.id} (une attendue)`);
    if (echecs.length) v(`${nom} : exécution(s) ${echecs.map((r) => r.status.name).join(', ')}`);
    // The workflow's view matches PostgreSQL: an ended mandat's life has moved on to its retention.
    const attendu = m.status === 'active' ? 'mandat' : 'conservationMandat';
    if (ouverts.length === 1 && ouverts[0].type !== attendu) v(`${nom} : son workflow est ${ouverts[0].type}, ${attendu} attendu`);
  }

  // ——— Consent requests: one workflow each, never failed ———
  const consentements: { id: string; status: string }[] = await db('consent_requests').select('id', 'status');
  bilan.consentements = consentements.length;
  const vuesConsentement = grouper(await executions(client, "WorkflowType = 'consentement'"), (w) => w.workflowId);
  for (const c of consentements) {
    const runs = vuesConsentement.get(`consentement-${c.id}`) ?? [];
    if (runs.filter((r) => r.status.name === 'RUNNING').length !== 1) v(`consentement ${c.id} (${c.status}) : ${runs.length} exécution(s), aucune ou plusieurs en cours`);
    if (runs.some((r) => ['FAILED', 'TERMINATED', 'TIMED_OUT'].includes(r.status.name))) v(`consentement ${c.id} : une exécution a échoué`);
    if (['sending', 'failed'].includes(c.status)) v(`consentement ${c.id} : encore « ${c.status} » (ses SMS ne sont pas partis)`);
  }
  const mandatsParConsentement: { consent_request_id: string; n: number }[] = await db('mandats').whereNotNull('consent_request_id').groupBy('consent_request_id').select('consent_request_id').count({ n: '*' });
  for (const c of mandatsParConsentement) if (Number(c.n) > 1) v(`consentement ${c.consent_request_id} : ${c.n} mandats`);

  // ——— The outbox: everything sent, each key received once (the stable Message-ID names it) ———
  const sortants: { idempotency_key: string; channel: string; recipient: string; status: string }[] = await db('outbox').select('idempotency_key', 'channel', 'recipient', 'status');
  for (const o of sortants) if (o.status !== 'sent') v(`boîte d’envoi ${o.idempotency_key} : « ${o.status} »`);
  const courriels = sortants.filter((o) => o.channel === 'email');
  bilan.courriels = courriels.length;
  const parMessageId = grouper(envois.emails, (e) => e.messageId ?? '');
  const connus = new Set(courriels.map((o) => messageId(o.idempotency_key)));
  for (const [id, recus] of parMessageId) if (!connus.has(id)) v(`courriel reçu hors boîte d’envoi : ${id} (${recus[0].subject}) ×${recus.length}`);
  for (const o of courriels.filter((x) => x.status === 'sent')) copies(`courriel ${o.idempotency_key}`, parMessageId.get(messageId(o.idempotency_key)) ?? [], envois, bilan);
  // An SMS carries no key: per number, as many received as sent rows (each number gets its own request here).
  const sms = sortants.filter((o) => o.channel === 'sms');
  bilan.sms = sms.length;
  const smsParNumero = grouper(envois.sms, (s) => s.to);
  for (const [numero, lignes] of grouper(sms.filter((x) => x.status === 'sent'), (o) => o.recipient)) {
    const recus = smsParNumero.get(numero) ?? [];
    if (recus.length < lignes.length) v(`SMS à ${numero} : ${lignes.length} envoyés selon la boîte d’envoi, ${recus.length} reçus`);
    // Each copy beyond the rows sent is explained by a SIGKILL just after an earlier copy arrived.
    for (const s of recus.sort((a, b) => a.date.localeCompare(b.date)).slice(0, recus.length - lignes.length)) {
      if (envois.kills.some((k) => k >= new Date(s.date).getTime() && k - new Date(s.date).getTime() <= envois.claimMs)) bilan.doublonsFenetre.push(`SMS à ${numero}`);
      else v(`SMS à ${numero} : ${recus.length} reçus pour ${lignes.length} envoyés`);
    }
  }
  for (const numero of smsParNumero.keys()) if (!sms.some((o) => o.recipient === numero)) v(`SMS reçu hors boîte d’envoi à ${numero}`);

  // ——— Habilitations: no decision lost, PostgreSQL and the workflow agree ———
  for (const h of habilitations) {
    const nom = `demande ${h.demandeId}`;
    const d = await db('demandes_habilitation').where({ id: h.demandeId }).first('status', 'structure_id', 'siret');
    const evenements: { type: string; idempotency_key: string | null }[] = await db('evenements_habilitation').where({ demande_id: h.demandeId }).select('type', 'idempotency_key');
    const decisionsEnBase = evenements.filter((e) => e.idempotency_key?.startsWith(`habilitation-${h.demandeId}-decision-`));
    for (const op of h.operations) {
      if (op.type !== 'decision') continue;
      const e = evenements.find((x) => x.idempotency_key === `habilitation-${h.demandeId}-decision-${op.numero}`);
      if (!e || e.type !== op.action) v(`${nom} : décision n° ${op.numero} (${op.action}) acceptée mais absente du fil (${e?.type ?? 'rien'})`);
    }
    // An update whose author got an error (the last one, the load stops there) may or may not have been applied.
    const incertaine = h.operations.at(-1)?.type === 'incertaine';
    const derniere = h.operations.filter((o) => o.type !== 'incertaine').at(-1);
    const attendu = !derniere ? 'AC_VALIDATION_PROCESSING' : derniere.type === 'decision' ? derniere.vers : 'AC_VALIDATION_PROCESSING';
    if (d.status !== attendu && !incertaine) v(`${nom} : « ${d.status} » en base, « ${attendu} » attendu (dernière réponse donnée : ${derniere ? JSON.stringify(derniere) : 'soumise'})`);
    const handle = client.workflow.getHandle(idHabilitation(h.demandeId));
    const etat = await handle.query(etatHabilitation).catch((err: Error) => err);
    if (etat instanceof Error) {
      v(`${nom} : workflow illisible (${etat.message})`);
      continue;
    }
    if (etat.statut !== d.status) v(`${nom} : le workflow dit « ${etat.statut} », la base « ${d.status} »`);
    if (etat.decisions !== decisionsEnBase.length) v(`${nom} : ${etat.decisions} décision(s) dans le workflow, ${decisionsEnBase.length} dans le fil`);
    const desc = await handle.describe();
    if (desc.raw.pendingActivities?.length) v(`${nom} : ${desc.raw.pendingActivities.length} activité(s) encore en cours`);
    if (String(desc.searchAttributes.HabilitationStatut?.[0]) !== d.status) v(`${nom} : HabilitationStatut ${desc.searchAttributes.HabilitationStatut}, base « ${d.status} »`);
    const structures = d.siret ? await db('structures').where({ siret: d.siret }).count({ n: '*' }).first() : { n: 0 };
    const nStructures = Number(structures?.n ?? 0);
    if (d.status === 'VALIDATED' && (nStructures !== 1 || !d.structure_id)) v(`${nom} : validée, ${nStructures} structure(s) pour son SIRET`);
    if (d.status !== 'VALIDATED' && nStructures !== 0) v(`${nom} : « ${d.status} » mais une structure a été créée`);
  }
  return bilan;
}
