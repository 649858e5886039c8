// Issue 20: suspicious-activity alerts with their evidence, the staff's suspension of a structure (current
// state on the structure for the checks, history for the rules and the pages), the cursor of the journal
// survey, and the journal actions of both.
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';
import { REGLES_ALERTE } from '../domain/alertes.ts';

const NOUVELLES = ['alerte_levee', 'alerte_close', 'suspension_structure', 'reactivation_structure', 'horaires_structure'];

export async function up(knex: Knex): Promise<void> {
  // The current suspension, read by every check (login, mandat creation, usable autorisations): one column,
  // no join on the hot paths.
  await knex.schema.alterTable('structures', (t) => {
    t.timestamp('suspended_at', { useTz: true });
  });

  await knex.schema.createTable('suspensions_structure', (t) => {
    t.increments('id');
    t.integer('structure_id').notNullable().references('structures.id');
    t.text('reason').notNullable();
    t.integer('suspended_by').notNullable().references('aidants.id');
    t.timestamp('suspended_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('lifted_by').references('aidants.id');
    t.timestamp('lifted_at', { useTz: true });
  });
  await knex.raw(`alter table suspensions_structure add constraint suspensions_structure_lifted_together
    check ((lifted_by is null) = (lifted_at is null) and (lifted_at is null or lifted_at >= suspended_at))`);
  await knex.raw(`alter table suspensions_structure add constraint suspensions_structure_reason_length check (length(reason) between 1 and 1000)`);
  // One open suspension per structure: two staff members suspending at once, one wins.
  await knex.raw('create unique index suspensions_structure_one_open on suspensions_structure (structure_id) where lifted_at is null');
  await knex.raw('create index suspensions_structure_structure on suspensions_structure (structure_id, suspended_at)');

  await knex.schema.createTable('alertes', (t) => {
    t.bigIncrements('id');
    t.text('regle').notNullable().checkIn([...REGLES_ALERTE]);
    t.integer('structure_id').notNullable().references('structures.id');
    t.integer('aidant_id').references('aidants.id');
    // The journal rows that make the evidence (plain ids, like the journal's own references).
    t.specificType('preuves', 'bigint[]').notNullable();
    // The evidence ids, sorted and joined: the same evidence never raises the same rule twice.
    t.text('cle_preuves').notNullable();
    t.text('description').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.integer('closed_by').references('aidants.id');
    t.text('closing_comment');
    t.unique(['regle', 'cle_preuves']);
  });
  await knex.raw(`alter table alertes add constraint alertes_closed_together
    check ((closed_at is null) = (closed_by is null) and (closed_at is null) = (closing_comment is null))`);
  await knex.raw('alter table alertes add constraint alertes_preuves_present check (cardinality(preuves) >= 1)');
  await knex.raw('create index alertes_structure_open on alertes (structure_id, created_at desc) where closed_at is null');
  await knex.raw('create index alertes_created on alertes (created_at desc)');

  // Where the survey of the journal stopped (one row).
  await knex.schema.createTable('surveillance_journal', (t) => {
    t.boolean('id').primary().defaultTo(true);
    t.timestamp('examine_jusqua', { useTz: true }).notNullable();
  });
  await knex.raw('alter table surveillance_journal add constraint surveillance_journal_one_row check (id)');
  await knex('surveillance_journal').insert({ id: true, examine_jusqua: knex.fn.now() });

  // The survey reads the acts of a time window.
  await knex.raw(`create index journal_actes_surveilles on journal (created_at) where action in ('create_attestation', 'use_autorisation')`);
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
}

export async function down(knex: Knex): Promise<void> {
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => !NOUVELLES.includes(a)));
  await knex.raw('drop index if exists journal_actes_surveilles');
  await knex.schema.dropTableIfExists('surveillance_journal');
  await knex.schema.dropTableIfExists('alertes');
  await knex.schema.dropTableIfExists('suspensions_structure');
  await knex.schema.alterTable('structures', (t) => t.dropColumn('suspended_at'));
}
