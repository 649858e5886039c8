// Why and when an aidant's account was deactivated, for their page in the espace référent (issue 18): read
// from the journal row written at the deactivation (db/queries/journal.ts derniereDesactivation).
export { derniereDesactivation } from '../../db/queries/journal.ts';
