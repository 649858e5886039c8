// The worker's reconciliation reads, at every pass, the SMS answers received in the last week that no workflow
// has read (db/queries/consentement.ts reponsesNonLues, db/domain/consentement.ts
// FENETRE_RETRANSMISSION_REPONSE_MS): an index on the received answers by date, so that a pass reads that week
// only, not every SMS kept until its request's retention ends.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index consent_sms_recues_created on consent_sms (created_at) where direction = 'in'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index consent_sms_recues_created');
}
