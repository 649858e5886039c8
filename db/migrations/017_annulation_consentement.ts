// Issue 18: the aidant may cancel a remote consent request before the usager answers. The request gets the
// status `cancelled` and the journal the action `remote_consent_cancelled` (db/domain/statuts.ts), its check
// rebuilt from the list like every migration that adds an action (actions-journal.ts).
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';
import { STATUTS_DEMANDE_CONSENTEMENT } from '../domain/consentement.ts';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Replaces every check on consent_requests.status alone, whatever its name (010 let Knex name it). */
async function controlerStatuts(knex: Knex, statuts: readonly string[]): Promise<void> {
  const { rows } = await knex.raw<{ rows: { conname: string }[] }>(`
    select c.conname from pg_constraint c
    where c.conrelid = 'consent_requests'::regclass and c.contype = 'c'
      and c.conkey = array[(select attnum from pg_attribute where attrelid = 'consent_requests'::regclass and attname = 'status')]`);
  for (const { conname } of rows) await knex.raw('alter table consent_requests drop constraint ??', [conname]);
  await knex.raw(`alter table consent_requests add constraint consent_requests_status_known check (status in (${sqlList(statuts)}))`);
}

export async function up(knex: Knex): Promise<void> {
  await controlerStatuts(knex, STATUTS_DEMANDE_CONSENTEMENT);
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
}

export async function down(knex: Knex): Promise<void> {
  await controlerStatuts(knex, STATUTS_DEMANDE_CONSENTEMENT.filter((s) => s !== 'cancelled'));
  await controlerActionsJournal(knex, ACTIONS_JOURNAL.filter((a) => a !== 'remote_consent_cancelled'));
}
