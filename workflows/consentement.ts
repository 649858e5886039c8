// Remote consent by SMS (db/domain/README.md#consentement-par-sms), workflow id `consentement-<consent request id>`, started when the
// aidant asks for it (db/temporal/processes/consentement.ts). It sends the recap SMS, then the consent request SMS
// (each once, through the outbox, whatever the retries), waits for the usager's answer (signal `reponseSms`,
// sent by the Twilio webhook) or the deadline, records the first answer (consent or refusal, by the rule of
// db/domain/consentement.ts) and sends the receipt. An SMS that cannot be sent marks the request `failed`
// and waits for the aidant's retry (signal `relancerEnvoi`) until the deadline. Then the run stays open for
// the retention of the request's SMS: every later answer is journaled as ignored, and at the end the SMS and
// the number are purged (unless a mandat uses the request: the mandat's own purge deletes them).
// Signals carry only ids (the answer's text stays in PostgreSQL): no personal data in the history.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ActivityFailure, ApplicationFailure, condition, continueAsNew, defineSignal, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { CONSENTEMENT_STATUT, STRUCTURE_ID } from './search-attributes.ts';

export interface EntreeConsentement {
  demandeId: string;
  /** Shown as the StructureId search attribute when given. */
  structureId?: number;
  /** How long the usager has to answer once the consent request SMS left (24 h in production). */
  delaiReponseMs: number;
  /** How long the request's SMS are kept after its end when no mandat uses it (6 years in production). */
  conservationMs: number;
  /** Set by a continue-as-new during the retention: when the request ended (workflow time). */
  finMs?: number;
}

export type FinConsentement = {
  /** purge: the SMS and the number deleted; conservee: a mandat uses the request; absent: no request row. */
  issue: 'purge' | 'conservee' | 'absent';
  aMs: number;
};

/** ConsentementStatut, as staff see it in the Temporal UI. */
export type StatutConsentementVisible = 'envoi' | 'echec' | 'attente' | 'consentement' | 'refus' | 'expiree' | 'annulee' | 'purge' | 'conservee' | 'absent';

/** An SMS answer from the request's number, stored by the webhook (consent_sms row). */
export const reponseSms = defineSignal<[{ smsId: number }]>('reponseSms');
/** The aidant asks to try a failed SMS again. */
export const relancerEnvoi = defineSignal('relancerEnvoi');
/**
 * The aidant cancelled the request (issue 18), already recorded as `cancelled` by api/consentement/demandes.ts:
 * the sending and the wait end, and any answer goes to the retention's « ignored ». Added after runs were
 * started without it: only a new handler and conditions that read its flag, so an old history (which never
 * carries this signal) replays command for command (tests/workflows/replay.test.ts).
 */
export const annulerDemande = defineSignal('annulerDemande');

// A failed SMS is tried 3 times within seconds, then the aidant is told (and may retry): no hidden long wait.
const { envoyerSmsConsentement } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});
// The receipt matters less than the answer already recorded: tried longer, then given up.
const { envoyerSmsConsentement: envoyerAccuse } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 10 },
});
// An answer's row is committed before its signal (api/consentement/reponses.ts): a short series of attempts for
// a database that does not answer.
const { traiterReponseSms } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});
const { marquerEchecEnvoi, expirerDemandeConsentement, purgerConsentement } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 hour' },
});

function afficher(valeur: StatutConsentementVisible, structureId: number | undefined): void {
  const attributs = workflowInfo().typedSearchAttributes;
  const changements: SearchAttributeUpdatePair[] = [];
  if (attributs.get(CONSENTEMENT_STATUT) !== valeur) changements.push({ key: CONSENTEMENT_STATUT, value: valeur });
  if (structureId !== undefined && attributs.get(STRUCTURE_ID) !== structureId) changements.push({ key: STRUCTURE_ID, value: structureId });
  if (changements.length) upsertSearchAttributes(changements);
}

function entreeValide(e: EntreeConsentement): boolean {
  const positif = (ms: unknown) => typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
  return typeof e.demandeId === 'string' && e.demandeId.length > 0 && positif(e.delaiReponseMs) && positif(e.conservationMs);
}

