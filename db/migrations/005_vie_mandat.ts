// The mandat workflow journals an expiry (`expire_mandat`, with plain ids only): the journal's action check
// is rebuilt from the full current list of db/domain/statuts.ts, so existing databases accept it.
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';


export async function up(knex: Knex): Promise<void> {
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
  // The purge removes a mandat's reminder emails from the outbox by key prefix.
  await knex.raw('create index outbox_idempotency_key_prefix on outbox (idempotency_key text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_idempotency_key_prefix');
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => a !== 'expire_mandat'));
}
