// Mandats as durable processes: the status the mandat workflow writes, who created it, the draft key that
// makes creation idempotent (double submit, back-and-resubmit), the template version for the printed proof
// and the date the 6-year retention started. Journal rows keep plain ids (usager, mandat, autorisation) and
// no personal data of their own: the purge deletes the usager and mandat rows they point to.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('mandats', (t) => {
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'expired', 'revoked']);
    // When the mandat ended (expiry or full revocation): the 6-year retention counts from it.
    t.timestamp('ended_at', { useTz: true });
    t.integer('aidant_id').references('aidants.id');
    // The creation draft's id: one mandat per draft whatever the number of submits.
    t.uuid('creation_key').unique();
    t.text('template_version');
    // Set once the mandat's workflow is known to run: the worker's reconciliation starts those still null.
    t.timestamp('workflow_started_at', { useTz: true });
  });
  await knex.raw(`alter table mandats add constraint mandats_ended_iff_not_active
    check ((status = 'active') = (ended_at is null))`);
  await knex.raw('create index mandats_structure_usager on mandats (structure_id, usager_id)');
  await knex.raw(`create index mandats_active_expiry on mandats (expires_at) where status = 'active'`);
  await knex.raw('create index autorisations_demarche_active on autorisations (demarche) where revoked_at is null');

  await knex.schema.alterTable('usagers', (t) => {
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table usagers add constraint usagers_phone_e164 check (phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table usagers drop constraint if exists usagers_phone_e164');
  await knex.schema.alterTable('usagers', (t) => t.dropColumn('updated_at'));
  await knex.raw('drop index if exists autorisations_demarche_active');
  await knex.raw('drop index if exists mandats_active_expiry');
  await knex.raw('drop index if exists mandats_structure_usager');
  await knex.raw('alter table mandats drop constraint if exists mandats_ended_iff_not_active');
  await knex.schema.alterTable('mandats', (t) => {
    for (const c of ['status', 'ended_at', 'aidant_id', 'creation_key', 'template_version', 'workflow_started_at']) t.dropColumn(c);
  });
}
