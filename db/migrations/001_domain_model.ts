// The whole domain model of db/domain/README.md: structures, people and roles, habilitation requests, usagers,
// mandats and autorisations, TOTP devices and cards, the append-only journal, sessions, OIDC storage and
// the outbox of emails and SMS.
import type { Knex } from 'knex';
import { TOUTES_LES_DEMARCHES } from '../domain/demarches.ts';
import {
  ACTIONS_JOURNAL,
  STATUTS_DEMANDE_AIDANT,
  STATUTS_DEMANDE_STRUCTURE,
  TYPES_STRUCTURE,
} from '../domain/statuts.ts';
import { DUREES_MANDAT } from '../domain/mandat.ts';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists citext');

  await knex.schema.createTable('structures', (t) => {
    t.increments('id');
    t.text('name').notNullable();
    t.string('siret', 14).unique();
    t.text('type').notNullable().checkIn([...TYPES_STRUCTURE]);
    t.text('address').notNullable().defaultTo('');
    t.string('postal_code', 5).notNullable().defaultTo('');
    t.text('city').notNullable().defaultTo('');
    t.string('city_insee_code', 5);
    t.boolean('is_public').notNullable().defaultTo(true);
    t.text('partner_administration');
    t.text('data_pass_id').unique();
    t.specificType('allowed_demarches', 'text[]').notNullable().defaultTo(knex.raw(`array[${sqlList(TOUTES_LES_DEMARCHES)}]::text[]`));
    // { "1": [["09:00","12:00"],["14:00","17:00"]], ... } keyed by ISO weekday.
    t.jsonb('opening_hours').notNullable().defaultTo('{}');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table structures add constraint structures_allowed_demarches_known
    check (cardinality(allowed_demarches) >= 1 and allowed_demarches <@ array[${sqlList(TOUTES_LES_DEMARCHES)}]::text[])`);
  await knex.raw(`alter table structures add constraint structures_siret_digits check (siret ~ '^[0-9]{14}$')`);

  // Everyone who logs in: staff, référents and aidants (the public service's `Aidant` user model).
  await knex.schema.createTable('aidants', (t) => {
    t.increments('id');
    t.specificType('email', 'citext').notNullable().unique();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('profession').notNullable().defaultTo('');
    t.text('phone');
    t.boolean('is_staff').notNullable().defaultTo(false);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.boolean('can_create_mandats').notNullable().defaultTo(true);
    t.boolean('referent_non_aidant').notNullable().defaultTo(false);
    t.integer('current_structure_id').references('structures.id');
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('deactivation_warning_at', { useTz: true });
    t.text('cgu_version');
    t.timestamp('cgu_accepted_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table aidants add constraint aidants_referent_non_aidant_cannot_create
    check (not (referent_non_aidant and can_create_mandats))`);
  await knex.raw(`alter table aidants add constraint aidants_phone_e164 check (phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$')`);

  await knex.schema.createTable('aidant_structures', (t) => {
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    t.integer('structure_id').notNullable().references('structures.id').onDelete('CASCADE');
    t.primary(['aidant_id', 'structure_id']);
  });
  await knex.schema.createTable('referent_structures', (t) => {
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    t.integer('structure_id').notNullable().references('structures.id').onDelete('CASCADE');
    t.primary(['aidant_id', 'structure_id']);
  });

  // Habilitation: the demandeur, the structure request, per-aidant requests and the message thread.
  await knex.schema.createTable('demandeurs', (t) => {
    t.increments('id');
    t.specificType('email', 'citext').notNullable().unique();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('profession').notNullable().defaultTo('');
    t.text('phone');
    t.timestamp('email_confirmed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('demandes_habilitation', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.integer('demandeur_id').notNullable().references('demandeurs.id');
    t.text('status').notNullable().defaultTo('NEW').checkIn([...STATUTS_DEMANDE_STRUCTURE]);
    t.string('siret', 14);
    t.text('structure_name');
    t.text('structure_type').checkIn([...TYPES_STRUCTURE]);
    t.text('address');
    t.string('postal_code', 5);
    t.text('city');
    t.boolean('is_public');
    t.text('partner_administration');
    t.boolean('free_support_certified').notNullable().defaultTo(false);
    t.text('referent_first_name');
    t.text('referent_last_name');
    t.specificType('referent_email', 'citext');
    t.text('referent_phone');
    t.text('referent_profession');
    t.boolean('referent_is_aidant').notNullable().defaultTo(false);
    t.boolean('cgu').notNullable().defaultTo(false);
    t.boolean('not_free').notNullable().defaultTo(false);
    t.boolean('dpo').notNullable().defaultTo(false);
    t.boolean('professionals_only').notNullable().defaultTo(false);
    t.boolean('without_elected').notNullable().defaultTo(false);
    t.text('data_pass_id').unique();
    t.integer('structure_id').references('structures.id');
    t.timestamp('submitted_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // One open request per SIRET.
  await knex.raw(`create unique index demandes_habilitation_one_open_per_siret on demandes_habilitation (siret)
    where status in ('NEW', 'AC_VALIDATION_PROCESSING', 'CHANGES_REQUIRED') and siret is not null`);

  await knex.schema.createTable('demandes_aidant', (t) => {
    t.increments('id');
    t.uuid('demande_id').references('demandes_habilitation.id').onDelete('CASCADE');
    t.integer('structure_id').references('structures.id');
    t.specificType('email', 'citext').notNullable();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('profession').notNullable().defaultTo('');
    t.text('status').notNullable().defaultTo('new').checkIn([...STATUTS_DEMANDE_AIDANT]);
    t.date('formation_date');
    t.text('formation_type').checkIn(['classic', 'p2p']);
    t.specificType('trainer_email', 'citext');
    t.date('pix_date');
    t.decimal('pix_score', 6, 2);
    t.integer('aidant_id').references('aidants.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['demande_id', 'email']);
  });
  await knex.raw(`alter table demandes_aidant add constraint demandes_aidant_has_parent
    check (demande_id is not null or structure_id is not null)`);

  await knex.schema.createTable('messages_habilitation', (t) => {
    t.increments('id');
    t.uuid('demande_id').notNullable().references('demandes_habilitation.id').onDelete('CASCADE');
    t.text('sender').notNullable().checkIn(['staff', 'demandeur']);
    t.integer('author_id').references('aidants.id');
    t.text('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('usagers', (t) => {
    t.increments('id');
    t.string('sub', 64).notNullable().unique();
    t.text('given_name').notNullable();
    t.text('family_name').notNullable();
    t.text('preferred_username');
    t.string('birthdate', 10).notNullable();
    t.text('gender').notNullable().checkIn(['female', 'male']);
    t.string('birthplace', 5);
    t.string('birthcountry', 5).notNullable();
    t.text('email');
    t.text('phone');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('mandats', (t) => {
    t.increments('id');
    t.integer('structure_id').notNullable().references('structures.id');
    t.integer('usager_id').notNullable().references('usagers.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.text('duree_keyword').notNullable().checkIn([...Object.keys(DUREES_MANDAT), 'EUS_03_20']);
    t.boolean('is_remote').notNullable().defaultTo(false);
    t.text('remote_consent_method').checkIn(['SMS', 'LEGACY']);
    t.uuid('consent_request_id');
    t.text('template_path');
  });
  await knex.raw('alter table mandats add constraint mandats_expiry_after_creation check (expires_at > created_at)');

  await knex.schema.createTable('autorisations', (t) => {
    t.increments('id');
    t.integer('mandat_id').notNullable().references('mandats.id').onDelete('CASCADE');
    t.text('demarche').notNullable().checkIn([...TOUTES_LES_DEMARCHES]);
    t.timestamp('revoked_at', { useTz: true });
    t.unique(['mandat_id', 'demarche']);
  });

  await knex.schema.createTable('totp_cards', (t) => {
    t.increments('id');
    t.text('serial_number').notNullable().unique();
    t.text('seed').notNullable(); // hex, as delivered by the card maker
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('totp_devices', (t) => {
    t.increments('id');
    t.integer('aidant_id').notNullable().references('aidants.id').onDelete('CASCADE');
    t.text('kind').notNullable().checkIn(['card', 'app']);
    t.integer('card_id').unique().references('totp_cards.id');
    t.text('secret').notNullable(); // base32
    t.integer('period').notNullable();
    t.boolean('confirmed').notNullable().defaultTo(false);
    // Last accepted time step: a code at or before it is a replay.
    t.bigInteger('last_time_step');
    t.integer('tolerance').notNullable().defaultTo(1);
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table totp_devices add constraint totp_devices_card_has_card check ((kind = 'card') = (card_id is not null))`);

  // The journal keeps plain ids for usager, mandat and autorisation: a purge must never touch it.
  await knex.schema.createTable('journal', (t) => {
    t.bigIncrements('id');
    t.text('action').notNullable().checkIn([...ACTIONS_JOURNAL]);
    t.integer('aidant_id').references('aidants.id');
    t.integer('structure_id').references('structures.id');
    t.integer('usager_id');
    t.integer('mandat_id');
    t.text('demarche');
    t.integer('duree');
    t.text('access_token');
    t.integer('autorisation_id');
    t.text('attestation_hash');
    t.text('additional_information').notNullable().defaultTo('');
    t.boolean('is_remote_mandat').notNullable().defaultTo(false);
    t.text('user_phone');
    t.uuid('consent_request_id');
    t.text('remote_consent_method');
    // Idempotency for entries written by retried activities.
    t.text('idempotency_key').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    create function journal_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'journal is append-only: % refused', tg_op using errcode = 'restrict_violation';
    end $$;
    create trigger journal_no_update_delete before update or delete on journal
      for each row execute function journal_is_append_only();
    create trigger journal_no_truncate before truncate on journal
      for each statement execute function journal_is_append_only();
  `);
  await knex.raw('create index journal_aidant_created on journal (aidant_id, created_at)');
  await knex.raw('create index journal_structure_created on journal (structure_id, created_at)');

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.jsonb('sess').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });

  // oidc-provider adapter storage (one table, keyed by model name and id).
  await knex.schema.createTable('oidc_payloads', (t) => {
    t.text('id').notNullable();
    t.text('type').notNullable();
    t.jsonb('payload').notNullable();
    t.text('grant_id');
    t.text('user_code');
    t.text('uid');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('consumed_at', { useTz: true });
    t.primary(['id', 'type']);
    t.index(['grant_id']);
    t.index(['uid']);
    t.index(['user_code']);
  });

  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.text('idempotency_key').notNullable().unique();
    t.text('channel').notNullable().checkIn(['email', 'sms']);
    t.text('recipient').notNullable();
    t.text('subject');
    t.text('body').notNullable();
    t.text('html');
    t.text('status').notNullable().defaultTo('pending').checkIn(['pending', 'sent', 'failed']);
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('provider_id');
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'outbox', 'oidc_payloads', 'sessions', 'journal', 'totp_devices', 'totp_cards', 'autorisations', 'mandats',
    'usagers', 'messages_habilitation', 'demandes_aidant', 'demandes_habilitation', 'demandeurs',
    'referent_structures', 'aidant_structures', 'aidants', 'structures',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('drop function if exists journal_is_append_only() cascade');
}
