// Several structures per aidant (db/domain/README.md#plusieurs-structures): a référent asks for an aidant of
// another structure to join theirs, and the aidant joins only once a référent of one of its current structures
// agrees (the same consent the waiting list asks for, db/queries/habilitation.ts `rattachementEnAttente`).
// Three journal actions of ours: an aidant added to or removed from a structure, an aidant designated référent.
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';
import { STATUTS_RATTACHEMENT } from '../domain/structures-aidant.ts';

const NOUVELLES = ['aidant_attachment', 'aidant_removal', 'referent_designation'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('demandes_rattachement', (t) => {
    t.increments('id');
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    // The structure the aidant is asked to join.
    t.integer('structure_id').notNullable().references('structures.id').onDelete('CASCADE');
    t.integer('demandee_par').notNullable().references('aidants.id');
    t.text('statut').notNullable().defaultTo('en_attente').checkIn([...STATUTS_RATTACHEMENT]);
    t.integer('decidee_par').references('aidants.id');
    t.timestamp('decidee_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // One pending request per aidant and structure: asking twice changes nothing.
  await knex.raw(`create unique index demandes_rattachement_une_en_attente on demandes_rattachement (aidant_id, structure_id) where statut = 'en_attente'`);
  await knex.raw(`alter table demandes_rattachement add constraint demandes_rattachement_decision
    check ((statut = 'en_attente') = (decidee_at is null))`);
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
}

export async function down(knex: Knex): Promise<void> {
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => !NOUVELLES.includes(a)));
  await knex.schema.dropTableIfExists('demandes_rattachement');
}
