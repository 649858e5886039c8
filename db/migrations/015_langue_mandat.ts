// The mandat in the usager's language (issue 22): the language its translation is printed in, after the French
// text that alone is binding (db/domain/modeles-mandat/traductions/). Optional; not part of the proof hash
// (db/domain/preuve-mandat.ts), so it can be chosen or changed after signature without touching the proof. A
// remote mandat's consent request keeps the language chosen in the form until the mandat is created from it.
// Which languages exist is the application's business (a translation per template version): the database
// only checks the code's shape.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('mandats', (t) => {
    t.string('langue', 35);
  });
  await knex.raw(`alter table mandats add constraint mandats_langue_format check (langue ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$')`);
  await knex.schema.alterTable('consent_requests', (t) => {
    t.string('langue', 35);
  });
  await knex.raw(`alter table consent_requests add constraint consent_requests_langue_format check (langue ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consent_requests', (t) => {
    t.dropColumn('langue');
  });
  await knex.schema.alterTable('mandats', (t) => {
    t.dropColumn('langue');
  });
}