export async function consentement(entree: EntreeConsentement): Promise<FinConsentement> {
  if (!entreeValide(entree)) {
    throw ApplicationFailure.nonRetryable(
      'demandeId, delaiReponseMs et conservationMs sont obligatoires : démarrez la demande par demanderConsentement (db/temporal/processes/consentement.ts)',
      'EntreeInvalide',
    );
  }
  const { demandeId, structureId, delaiReponseMs, conservationMs } = entree;
  const recues: number[] = [];
  const vues = new Set<number>();
  setHandler(reponseSms, ({ smsId }) => {
    // The same answer may be signalled twice (the webhook, then the worker's reconciliation): handled once.
    if (Number.isInteger(smsId) && !vues.has(smsId)) {
      vues.add(smsId);
      recues.push(smsId);
    }
  });
  let relance = false;
  setHandler(relancerEnvoi, () => {
    relance = true;
  });
  let annulee = false;
  setHandler(annulerDemande, () => {
    annulee = true;
  });
  const fin = (issue: FinConsentement['issue']): FinConsentement => {
    afficher(issue, structureId);
    return { issue, aMs: Date.now() };
  };

  let finMs = entree.finMs;
  if (finMs === undefined) {
    const issue = await demander();
    if (issue === 'absent') return fin('absent');
    finMs = Date.now();
  }

  // Retention: later answers are journaled as ignored, until the purge.
  const purgeAMs = finMs + conservationMs;
  for (;;) {
    const restant = purgeAMs - Date.now();
    if (!recues.length && (restant <= 0 || !(await condition(() => recues.length > 0, restant)))) break;
    while (recues.length) await traiter(recues.shift()!, false);
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof consentement>({ ...entree, finMs });
  }
  const { issue } = await purgerConsentement({ demandeId });
  return fin(issue);

  /** Sending, waiting, the first answer and its receipt; 'absent' when the request row does not exist. */
  async function demander(): Promise<'fini' | 'absent'> {
    afficher('envoi', structureId);
    // The aidant may retry a failed SMS until this deadline; then the request expires.
    const relanceJusquAMs = Date.now() + delaiReponseMs;
    for (const etape of ['recapitulatif', 'demande'] as const) {
      for (;;) {
        if (annulee) return annulation();
        try {
          const r = await envoyerSmsConsentement({ demandeId, etape, maintenantMs: Date.now(), delaiReponseMs });
          if (r.issue === 'absent') return 'absent';
          break;
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          relance = false;
          await marquerEchecEnvoi({ demandeId, etape });
          afficher('echec', structureId);
          const restant = relanceJusquAMs - Date.now();
          if (restant <= 0 || !(await condition(() => relance || annulee, restant))) {
            await expirerDemandeConsentement({ demandeId });
            afficher('expiree', structureId);
            return 'fini';
          }
          if (annulee) return annulation();
          afficher('envoi', structureId);
        }
      }
    }
    afficher('attente', structureId);
    const echeanceMs = Date.now() + delaiReponseMs;
    for (;;) {
      const restant = echeanceMs - Date.now();
      if (!recues.length && (restant <= 0 || !(await condition(() => recues.length > 0 || annulee, restant)))) {
        await expirerDemandeConsentement({ demandeId });
        afficher('expiree', structureId);
        return 'fini';
      }
      // Answers still queued after a cancellation are read by the retention, as ignored.
      if (annulee) return annulation();
      const issue = await traiter(recues.shift()!, true);
      if (issue === 'absent') return 'absent';
      if (issue === 'consentement' || issue === 'refus') {
        afficher(issue, structureId);
        try {
          await envoyerAccuse({ demandeId, etape: 'accuse', maintenantMs: Date.now(), delaiReponseMs });
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          log.warn('accusé de réception non envoyé', { demandeId });
        }
        return 'fini';
      }
      // An answer that could not be read: the usager may still answer.
    }
  }

  function annulation(): 'fini' {
    afficher('annulee', structureId);
    return 'fini';
  }

  async function traiter(smsId: number, attendue: boolean) {
    try {
      return (await traiterReponseSms({ demandeId, smsId, attendue, maintenantMs: Date.now() })).issue;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('réponse SMS illisible, ignorée', { demandeId, smsId });
      return 'illisible' as const;
    }
  }
}
