// The mandat workflow journals an expiry (`expire_mandat`, with plain ids only): the journal's action check
// is rebuilt from the full current list of db/domain/statuts.ts, so existing databases accept it.
import type { Knex } from 'knex';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Drops every check constraint on journal.action, whatever its name (001 let Knex name it). */
async function dropActionChecks(knex: Knex): Promise<void> {
  const { rows } = await knex.raw<{ rows: { conname: string }[] }>(`
    select c.conname from pg_constraint c
    where c.conrelid = 'journal'::regclass and c.contype = 'c'
      and c.conkey = array[(select attnum from pg_attribute where attrelid = 'journal'::regclass and attname = 'action')]`);
  for (const { conname } of rows) await knex.raw('alter table journal drop constraint ??', [conname]);
}

async function checkActions(knex: Knex, actions: readonly string[]): Promise<void> {
  await dropActionChecks(knex);
  await knex.raw(`alter table journal add constraint journal_action_known check (action in (${sqlList(actions)}))`);
}

export async function up(knex: Knex): Promise<void> {
  await checkActions(knex, ACTIONS_JOURNAL);
  // The purge removes a mandat's reminder emails from the outbox by key prefix.
  await knex.raw('create index outbox_idempotency_key_prefix on outbox (idempotency_key text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists outbox_idempotency_key_prefix');
  await checkActions(knex, ACTIONS_JOURNAL.filter((a) => a !== 'expire_mandat'));
}
