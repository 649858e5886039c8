// Activities of remote consent by SMS (workflows/consentement.ts). PostgreSQL is the truth: each activity
// re-reads the request under its row lock, and is keyed so that a retried attempt finds its own work done
// (outbox key and journal key per request and step, one consent_sms row per sent step, one journal row per
// received SMS). The journal rows name the SMS by id (consent_sms_id): the number and the texts live in
// consent_requests and consent_sms, which the purge deletes; the journal keeps no personal data of its own.
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps.ts';
import { sendSmsOnce } from './outbox.ts';
import {
  cleConsentement, lireReponse, texteSmsAccuse, texteSmsDemande, texteSmsRecapitulatif,
  type EtapeSms, type StatutDemandeConsentement,
} from '../db/domain/consentement.ts';
import { DUREES_MANDAT } from '../db/domain/mandat.ts';
import type { ActionJournal } from '../db/domain/statuts.ts';
import {
  actionJournalisee, enregistrerReponse, enregistrerSmsEnvoye, expirerDemande, journaliserSms, journaliserSmsUneFois, marquerEchecEnvoi,
  marquerEnAttente, nomDeLaStructure, repasserEnEnvoi, smsRecu, supprimerDemandeConsentement, verrouillerDemande as demandeVerrouillee,
  type LigneDemande,
} from '../db/queries/consentement.ts';
import { mandatDuConsentement } from '../db/queries/mandats.ts';

export interface ParametresEnvoiSms {
  demandeId: string;
  etape: EtapeSms;
  /** Workflow time of the sending: the answer deadline counts from the consent request SMS. */
  maintenantMs: number;
  delaiReponseMs: number;
}

export type IssueEnvoiSms = { issue: 'envoye' | 'sans-objet' | 'absent' };

export interface ParametresReponse {
  demandeId: string;
  smsId: number;
  /** true for the first answer while the workflow waits for it; false afterwards (the answer is ignored). */
  attendue: boolean;
  maintenantMs: number;
}

export type IssueReponse = { issue: 'consentement' | 'refus' | 'ignoree' | 'absent' };

/** The fields every SMS journal row carries (db/domain/README.md#consentement-par-sms), the number and the text aside. */
function champsJournal(d: LigneDemande, consentSmsId: number) {
  return {
    aidant_id: d.aidant_id,
    structure_id: d.structure_id,
    demarche: [...d.demarches].sort().join(','),
    duree: DUREES_MANDAT[d.duree_keyword].jours,
    is_remote_mandat: true,
    remote_consent_method: 'SMS',
    consent_request_id: d.id,
    consent_sms_id: consentSmsId,
  } as const;
}

const ACTIONS_ENVOI: Partial<Record<EtapeSms, ActionJournal>> = {
  recapitulatif: 'remote_sms_recap_sent',
  demande: 'remote_sms_consent_sent',
};

const LIBELLES_STATUT: Record<StatutDemandeConsentement, string> = {
  sending: 'SMS en cours d’envoi',
  failed: 'envoi en échec',
  awaiting: 'en attente d’une première réponse',
  consented: 'accord déjà reçu',
  refused: 'refus déjà reçu',
  expired: 'demande expirée',
  cancelled: 'demande annulée par l’aidant',
};

