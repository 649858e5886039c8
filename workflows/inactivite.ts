// The inactivity watch of one aidant account (db/domain/README.md#inactivité), workflow id `inactivite-<aidantId>`.
// One run is one cycle: sleep until reference + warning delay; read the account (PostgreSQL is the truth: a
// login writes only there and costs no Temporal event); a newer login starts a new cycle from it by
// continue-as-new; otherwise warn, sleep until the announced deactivation date, read again and deactivate.
// Deadlines are absolute (computed from the reference point carried through continue-as-new), so a new run
// never pushes them back. Durations are inputs: production values come from db/domain/inactivite.ts through
// the starter (db/temporal/processes/inactivite.ts), tests pass shorter ones.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ApplicationFailure, condition, continueAsNew, defineSignal, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { AIDANT_ID, INACTIVITE_ETAPE } from './search-attributes.ts';

export interface VeilleInactiviteInput {
  aidantId: number;
  avertissementMs?: number;
  desactivationMs?: number;
  /**
   * Start of the cycle (ms, workflow time): the newest login seen. Absent on the first run, where it is the
   * workflow's own start time (an earlier login is not counted: see db/domain/inactivite.ts).
   */
  referenceMs?: number;
}

export type FinVeilleInactivite = {
  /** desactive: deactivated for inactivity; arretee: stopped by arreterVeille; compte-inactif: found deactivated. */
  issue: 'desactive' | 'arretee' | 'compte-inactif';
  /** Workflow time of the end. */
  aMs: number;
};

/** Ends the watch cleanly (the account was deactivated for another reason). */
export const arreterVeille = defineSignal('arreterVeille');

const { avertirSiInactif, desactiverSiInactif } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

type Etape = 'veille' | 'avertie' | FinVeilleInactivite['issue'];

/**
 * Shown in the Temporal UI and visibility queries (AidantId, InactiviteEtape). The starter sets them; they are
 * upserted only when they change (each upsert is a history event), or when a run was started without them.
 */
function etape(aidantId: number, valeur: Etape): void {
  const attributs = workflowInfo().typedSearchAttributes;
  const changements: SearchAttributeUpdatePair[] = [];
  if (attributs.get(AIDANT_ID) !== aidantId) changements.push({ key: AIDANT_ID, value: aidantId });
  if (attributs.get(INACTIVITE_ETAPE) !== valeur) changements.push({ key: INACTIVITE_ETAPE, value: valeur });
  if (changements.length) upsertSearchAttributes(changements);
}

function dureeValide(ms: number | undefined): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
}

export async function inactiviteAidant(input: VeilleInactiviteInput): Promise<FinVeilleInactivite> {
  const { aidantId, avertissementMs, desactivationMs } = input;
  if (!dureeValide(avertissementMs) || !dureeValide(desactivationMs)) {
    throw ApplicationFailure.nonRetryable(
      'avertissementMs et desactivationMs sont obligatoires : démarrez la veille par demarrerVeilleInactivite (db/temporal/processes/inactivite.ts)',
      'DureesManquantes',
    );
  }
  let arretDemande = false;
  setHandler(arreterVeille, () => {
    arretDemande = true;
  });
  /** Sleeps until `echeanceMs` (workflow time); true when stopped first. */
  const arreteeAvant = async (echeanceMs: number) => {
    const restant = echeanceMs - Date.now();
    if (restant > 0) await condition(() => arretDemande, restant);
    return arretDemande;
  };
  const fin = (issue: FinVeilleInactivite['issue']): FinVeilleInactivite => {
    etape(aidantId, issue);
    return { issue, aMs: Date.now() };
  };
  const nouveauCycle = (referenceMs: number) => continueAsNew<typeof inactiviteAidant>({ aidantId, avertissementMs, desactivationMs, referenceMs });

  const referenceMs = input.referenceMs ?? Date.now();
  etape(aidantId, 'veille');
  if (await arreteeAvant(referenceMs + avertissementMs)) return fin('arretee');

  const desactivationPrevueMs = Date.now() + desactivationMs;
  const avertissement = await avertirSiInactif({ aidantId, referenceMs, maintenantMs: Date.now(), desactivationPrevueMs });
  if (arretDemande) return fin('arretee');
  if (avertissement.issue === 'compte-inactif') return fin('compte-inactif');
  if (avertissement.issue === 'connexion') return nouveauCycle(avertissement.derniereConnexionMs);

  etape(aidantId, 'avertie');
  if (await arreteeAvant(desactivationPrevueMs)) return fin('arretee');
  const desactivation = await desactiverSiInactif({ aidantId, referenceMs, maintenantMs: Date.now() });
  if (desactivation.issue === 'desactive' || desactivation.issue === 'compte-inactif') return fin(desactivation.issue);
  if (arretDemande) return fin('arretee');
  // A login, or a reactivation that cleared the warning: count again from it.
  return nouveauCycle(desactivation.issue === 'connexion' ? desactivation.derniereConnexionMs : Date.now());
}
