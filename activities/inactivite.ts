// Activities of the inactivity watch (workflows/inactivite.ts). Each one re-reads the account in PostgreSQL,
// the source of truth (a login writes only there), and takes its decision in one transaction holding the
// account's row lock, so a login committed meanwhile is never missed. The decision is recorded by a journal
// row keyed per aidant and cycle: a retried attempt finds it and only completes the emails, which the outbox
// sends once per key. Times come from the workflow (arguments), never from this machine's clock. The SQL:
// db/queries/inactivite.ts.
import type { ActivityDeps } from './deps.ts';
import { sendEmailOnce } from './outbox.ts';
import { cleInactivite, connexionPlusRecente } from '../db/domain/inactivite.ts';
import { compteVerrouille, dejaDecide, enregistrerAvertissement, enregistrerDesactivation, referentsDe, type LigneAidant } from '../db/queries/inactivite.ts';
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
        await enregistrerAvertissement(trx, aidant, {
          le: new Date(p.maintenantMs),
          information: `Aucune connexion depuis le ${dateEnFrancais(p.referenceMs)} ; désactivation prévue le ${dateEnFrancais(p.desactivationPrevueMs)}`,
          cle,
        });
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
          await enregistrerDesactivation(trx, aidant, {
            information: `Aucune connexion depuis le ${dateEnFrancais(p.referenceMs)} ; compte désactivé le ${dateEnFrancais(p.maintenantMs)}`,
            cle,
          });
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
