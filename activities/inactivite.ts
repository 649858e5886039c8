// Activities of the inactivity watch (workflows/inactivite.ts). Each one re-reads the account in PostgreSQL,
// the source of truth (a login writes only there), and takes its decision in one transaction holding the
// account's row lock, so a login committed meanwhile is never missed. The decision is recorded by a journal
// row keyed per aidant and cycle: a retried attempt finds it and only completes the emails, which the outbox
// sends once per key. Times come from the workflow (arguments), never from this machine's clock.
import type { Knex } from 'knex';
import type { ActivityDeps } from './deps.ts';
import { sendEmailOnce } from './outbox.ts';
import { cleInactivite, connexionPlusRecente } from '../db/domain/inactivite.ts';
import { courrielAvertissement, courrielDesactivationAidant, courrielDesactivationReferent, dateEnFrancais } from '../db/courriels/inactivite.ts';

export interface ParametresAvertissement {
  aidantId: number;
  /** Start of the cycle: the login (or watch start) the 5 months are counted from. */
  referenceMs: number;
  /** Workflow time of the decision. */
  maintenantMs: number;
  /** Workflow time at which the account will be deactivated without a login (announced in the email). */
  desactivationPrevueMs: number;
}

export interface ParametresDesactivation {
  aidantId: number;
  referenceMs: number;
  maintenantMs: number;
}

/** The account is gone or was deactivated for another reason: the watch ends without a word. */
type CompteInactif = { issue: 'compte-inactif' };
/** A login after the reference point: the workflow starts a new cycle from it. */
type Connexion = { issue: 'connexion'; derniereConnexionMs: number };

export type IssueAvertissement = { issue: 'avertie' } | CompteInactif | Connexion;
/** `avertissement-annule`: no newer login but the warning was cleared (a reactivation): start a new cycle. */
export type IssueDesactivation = { issue: 'desactive' } | { issue: 'avertissement-annule' } | CompteInactif | Connexion;

interface LigneAidant {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  current_structure_id: number | null;
  last_login_at: Date | null;
  deactivation_warning_at: Date | null;
}

async function compteVerrouille(trx: Knex.Transaction, aidantId: number): Promise<LigneAidant | undefined> {
  return trx('aidants').where({ id: aidantId }).forUpdate().first();
}

async function dejaDecide(trx: Knex.Transaction, cle: string): Promise<boolean> {
  return Boolean(await trx('journal').where({ idempotency_key: cle }).first('id'));
}

/** Active référents of the structures the aidant belongs to (the aidant excluded, when référent too). */
async function referentsDe(trx: Knex.Transaction, aidantId: number): Promise<{ id: number; email: string; first_name: string }[]> {
  return trx('referent_structures as rs')
    .join('aidant_structures as ast', 'ast.structure_id', 'rs.structure_id')
    .join('aidants as r', 'r.id', 'rs.aidant_id')
    .where({ 'ast.aidant_id': aidantId, 'r.is_active': true })
    .whereNot('r.id', aidantId)
    .distinct('r.id', 'r.email', 'r.first_name')
    .orderBy('r.id');
}

