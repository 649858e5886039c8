// Remote consent by SMS (db/domain/README.md#consentement-par-sms). A consent request (its id is the `consent_request_id` of the journal
// and of the mandat it allows) and the SMS it sent or received. The journal's four SMS rows (and the ignored
// answers) carry the SMS fields, but the usager's number and the SMS texts are personal data that the 6-year
// purge must delete while the journal is append-only: they live in `consent_sms`, which the journal row names
// by a plain id (`consent_sms_id`, like usager_id), and the purge deletes the request with its SMS. The
// MessageSid of every signed Twilio webhook call is remembered forever (no personal data) to refuse replays.
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL, ACTIONS_JOURNAL_SMS } from '../domain/statuts.ts';
import { ETAPES_SMS, STATUTS_DEMANDE_CONSENTEMENT } from '../domain/consentement.ts';
import { TOUTES_LES_DEMARCHES } from '../domain/demarches.ts';
import { DUREES_MANDAT } from '../domain/mandat.ts';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');


export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consent_requests', (t) => {
    t.uuid('id').primary();
    t.integer('aidant_id').notNullable().references('aidants.id');
    t.integer('structure_id').notNullable().references('structures.id');
    t.text('phone').notNullable();
    t.specificType('demarches', 'text[]').notNullable();
    t.text('duree_keyword').notNullable().checkIn(Object.keys(DUREES_MANDAT));
    t.text('status').notNullable().defaultTo('sending').checkIn([...STATUTS_DEMANDE_CONSENTEMENT]);
    // The SMS that could not be sent (status failed).
    t.text('failed_step').checkIn([...ETAPES_SMS]);
    // When the consent request SMS left: an answer goes to the number's latest request (the last question asked).
    t.timestamp('consent_sent_at', { useTz: true });
    t.timestamp('answer_deadline', { useTz: true });
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table consent_requests add constraint consent_requests_phone_e164 check (phone ~ '^\\+[1-9][0-9]{6,14}$')`);
  await knex.raw(`alter table consent_requests add constraint consent_requests_demarches_known
    check (cardinality(demarches) >= 1 and demarches <@ array[${sqlList(TOUTES_LES_DEMARCHES)}]::text[])`);
  await knex.raw(`alter table consent_requests add constraint consent_requests_failed_step
    check ((status = 'failed') = (failed_step is not null))`);
  await knex.raw('create index consent_requests_phone_sent on consent_requests (phone, consent_sent_at desc) where consent_sent_at is not null');
  await knex.raw('create index consent_requests_phone_created on consent_requests (phone, created_at)');

  await knex.schema.createTable('consent_sms', (t) => {
    t.bigIncrements('id');
    t.uuid('consent_request_id').notNullable().references('consent_requests.id').onDelete('CASCADE');
    t.text('direction').notNullable().checkIn(['out', 'in']);
    // Sent SMS: which one (one row per step); received: null.
    t.text('step').checkIn([...ETAPES_SMS]);
    t.text('body').notNullable();
    t.text('message_sid').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One row per sent step (received ones have no step, and nulls never conflict).
    t.unique(['consent_request_id', 'step']);
  });
  await knex.raw(`alter table consent_sms add constraint consent_sms_step_iff_out check ((direction = 'out') = (step is not null))`);

  await knex.schema.createTable('twilio_inbound_sids', (t) => {
    t.text('message_sid').primary();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // A plain id, no foreign key: the purge deletes the SMS, the journal row stays (append-only).
  await knex.schema.alterTable('journal', (t) => {
    t.bigInteger('consent_sms_id');
  });
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
  await knex.raw(`alter table journal add constraint journal_sms_fields check (
    action not in (${sqlList(ACTIONS_JOURNAL_SMS)}) or (
      aidant_id is not null and structure_id is not null and demarche is not null and duree is not null
      and is_remote_mandat and remote_consent_method = 'SMS' and consent_request_id is not null
      and consent_sms_id is not null and user_phone is null))`);

  // One mandat per consent; a mandat made by SMS consent names its request.
  await knex.raw('create unique index mandats_consent_request_unique on mandats (consent_request_id) where consent_request_id is not null');
  await knex.raw(`alter table mandats add constraint mandats_sms_consent_named
    check (remote_consent_method is distinct from 'SMS' or (is_remote and consent_request_id is not null))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table mandats drop constraint if exists mandats_sms_consent_named');
  await knex.raw('drop index if exists mandats_consent_request_unique');
  await knex.raw('alter table journal drop constraint if exists journal_sms_fields');
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => a !== 'remote_sms_answer_ignored'));
  await knex.schema.alterTable('journal', (t) => t.dropColumn('consent_sms_id'));
  await knex.schema.dropTableIfExists('twilio_inbound_sids');
  await knex.schema.dropTableIfExists('consent_sms');
  await knex.schema.dropTableIfExists('consent_requests');
}
