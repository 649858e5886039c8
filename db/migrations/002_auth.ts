// Authentication: single-use magic links, référent first connections (SMS code + email link), rate limits,
// card drift, and at most one card and one app per account.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('magic_links', (t) => {
    t.text('token_hash').primary(); // sha256 of the token sent by email; the token itself is never stored
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.text('next_path');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('premieres_connexions', (t) => {
    t.increments('id');
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    t.text('link_token_hash').notNullable().unique();
    t.text('code_hash').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary(); // e.g. login-email:<email>, login-ip:<ip>
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('blocked_until', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('totp_devices', (t) => {
    // Steps of clock drift learned on re-synchronisation (cards only drift).
    t.integer('drift').notNullable().defaultTo(0);
  });
  await knex.raw(`create unique index totp_devices_one_per_kind on totp_devices (aidant_id, kind)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists totp_devices_one_per_kind');
  await knex.schema.alterTable('totp_devices', (t) => t.dropColumn('drift'));
  await knex.schema.dropTableIfExists('rate_limits');
  await knex.schema.dropTableIfExists('premieres_connexions');
  await knex.schema.dropTableIfExists('magic_links');
}