export function createInactiviteActivities(deps: ActivityDeps) {
  const { db, mailer } = deps;
  const base = (deps.publicUrl ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const lienConnexion = `${base}/connexion`;

  return {
    /** 5 months on: warns the aidant unless they logged in meanwhile (or the account is no longer active). */
    async avertirSiInactif(p: ParametresAvertissement): Promise<IssueAvertissement> {
      const cle = cleInactivite(p.aidantId, p.referenceMs, 'avertissement');
      const decision = await db.transaction(async (trx): Promise<IssueAvertissement | { issue: 'avertie'; aidant: LigneAidant }> => {
        const aidant = await compteVerrouille(trx, p.aidantId);
        if (!aidant) return { issue: 'compte-inactif' };
        if (await dejaDecide(trx, cle)) return { issue: 'avertie', aidant };
        if (!aidant.is_active) return { issue: 'compte-inactif' };
        if (connexionPlusRecente(aidant.last_login_at, p.referenceMs)) return { issue: 'connexion', derniereConnexionMs: aidant.last_login_at!.getTime() };
        await trx('aidants').where({ id: aidant.id }).update({ deactivation_warning_at: new Date(p.maintenantMs) });
        await trx('journal')
          .insert({
            action: 'inactivity_warning',
            aidant_id: aidant.id,
            structure_id: aidant.current_structure_id,
            additional_information: `Aucune connexion depuis le ${dateEnFrancais(p.referenceMs)} ; désactivation prévue le ${dateEnFrancais(p.desactivationPrevueMs)}`,
            idempotency_key: cle,
          })
          .onConflict('idempotency_key')
          .ignore();
        return { issue: 'avertie', aidant };
      });
      if (!('aidant' in decision)) return decision;
      await sendEmailOnce(db, mailer, {
        idempotencyKey: cle,
        to: decision.aidant.email,
        ...courrielAvertissement({ prenom: decision.aidant.first_name, referenceMs: p.referenceMs, desactivationPrevueMs: p.desactivationPrevueMs, lienConnexion }),
      });
      return { issue: 'avertie' };
    },

    /** 1 more month on: deactivates the account unless a login came, and tells the aidant and their référents. */
    async desactiverSiInactif(p: ParametresDesactivation): Promise<IssueDesactivation> {
      const cle = cleInactivite(p.aidantId, p.referenceMs, 'desactivation');
      type Desactive = { issue: 'desactive'; aidant: LigneAidant; referents: { id: number; email: string; first_name: string }[] };
      const decision = await db.transaction(async (trx): Promise<IssueDesactivation | Desactive> => {
        const aidant = await compteVerrouille(trx, p.aidantId);
        if (!aidant) return { issue: 'compte-inactif' };
        if (!(await dejaDecide(trx, cle))) {
          if (!aidant.is_active) return { issue: 'compte-inactif' };
          if (connexionPlusRecente(aidant.last_login_at, p.referenceMs)) return { issue: 'connexion', derniereConnexionMs: aidant.last_login_at!.getTime() };
          if (!aidant.deactivation_warning_at) return { issue: 'avertissement-annule' };
          // A new session version ends every open session of the account at its next request.
          await trx('aidants').where({ id: aidant.id }).update({ is_active: false, session_version: trx.raw('session_version + 1') });
          await trx('journal')
            .insert({
              action: 'inactivity_deactivation',
              aidant_id: aidant.id,
              structure_id: aidant.current_structure_id,
              additional_information: `Aucune connexion depuis le ${dateEnFrancais(p.referenceMs)} ; compte désactivé le ${dateEnFrancais(p.maintenantMs)}`,
              idempotency_key: cle,
            })
            .onConflict('idempotency_key')
            .ignore();
        }
        return { issue: 'desactive', aidant, referents: await referentsDe(trx, aidant.id) };
      });
      if (!('aidant' in decision)) return decision;
      const { aidant, referents } = decision;
      await sendEmailOnce(db, mailer, {
        idempotencyKey: cleInactivite(aidant.id, p.referenceMs, 'desactivation', 'aidant'),
        to: aidant.email,
        ...courrielDesactivationAidant({ prenom: aidant.first_name, referenceMs: p.referenceMs, lienConnexion }),
      });
      for (const referent of referents) {
        await sendEmailOnce(db, mailer, {
          idempotencyKey: cleInactivite(aidant.id, p.referenceMs, 'desactivation', `referent-${referent.id}`),
          to: referent.email,
          ...courrielDesactivationReferent({
            prenomReferent: referent.first_name,
            aidant: { prenom: aidant.first_name, nom: aidant.last_name, email: aidant.email },
            referenceMs: p.referenceMs,
            lienReactivation: `${base}/espace-referent/aidants/${aidant.id}`,
          }),
        });
      }
      return { issue: 'desactive' };
    },
  };
}
