// Security hardening (issue 13), carrying existing rows over:
// - the application role's rights (INSERT and SELECT only on the journal; db/migrations/droits.ts);
// - TOTP secrets and card seeds sealed with SECRETS_KEYS (db/secrets.ts): existing clear values are sealed;
// - the outbox keeps secrets sealed apart from the text, wiped once sent; the worker delivers (NOTIFY on
//   insert); existing bodies have their links and codes masked, and an unsent message carrying one is dropped;
// - a session version per account, raised on deactivation and device replacement, checked on each request;
// - attempts counted over a sliding window, one row per attempt under hashed keys (`tentatives`), replacing
//   `rate_limits`, whose counters (keyed by clear emails and IPs, never decaying) are not carried over;
// - a request for a SIRET already habilitated attaches its référent only by staff's recorded decision; an
//   aidant account of another structure joins one only with the consent of a référent of that structure;
//   the journal accepts both (`referent_attachment`, `attachment_consent`);
import type { Knex } from 'knex';
import { controlerActionsJournal } from './actions-journal.ts';
import { accorderDroitsApplication } from './droits.ts';
import { isSealed, seal, unseal } from '../secrets.ts';
import { ACTIONS_JOURNAL } from '../domain/statuts.ts';

async function sealColumn(knex: Knex, table: string, column: string, purpose: 'totp_devices.secret' | 'totp_cards.seed', toClear: boolean): Promise<void> {
  const rows: { id: number; value: string }[] = await knex(table).select('id', `${column} as value`);
  for (const row of rows) {
    if (toClear ? !isSealed(row.value) : isSealed(row.value)) continue;
    await knex(table).where({ id: row.id }).update({ [column]: toClear ? unseal(purpose, row.value) : seal(purpose, row.value) });
  }
}

/** Links and codes that outbox rows written before this migration hold in clear. */
const SECRET_IN_LINK = `(/(premiere-connexion/lien|connexion/lien|habilitation/confirmer)/)[A-Za-z0-9_-]{16,}`;

async function dropCheck(knex: Knex, table: string, column: string): Promise<void> {
  const { rows } = await knex.raw(
    `select conname from pg_constraint where conrelid = ?::regclass and contype = 'c' and pg_get_constraintdef(oid) ~ ?`,
    [table, `\\m${column}\\M`],
  );
  for (const r of rows) await knex.raw(`alter table ?? drop constraint ??`, [table, r.conname]);
}

async function outbox(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    // JSON of the secret values, sealed; null once sent (or dropped).
    t.text('secrets');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('claimed_until', { useTz: true });
    t.timestamp('purged_at', { useTz: true });
  });
  await dropCheck(knex, 'outbox', 'status');
  await knex.raw(`alter table outbox add constraint outbox_status_known check (status in ('pending', 'sent', 'failed', 'expired'))`);
  await knex.raw(`alter table outbox add constraint outbox_no_secret_once_done check (status = 'pending' or secrets is null)`);
  await knex.raw(`create index outbox_due on outbox (next_attempt_at) where status = 'pending'`);
  await knex.raw(`
    create function outbox_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('outbox', '');
      return null;
    end $$;
    create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();
  `);
  // Carried over: links and codes are masked in every body; an unsent message that carried one is dropped
  // (it was sent inside a web request that failed; its link has expired since).
  await knex.raw(
    `update outbox set status = 'expired', last_error = 'secret en clair retiré (migration 006)'
     where status = 'pending' and (body ~ ? or (channel = 'sms' and body ~ '[0-9]{6}'))`,
    [SECRET_IN_LINK],
  );
  await knex.raw(`update outbox set body = regexp_replace(body, ?, '\\1[masqué]', 'g') where body ~ ?`, [SECRET_IN_LINK, SECRET_IN_LINK]);
  await knex.raw(`update outbox set body = regexp_replace(body, '[0-9]{6}', '[masqué]', 'g') where channel = 'sms' and status <> 'pending'`);
}

async function tentatives(knex: Knex): Promise<void> {
  await knex.schema.createTable('tentatives', (t) => {
    t.bigIncrements('id');
    t.text('cle').notNullable(); // `type:hash`, see api/auth/rate-limit.ts
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['cle', 'created_at']);
    t.index(['created_at']);
  });
  await knex.schema.dropTableIfExists('rate_limits');
  // SMS codes are now hashed with their link's hash rather than the row id: a first connection still
  // pending (30 minutes at most) is closed, the référent asks again.
  await knex('premieres_connexions').whereNull('used_at').update({ used_at: knex.fn.now() });
}

async function rattachements(knex: Knex): Promise<void> {
  await knex.schema.alterTable('demandes_habilitation', (t) => {
    t.integer('rattachement_autorise_par').references('aidants.id');
    t.timestamp('rattachement_autorise_at', { useTz: true });
    // Set at validation: the SIRET was already a structure's (its référents were told).
    t.boolean('structure_existante');
  });
  // An existing account of another structure joins this one only with a référent of that structure's consent.
  await knex.schema.alterTable('demandes_aidant', (t) => {
    t.integer('accord_rattachement_par').references('aidants.id');
    t.timestamp('accord_rattachement_at', { useTz: true });
  });
  await controlerActionsJournal(knex, ACTIONS_JOURNAL);
}

export async function up(knex: Knex): Promise<void> {
  // Sessions opened before carry version 0 (absent counts as 0): nobody is logged out by the migration.
  await knex.schema.alterTable('aidants', (t) => {
    t.integer('session_version').notNullable().defaultTo(0);
  });
  await tentatives(knex);
  await rattachements(knex);
  await sealColumn(knex, 'totp_devices', 'secret', 'totp_devices.secret', false);
  await sealColumn(knex, 'totp_cards', 'seed', 'totp_cards.seed', false);
  await outbox(knex);

  await accorderDroitsApplication(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('aidants', (t) => t.dropColumn('session_version'));
  await knex.schema.alterTable('demandes_habilitation', (t) => {
    for (const c of ['rattachement_autorise_par', 'rattachement_autorise_at', 'structure_existante']) t.dropColumn(c);
  });
  await knex.schema.alterTable('demandes_aidant', (t) => {
    t.dropColumn('accord_rattachement_par');
    t.dropColumn('accord_rattachement_at');
  });
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary();
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('blocked_until', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.dropTableIfExists('tentatives');
  await knex.raw('drop trigger if exists outbox_notify on outbox');
  await knex.raw('drop function if exists outbox_notify()');
  await knex.raw('drop index if exists outbox_due');
  await knex.raw('alter table outbox drop constraint if exists outbox_no_secret_once_done');
  await knex.raw('alter table outbox drop constraint if exists outbox_status_known');
  await knex('outbox').where({ status: 'expired' }).update({ status: 'failed' });
  await knex.raw(`alter table outbox add constraint outbox_status_check check (status in ('pending', 'sent', 'failed'))`);
  await knex.schema.alterTable('outbox', (t) => {
    for (const c of ['secrets', 'expires_at', 'next_attempt_at', 'claimed_until', 'purged_at']) t.dropColumn(c);
  });
  await sealColumn(knex, 'totp_cards', 'seed', 'totp_cards.seed', true);
  await sealColumn(knex, 'totp_devices', 'secret', 'totp_devices.secret', true);
}
