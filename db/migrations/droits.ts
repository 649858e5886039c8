// The application role's rights, applied by migration 006 and again after every migration run (so a table
// added by a later migration is covered even when someone else than the owner ran it): read and write every
// table, use the sequences, and on the journal only SELECT and INSERT; nothing on the migrations' tables.
// Default privileges give the same rights on tables the owner creates later.
import type { Knex } from 'knex';
import { APP_ROLE } from '../roles.ts';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables the application may only read and append to. */
export const TABLES_AJOUT_SEUL = ['journal'] as const;

export async function accorderDroitsApplication(knex: Knex): Promise<void> {
  const role = ident(APP_ROLE);
  const { rows } = await knex.raw('select 1 from pg_roles where rolname = ?', [APP_ROLE]);
  if (!rows.length) {
    try {
      // A server set up by hand: the role that holds the rights; login roles are then granted it.
      await knex.raw(`create role ${role} nologin`);
    } catch (err) {
      throw new Error(
        `Le rôle PostgreSQL ${APP_ROLE} de l'application n'existe pas et ne peut pas être créé par ce compte (${(err as Error).message}) : ` +
          `créez-le (CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '…') puis relancez les migrations.`,
      );
    }
  }
  await knex.raw(`grant usage on schema public to ${role}`);
  await knex.raw(`grant select, insert, update, delete on all tables in schema public to ${role}`);
  await knex.raw(`grant usage, select on all sequences in schema public to ${role}`);
  await knex.raw(`alter default privileges in schema public grant select, insert, update, delete on tables to ${role}`);
  await knex.raw(`alter default privileges in schema public grant usage, select on sequences to ${role}`);
  for (const table of TABLES_AJOUT_SEUL) {
    await knex.raw(`revoke all on ${ident(table)} from ${role}`);
    await knex.raw(`grant select, insert on ${ident(table)} to ${role}`);
  }
  for (const table of ['knex_migrations', 'knex_migrations_lock']) {
    if ((await knex.raw('select to_regclass(?) as t', [`public.${table}`])).rows[0].t) await knex.raw(`revoke all on ${ident(table)} from ${role}`);
  }
}