/** Twilio refused the message itself (4xx: invalid number, unreachable…): trying again would not help. */
function refusDefinitif(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

export function createConsentementActivities(deps: ActivityDeps) {
  const { db } = deps;

  return {
    /**
     * Sends one SMS of the request once (outbox key per request and step), then records it: its text in
     * consent_sms, the journal row (recap and consent request), and the status (`awaiting` with its deadline
     * once the consent request SMS left). The receipt answers the recorded answer; nothing to do otherwise.
     */
    async envoyerSmsConsentement(p: ParametresEnvoiSms): Promise<IssueEnvoiSms> {
      if (!deps.sms) throw ApplicationFailure.nonRetryable('Aucun service SMS n’est configuré pour le worker.', 'SmsNonConfigure');
      const demande = await db.transaction(async (trx) => {
        const d = await demandeVerrouillee(trx, p.demandeId);
        // A retry after a failure: the page shows the sending again.
        if (d?.status === 'failed') await repasserEnEnvoi(trx, d.id);
        return d;
      });
      if (!demande) return { issue: 'absent' };
      // Cancelled by the aidant (api/consentement/demandes.ts annulerDemande): nothing more leaves for the usager.
      if (demande.status === 'cancelled') return { issue: 'sans-objet' };
      let texte: string;
      if (p.etape === 'recapitulatif') {
        texte = texteSmsRecapitulatif({ structure: await nomDeLaStructure(db, demande.structure_id), duree: demande.duree_keyword, demarches: demande.demarches });
      } else if (p.etape === 'demande') {
        texte = texteSmsDemande(demande.reply_code);
      } else {
        if (demande.status !== 'consented' && demande.status !== 'refused') return { issue: 'sans-objet' };
        texte = texteSmsAccuse(demande.status === 'consented');
      }
      try {
        await sendSmsOnce(db, deps.sms, { idempotencyKey: cleConsentement(demande.id, p.etape), to: demande.phone, body: texte });
      } catch (err) {
        if (refusDefinitif(err)) throw ApplicationFailure.nonRetryable(`Twilio refuse le SMS : ${(err as Error).message}`, 'SmsRefuse');
        throw err;
      }
      await db.transaction(async (trx) => {
        const d = (await demandeVerrouillee(trx, p.demandeId))!;
        const smsId = await enregistrerSmsEnvoye(trx, d.id, p.etape, texte);
        const action = ACTIONS_ENVOI[p.etape];
        if (action) await journaliserSmsUneFois(trx, { action, ...champsJournal(d, smsId), idempotency_key: cleConsentement(d.id, p.etape) });
        if (p.etape === 'demande' && (d.status === 'sending' || d.status === 'failed')) {
          await marquerEnAttente(trx, d.id, new Date(p.maintenantMs), new Date(p.maintenantMs + p.delaiReponseMs));
        }
      });
      return { issue: 'envoye' };
    },

    /** The SMS could not be sent after its attempts: the aidant sees it and may retry. */
    async marquerEchecEnvoi(p: { demandeId: string; etape: EtapeSms }): Promise<void> {
      await marquerEchecEnvoi(db, p.demandeId, p.etape);
    },

    /** No answer in time (or an SMS never sent): the request expires; an answer already recorded stays. */
    async expirerDemandeConsentement(p: { demandeId: string }): Promise<void> {
      await expirerDemande(db, p.demandeId);
    },

    /**
     * Reads an answer the webhook stored: the first one while awaited that names the request's code decides
     * (consent when it is "Oui <code>" by lireReponse of db/domain/consentement.ts, refusal otherwise); any
     * other is journaled as ignored, and the usager may still answer. Once per
     * SMS (journal key per received SMS): a retry returns what the first attempt decided.
     */
    async traiterReponseSms(p: ParametresReponse): Promise<IssueReponse> {
      return db.transaction(async (trx): Promise<IssueReponse> => {
        const d = await demandeVerrouillee(trx, p.demandeId);
        if (!d) return { issue: 'absent' };
        const sms = await smsRecu(trx, d.id, p.smsId);
        // The webhook signals after its commit (api/consentement/reponses.ts): a missing row is an anomaly, retried.
        if (!sms) throw new Error(`SMS reçu ${p.smsId} pas encore enregistré`);
        const cle = cleConsentement(d.id, `reponse-${sms.id}`);
        const deja = await actionJournalisee(trx, cle);
        if (deja) {
          return { issue: deja === 'remote_sms_consent_received' ? 'consentement' : deja === 'remote_sms_denial_received' ? 'refus' : 'ignoree' };
        }
        // Issue 18, item 1: an answer that does not name this request's code decides nothing for it.
        const lecture = lireReponse(sms.body, d.reply_code);
        if (p.attendue && d.status === 'awaiting' && lecture !== 'sans-code') {
          const consenti = lecture === 'consentement';
          await enregistrerReponse(trx, d.id, consenti, new Date(p.maintenantMs));
          await journaliserSms(trx, {
            action: consenti ? 'remote_sms_consent_received' : 'remote_sms_denial_received', ...champsJournal(d, sms.id), idempotency_key: cle,
          });
          return { issue: consenti ? 'consentement' : 'refus' };
        }
        await journaliserSms(trx, {
          action: 'remote_sms_answer_ignored', ...champsJournal(d, sms.id), idempotency_key: cle,
          additional_information: lecture === 'sans-code' && d.status === 'awaiting'
            ? 'Réponse ignorée (sans le code de la demande)'
            : `Réponse ignorée (${LIBELLES_STATUT[d.status]})`,
        });
        return { issue: 'ignoree' };
      });
    },

    /**
     * End of the retention of a request no mandat uses: its number, its SMS (consent_sms) and their outbox
     * rows are deleted; the journal rows stay, naming ids only. A request a mandat uses is left to the
     * mandat's purge (activities/mandat.ts), which comes later.
     */
    async purgerConsentement(p: { demandeId: string }): Promise<{ issue: 'purge' | 'conservee' | 'absent' }> {
      return db.transaction(async (trx) => {
        const d = await demandeVerrouillee(trx, p.demandeId);
        if (!d) return { issue: 'absent' as const };
        if (await mandatDuConsentement(trx, d.id)) return { issue: 'conservee' as const };
        await supprimerDemandeConsentement(trx, d.id);
        return { issue: 'purge' as const };
      });
    },
  };
}
