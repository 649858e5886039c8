// The espace usager (issue 21): the reports of entries a usager does not recognise (« Je ne reconnais pas
// cette action »), followed up by the structure's référents and the staff; the journal's new actions
// (db/domain/statuts.ts); an index to read a usager's journal newest first. A report holds the usager's own
// words: it goes with the usager's row at the 6-year purge (ON DELETE CASCADE), while the journal row it
// names stays (a plain id, as everywhere in the journal).
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';
import { ETATS_SIGNALEMENT, MOTIFS_SIGNALEMENT } from '../domain/espace-usager.ts';

const NOUVELLES_ACTIONS = ['connect_usager', 'signalement_usager', 'signalement_suivi', 'export_donnees_usager'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('signalements_usager', (t) => {
    t.increments('id');
    t.integer('usager_id').notNullable().references('usagers.id').onDelete('CASCADE');
    // The journal entry reported (plain id: the journal is append-only and outlives the purge).
    t.bigInteger('journal_id').notNullable();
    // The structure the entry belongs to: its référents follow the report up.
    t.integer('structure_id').references('structures.id').onDelete('SET NULL');
    t.integer('mandat_id');
    t.text('motif').notNullable().checkIn(Object.keys(MOTIFS_SIGNALEMENT));
    t.text('precision').notNullable().defaultTo('');
    t.text('etat').notNullable().defaultTo('nouveau').checkIn([...ETATS_SIGNALEMENT]);
    t.text('commentaire').notNullable().defaultTo('');
    t.integer('suivi_par').references('aidants.id').onDelete('SET NULL');
    t.timestamp('suivi_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One report per entry and usager: a second one would only repeat the emails.
    t.unique(['usager_id', 'journal_id']);
    t.index(['usager_id', 'created_at']);
    t.index(['structure_id', 'created_at']);
  });
  await knex.raw(`alter table signalements_usager add constraint signalements_usager_textes_courts
    check (char_length(precision) <= 1000 and char_length(commentaire) <= 1000)`);
  await knex.raw('create index journal_usager_created on journal (usager_id, created_at desc, id desc) where usager_id is not null');
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
}

export async function down(knex: Knex): Promise<void> {
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => !NOUVELLES_ACTIONS.includes(a)));
  await knex.raw('drop index if exists journal_usager_created');
  await knex.schema.dropTableIfExists('signalements_usager');
}
