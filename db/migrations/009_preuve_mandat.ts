// The printed mandat's proof (issue 10): each mandat's verification code, kept after the 6-year purge as a
// tombstone (no personal data) so the public page can say the mandat ended and its data were deleted; the
// rate-limit windows of the public verification page; the journal action of a check; an index to find a
// mandat's proof hash in the journal.
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('preuves_mandat', (t) => {
    // A plain id, as in the journal: the row outlives the mandat's purge.
    t.integer('mandat_id').primary();
    t.string('code', 16).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Set by the purge: when the mandat had ended, and when its data were deleted.
    t.timestamp('ended_at', { useTz: true });
    t.timestamp('purged_at', { useTz: true });
  });
  await knex.raw(`alter table preuves_mandat add constraint preuves_mandat_code_crockford check (code ~ '^[0-9A-HJKMNP-TV-Z]{16}$')`);

  await knex.schema.createTable('limites_verification', (t) => {
    t.string('cle', 32).notNullable(); // hashed client address prefix
    t.bigInteger('fenetre').notNullable(); // window number since the epoch
    t.integer('nombre').notNullable();
    t.primary(['cle', 'fenetre']);
    t.index(['fenetre']);
  });

  await knex.raw(`create index journal_hash_preuve on journal (mandat_id, id)
    where action in ('create_attestation', 'transfer_mandat') and attestation_hash is not null`);
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
}

export async function down(knex: Knex): Promise<void> {
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => a !== 'verification_mandat'));
  await knex.raw('drop index if exists journal_hash_preuve');
  await knex.schema.dropTableIfExists('limites_verification');
  await knex.schema.dropTableIfExists('preuves_mandat');
}
