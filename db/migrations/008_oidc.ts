// Aidants Connect as FranceConnect's identity provider: what the aidant chose for each authorization (one row
// per oidc-provider grant: aidant, structure, usager, démarche, autorisation), the purge index of the
// provider's storage, and the FranceConnect client on the journal's `use_autorisation` rows.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Rows are deleted once expired by the web process's purge job.
  await knex.raw('create index oidc_payloads_expires_at on oidc_payloads (expires_at) where expires_at is not null');

  await knex.schema.createTable('oidc_choix', (t) => {
    // oidc-provider's grant id: the authorization code and the access token carry it.
    t.text('grant_id').primary();
    t.text('client_id').notNullable();
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    t.integer('structure_id').notNullable().references('structures.id').onDelete('CASCADE');
    // Purging a usager, a mandat or an autorisation removes the pending choices that point to it.
    t.integer('usager_id').notNullable().references('usagers.id').onDelete('CASCADE');
    t.integer('mandat_id').notNullable().references('mandats.id').onDelete('CASCADE');
    t.integer('autorisation_id').notNullable().references('autorisations.id').onDelete('CASCADE');
    t.text('demarche').notNullable();
    // The `rep_scope` value FranceConnect asked for that this démarche answers (echoed in the ID token).
    t.text('rep_scope');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });

  await knex.schema.alterTable('journal', (t) => {
    // The OpenID Connect client (FranceConnect) a `use_autorisation` answered.
    t.text('oidc_client_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('journal', (t) => t.dropColumn('oidc_client_id'));
  await knex.schema.dropTableIfExists('oidc_choix');
  await knex.raw('drop index if exists oidc_payloads_expires_at');
}
