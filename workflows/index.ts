// Every workflow of the service, bundled together for the worker. Workflows import only
// @temporalio/workflow and types: durations arrive as inputs, all I/O goes through activities.
export { healthCheck } from './health.ts';
export { inactiviteAidant, arreterVeille } from './inactivite.ts';
export { habilitation } from './habilitation.ts';
export { formationAidant } from './formation-aidant.ts';
export { mandat, mandatRevoque, mandatTransfere } from './mandat.ts';
export { conservationMandat } from './conservation-mandat.ts';
export { consentement, reponseSms, relancerEnvoi } from './consentement.ts';
export { ancreJournal } from './ancre-journal.ts';
export { surveillanceActivite } from './surveillance.ts';
