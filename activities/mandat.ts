// Activities of a mandat's life (workflows/mandat.ts, workflows/conservation-mandat.ts). PostgreSQL is the
// truth: each activity re-reads the mandat under its row lock and applies the rules of db/domain/vie-mandat.ts,
// so a revocation committed meanwhile is never missed and a retried attempt finds its own work done (journal
// rows and emails are keyed by mandat and step). Journal rows hold plain ids only (mandat, usager, structure)
// and no personal data: they stay readable after the purge deleted the rows those ids named.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps.ts';
import { sendEmailOnce } from './outbox.ts';
import { courrielRappelExpiration, dateMandat } from '../db/courriels/mandat.ts';
import { DUREES_MANDAT } from '../db/domain/mandat.ts';
import { cleVieMandat, issueDuMandat, rappelUtile } from '../db/domain/vie-mandat.ts';
import { supprimerDemandeConsentement } from '../db/queries/consentement.ts';
import {
  datesRevocation as revocations, dejaJournalise, destinatairesRappel, journaliserPurgeMandat, supprimerMandat, supprimerUsagerSansMandat,
  terminerMandats, verrouillerMandat as mandatVerrouille, verrouillerUsager, type MandatVerrouille,
} from '../db/queries/mandats.ts';
import { marquerPreuvePurgee } from '../db/queries/preuves.ts';

export interface ParametresRappel {
  mandatId: number;
  /** Workflow time of the reminder. */
  maintenantMs: number;
}

export interface ParametresFin {
  mandatId: number;
  /** Workflow time of the decision (an expiry is only written once it is reached). */
  maintenantMs: number;
}

export interface ParametresPurge {
  mandatId: number;
  /** End of the retention (workflow time), for the journal. */
  purgeAMs: number;
}

export type IssueRappel = { issue: 'rappele'; destinataires: number } | { issue: 'sans-objet' };
export type IssueFin =
  | { issue: 'active'; expiresAtMs: number }
  | { issue: 'expired' | 'revoked'; finMs: number }
  /** No such mandat (purged, or never written): nothing to keep. */
  | { issue: 'absent' };
export type IssuePurge = { issue: 'purge' | 'deja-purge' | 'absent'; usagerSupprime: boolean };

const dureeEnJours = (m: MandatVerrouille) => (m.duree_keyword in DUREES_MANDAT ? DUREES_MANDAT[m.duree_keyword as keyof typeof DUREES_MANDAT].jours : null);

export function createMandatActivities(deps: ActivityDeps) {
  const { db, mailer } = deps;
  const publicUrl = deps.publicUrl ?? 'http://127.0.0.1:3000';

  return {
    /** Reminds each active aidant of the structure that the mandat expires soon, once per aidant. */
    async rappelerExpirationMandat(p: ParametresRappel): Promise<IssueRappel> {
      const lecture = await db.transaction(async (trx) => {
        const mandat = await mandatVerrouille(trx, p.mandatId);
        if (!mandat || !rappelUtile(mandat, await revocations(trx, mandat.id), p.maintenantMs)) return null;
        return { mandat, ...(await destinatairesRappel(trx, mandat)) };
      });
      if (!lecture) return { issue: 'sans-objet' };
      const { mandat, usager, structure, aidants } = lecture;
      for (const aidant of aidants) {
        await sendEmailOnce(db, mailer, {
          idempotencyKey: cleVieMandat(mandat.id, 'rappel', aidant.id),
          to: aidant.email,
          ...courrielRappelExpiration({
            prenomAidant: aidant.first_name,
            usager: { prenom: usager.given_name, nom: usager.preferred_username || usager.family_name },
            structure: structure.name,
            expiresAtMs: mandat.expires_at.getTime(),
            lienUsager: `${publicUrl}/usagers/${mandat.usager_id}`,
          }),
        });
      }
      return { issue: 'rappele', destinataires: aidants.length };
    },

    /**
     * Ends the mandat when it is over (expired, or every autorisation revoked) and says how it ended. A status
     * already written (the revocation transaction writes it) is only read back. `active` when it is not over.
     */
    async terminerMandat(p: ParametresFin): Promise<IssueFin> {
      return db.transaction(async (trx): Promise<IssueFin> => {
        const mandat = await mandatVerrouille(trx, p.mandatId);
        if (!mandat) return { issue: 'absent' };
        const issue = issueDuMandat(mandat, await revocations(trx, mandat.id), p.maintenantMs);
        if (issue.statut === 'active') return { issue: 'active', expiresAtMs: issue.expiresAtMs };
        if (issue.aEcrire) {
          await terminerMandats(trx, [mandat.id], {
            statut: issue.statut,
            le: new Date(issue.finMs),
            journal: {
              action: issue.statut === 'expired' ? 'expire_mandat' : 'cancel_mandat',
              structure_id: mandat.structure_id,
              usager_id: mandat.usager_id,
              duree: dureeEnJours(mandat),
              additional_information: issue.statut === 'expired'
                ? `Mandat expiré le ${dateMandat(issue.finMs)}`
                : `Toutes les autorisations révoquées ; mandat terminé le ${dateMandat(issue.finMs)}`,
              idempotency_key: cleVieMandat(mandat.id, 'fin'),
            },
          });
        }
        return { issue: issue.statut, finMs: issue.finMs };
      });
    },

    /**
     * At the end of the retention (CGU §7.1), in one transaction: the mandat's autorisations and row, its
     * reminder emails (they name the usager), its consent request and SMS (remote mandat), and the usager's
     * row when no other mandat refers to it. The journal gets a `purge_mandat` row with ids only. Already
     * purged: nothing more happens.
     */
    async purgerMandat(p: ParametresPurge): Promise<IssuePurge> {
      const cle = cleVieMandat(p.mandatId, 'purge');
      return db.transaction(async (trx): Promise<IssuePurge> => {
        const mandat = await mandatVerrouille(trx, p.mandatId);
        if (!mandat) {
          const dejaFait = await dejaJournalise(trx, cle);
          return { issue: dejaFait ? 'deja-purge' : 'absent', usagerSupprime: false };
        }
        if (mandat.status === 'active') {
          throw ApplicationFailure.nonRetryable(`Le mandat ${mandat.id} est actif : il ne peut pas être purgé.`, 'MandatActif');
        }
        // Locked before counting: a mandat created for this usager meanwhile either committed first (and is
        // counted) or waits for this transaction (and creates the usager again from FranceConnect).
        await verrouillerUsager(trx, mandat.usager_id);
        // The verification code outlives the mandat (its end and purge dates only): the public page can say
        // "ended, data deleted" rather than "unknown".
        await marquerPreuvePurgee(trx, mandat.id, new Date(p.purgeAMs));
        await supprimerMandat(trx, mandat.id);
        // A remote mandat: the usager's number and the consent SMS go with it.
        if (mandat.consent_request_id) await supprimerDemandeConsentement(trx, mandat.consent_request_id);
        const usagerSupprime = await supprimerUsagerSansMandat(trx, mandat.usager_id);
        await journaliserPurgeMandat(trx, {
          action: 'purge_mandat',
          structure_id: mandat.structure_id,
          usager_id: mandat.usager_id,
          mandat_id: mandat.id,
          additional_information: `Mandat terminé le ${dateMandat(mandat.ended_at!.getTime())}, purgé à la fin de sa conservation (${dateMandat(p.purgeAMs)}) ; ${
            !usagerSupprime ? "données de l'usager conservées (un autre mandat le concerne)" : "données de l'usager supprimées"
          }`,
          idempotency_key: cle,
        });
        return { issue: 'purge', usagerSupprime };
      });
    },
  };
}
