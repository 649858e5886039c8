// Habilitation as a workflow: the demandeur's access links (email confirmation, then access from another
// browser), the draft step reached, a fingerprint of the submitted content (a resubmission must change
// something), the timeline of each request and idempotency keys for rows written by retried activities.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('demandes_habilitation', (t) => {
    // Last draft step completed (0 = identity only … 4 = aidants); the form resumes there.
    t.integer('etape').notNullable().defaultTo(0);
    // Fingerprint of the content at the last submission: "resubmission without changes" is refused.
    t.text('empreinte_soumise');
    t.integer('nombre_soumissions').notNullable().defaultTo(0);
  });

  // One-use links emailed to the demandeur (only the SHA-256 of the token is stored).
  await knex.schema.createTable('jetons_demandeur', (t) => {
    t.increments('id');
    t.integer('demandeur_id').notNullable().references('demandeurs.id').onDelete('CASCADE');
    t.uuid('demande_id').notNullable().references('demandes_habilitation.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Timeline of a request and of its aidants, written by the pages and the activities.
  await knex.schema.createTable('evenements_habilitation', (t) => {
    t.bigIncrements('id');
    t.uuid('demande_id').references('demandes_habilitation.id').onDelete('CASCADE');
    t.integer('demande_aidant_id').references('demandes_aidant.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.text('detail').notNullable().defaultTo('');
    t.text('acteur').notNullable().defaultTo('systeme');
    t.text('idempotency_key').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['demande_id', 'created_at']);
  });
  await knex.raw(`alter table evenements_habilitation add constraint evenements_habilitation_has_subject
    check (demande_id is not null or demande_aidant_id is not null)`);

  await knex.schema.alterTable('messages_habilitation', (t) => {
    t.text('idempotency_key').unique();
  });

  await knex.schema.alterTable('demandes_aidant', (t) => {
    t.integer('added_by_id').references('aidants.id');
    t.timestamp('activated_at', { useTz: true });
  });
  // An aidant added later by a référent: one pending or active request per structure and email.
  await knex.raw(`create unique index demandes_aidant_one_open_per_structure on demandes_aidant (structure_id, email)
    where status not in ('refused', 'cancelled', 'cancelled_by_referent') and structure_id is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists demandes_aidant_one_open_per_structure');
  await knex.schema.alterTable('demandes_aidant', (t) => {
    t.dropColumn('added_by_id');
    t.dropColumn('activated_at');
  });
  await knex.schema.alterTable('messages_habilitation', (t) => t.dropColumn('idempotency_key'));
  await knex.schema.dropTableIfExists('evenements_habilitation');
  await knex.schema.dropTableIfExists('jetons_demandeur');
  await knex.schema.alterTable('demandes_habilitation', (t) => {
    t.dropColumn('etape');
    t.dropColumn('empreinte_soumise');
    t.dropColumn('nombre_soumissions');
  });
}
