// Search attributes the workflows set, so staff can find runs in the Temporal UI and visibility queries.
// Registered on the dev server by `npm start` and on a cluster with `temporal operator search-attribute create`.
import type { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

type SearchAttributeKey<T extends SearchAttributeType> = ReturnType<typeof defineSearchAttributeKey<T>>;

function key<T extends SearchAttributeType>(name: string, type: T): SearchAttributeKey<T> {
  return { name, type } as SearchAttributeKey<T>;
}

export const HABILITATION_STATUT = key('HabilitationStatut', 'KEYWORD');
export const MANDAT_STATUT = key('MandatStatut', 'KEYWORD');
export const INACTIVITE_ETAPE = key('InactiviteEtape', 'KEYWORD');
export const STRUCTURE_ID = key('StructureId', 'INT');
export const AIDANT_ID = key('AidantId', 'INT');
export const CONSENTEMENT_STATUT = key('ConsentementStatut', 'KEYWORD');

export const ALL_SEARCH_ATTRIBUTES = [HABILITATION_STATUT, MANDAT_STATUT, INACTIVITE_ETAPE, STRUCTURE_ID, AIDANT_ID, CONSENTEMENT_STATUT];
