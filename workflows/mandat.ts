// The life of one mandat (db/domain/README.md#fin-du-mandat), workflow id `mandat-<id>`, started with the mandat
// (db/temporal/processes/mandat.ts). Active until its expiry (a durable timer) or until told it was revoked (signal
// `mandatRevoque`, sent after the revocation transaction committed: PostgreSQL is the truth and
// `terminerMandat` re-reads it, so an early or repeated notice only makes it look again). On the way, the
// structure's aidants are reminded `rappelAvantMs` before expiry (182- and 365-day mandats), unless it ended
// first. At the end, the status and the journal are written once, then the run continues as new into the tiny
// `conservationMandat` workflow (workflows/conservation-mandat.ts), which purges it after the retention.
// Durations are inputs, deadlines absolute: production values come from db/domain/mandat.ts through the starter.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApplicationFailure, condition, continueAsNew, defineSignal, makeContinueAsNewFunc, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { conservationMandat } from './conservation-mandat.ts';
import { MANDAT_STATUT, STRUCTURE_ID } from './search-attributes.ts';

export interface EntreeVieMandat {
  mandatId: number;
  /** Shown as the StructureId search attribute when given. */
  structureId?: number;
  /** Expiry date (ms since the epoch): the mandat's `expires_at`. */
  expiresAtMs: number;
  /** Reminder this long before expiry; null: no reminder (1- and 31-day mandats). */
  rappelAvantMs: number | null;
  /** Retention after the end, before the purge (6 years in production). */
  conservationMs: number;
  /** Set by a continue-as-new once the reminder is past. */
  rappelPasse?: boolean;
}

/** Only when the mandat row does not exist: there is nothing to keep or purge. */
export type FinVieMandat = { issue: 'absent'; aMs: number };

/**
 * MandatStatut, as staff see it in the Temporal UI: `active`, then `expire` or `revoque` (the end of this run),
 * `conservation` (the retention run), `purge` (done); `absent` for a mandat with no row.
 */
export type StatutMandatVisible = 'active' | 'expire' | 'revoque' | 'conservation' | 'purge' | 'absent';

/** The revocation transaction committed: look at the mandat again. */
export const mandatRevoque = defineSignal('mandatRevoque');

/**
 * Staff transferred the mandat to another structure (issue 20, db/queries/structures.ts): the StructureId search
 * attribute follows. A handler added later: a run never signalled replays exactly as before.
 */
export const mandatTransfere = defineSignal<[{ structureId: number }]>('mandatTransfere');

const { rappelerExpirationMandat, terminerMandat } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

/** Upserted only when it changes (each upsert is a history event), or when a run was started without it. */
function afficher(valeur: StatutMandatVisible, structureId: number | undefined): void {
  const attributs = workflowInfo().typedSearchAttributes;
  const changements: SearchAttributeUpdatePair[] = [];
  if (attributs.get(MANDAT_STATUT) !== valeur) changements.push({ key: MANDAT_STATUT, value: valeur });
  if (structureId !== undefined && attributs.get(STRUCTURE_ID) !== structureId) changements.push({ key: STRUCTURE_ID, value: structureId });
  if (changements.length) upsertSearchAttributes(changements);
}

function entreeValide(e: EntreeVieMandat): boolean {
  const positif = (ms: number | null) => typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
  return Number.isInteger(e.mandatId) && Number.isFinite(e.expiresAtMs) && positif(e.conservationMs) && (e.rappelAvantMs === null || positif(e.rappelAvantMs));
}

export async function mandat(entree: EntreeVieMandat): Promise<FinVieMandat> {
  if (!entreeValide(entree)) {
    throw ApplicationFailure.nonRetryable(
      'mandatId, expiresAtMs, rappelAvantMs et conservationMs sont obligatoires : démarrez la vie du mandat par demarrerVieMandat (db/temporal/processes/mandat.ts)',
      'EntreeInvalide',
    );
  }
  const { mandatId, rappelAvantMs, conservationMs } = entree;
  let { structureId } = entree;
  let revocationAnnoncee = false;
  setHandler(mandatRevoque, () => {
    revocationAnnoncee = true;
  });
  setHandler(mandatTransfere, (transfert) => {
    if (!Number.isInteger(transfert?.structureId) || transfert.structureId === structureId) return;
    structureId = transfert.structureId;
    if (workflowInfo().typedSearchAttributes.get(STRUCTURE_ID) !== structureId) upsertSearchAttributes([{ key: STRUCTURE_ID, value: structureId }]);
  });
  /** Sleeps until `echeanceMs` (workflow time); true when a revocation was announced first. */
  const annonceeAvant = async (echeanceMs: number) => {
    const restant = echeanceMs - Date.now();
    if (restant > 0) await condition(() => revocationAnnoncee, restant);
    return revocationAnnoncee;
  };

  afficher('active', structureId);
  let expiresAtMs = entree.expiresAtMs;
  let rappelPasse = entree.rappelPasse === true || rappelAvantMs === null;
  for (;;) {
    if (!rappelPasse && !(await annonceeAvant(expiresAtMs - rappelAvantMs!))) {
      if (Date.now() < expiresAtMs) await rappelerExpirationMandat({ mandatId, maintenantMs: Date.now() });
      rappelPasse = true;
    }
    if (!revocationAnnoncee) await annonceeAvant(expiresAtMs);
    // Cleared before reading: a notice arriving during the activity makes the loop read again.
    revocationAnnoncee = false;
    const fin = await terminerMandat({ mandatId, maintenantMs: Date.now() });
    if (fin.issue === 'absent') {
      afficher('absent', structureId);
      return { issue: 'absent', aMs: Date.now() };
    }
    if (fin.issue === 'active') {
      // Not over (a partial revocation): wait for the expiry the database holds.
      expiresAtMs = fin.expiresAtMs;
      if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof mandat>({ ...entree, ...(structureId === undefined ? {} : { structureId }), expiresAtMs, rappelPasse });
      continue;
    }
    afficher(fin.issue === 'expired' ? 'expire' : 'revoque', structureId);
    const structure = workflowInfo().typedSearchAttributes.get(STRUCTURE_ID);
    const conserver = makeContinueAsNewFunc<typeof conservationMandat>({
      workflowType: 'conservationMandat',
      typedSearchAttributes: [{ key: MANDAT_STATUT, value: 'conservation' }, ...(structure === undefined ? [] : [{ key: STRUCTURE_ID, value: structure }])],
    });
    return conserver({ mandatId, purgeAMs: fin.finMs + conservationMs });
  }
}
