// The journal's check on `action`, rebuilt by every migration that adds an action: the list comes from
// db/domain/statuts.ts, so an existing database accepts the new actions and a fresh one gets the same check.
import type { Knex } from 'knex';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Replaces every check on journal.action alone, whatever its name (001 let Knex name it). */
export async function controlerActionsJournal(knex: Knex, actions: readonly string[]): Promise<void> {
  const { rows } = await knex.raw<{ rows: { conname: string }[] }>(`
    select c.conname from pg_constraint c
    where c.conrelid = 'journal'::regclass and c.contype = 'c'
      and c.conkey = array[(select attnum from pg_attribute where attrelid = 'journal'::regclass and attname = 'action')]`);
  for (const { conname } of rows) await knex.raw('alter table journal drop constraint ??', [conname]);
  await knex.raw(`alter table journal add constraint journal_action_known check (action in (${sqlList(actions)}))`);
}
