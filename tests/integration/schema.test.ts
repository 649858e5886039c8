// The database itself enforces the journal's append-only rule and the domain's constraints.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { Aidant, Structure, JournalEntry } from '../../db/models/index.ts';
import { ACTIONS_JOURNAL, ACTIONS_JOURNAL_SMS } from '../../db/domain/statuts.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe('journal', () => {
  test('the owner role itself is refused UPDATE, DELETE and TRUNCATE by the trigger', async () => {
    const owner = t.owner();
    const entry = await JournalEntry.query(t.db).insert({ action: 'connect_aidant', additional_information: 'test' });
    await expect(owner('journal').where({ id: entry.id }).update({ additional_information: 'changed' })).rejects.toThrow(/append-only: UPDATE/);
    await expect(owner('journal').where({ id: entry.id }).delete()).rejects.toThrow(/append-only: DELETE/);
    await expect(owner.raw('truncate journal')).rejects.toThrow(/append-only: TRUNCATE/);
    const row = await JournalEntry.query(t.db).findById(entry.id);
    expect(row?.additional_information).toBe('test');
  });

  test('the application role may only read and append: UPDATE, DELETE, TRUNCATE, ALTER, DROP TRIGGER and session_replication_role are refused', async () => {
    const entry = await JournalEntry.query(t.db).insert({ action: 'connect_aidant', additional_information: 'preuve' });
    const denied = /permission denied|must be owner/;
    await expect(t.db('journal').where({ id: entry.id }).update({ additional_information: 'réécrit' })).rejects.toThrow(denied);
    await expect(t.db('journal').where({ id: entry.id }).delete()).rejects.toThrow(denied);
    await expect(t.db.raw('truncate journal')).rejects.toThrow(denied);
    await expect(t.db.raw('alter table journal disable trigger journal_no_update_delete')).rejects.toThrow(denied);
    await expect(t.db.raw('drop trigger journal_no_update_delete on journal')).rejects.toThrow(denied);
    await expect(t.db.raw('alter table journal owner to current_user')).rejects.toThrow(denied);
    await expect(t.db.raw('set session_replication_role = replica')).rejects.toThrow(/permission denied to set parameter/);
    // An upsert would need UPDATE too.
    await expect(t.db('journal').insert({ id: entry.id, action: 'connect_aidant' }).onConflict('id').merge()).rejects.toThrow(denied);
    expect((await JournalEntry.query(t.db).findById(entry.id))?.additional_information).toBe('preuve');
  });

  test('the application role cannot touch the migrations nor create tables', async () => {
    await expect(t.db('knex_migrations').select('*')).rejects.toThrow(/permission denied/);
    await expect(t.db.raw('create table intrus (id int)')).rejects.toThrow(/permission denied/);
  });

  test('a table a later migration adds is usable by the application; re-applying the rights keeps the journal append-only', async () => {
    const owner = t.owner();
    await owner.raw('create table plus_tard (id serial primary key, valeur text)');
    await t.db('plus_tard').insert({ valeur: 'ok' });
    expect(await t.db('plus_tard').pluck('valeur')).toEqual(['ok']);
    const { accorderDroitsApplication } = await import('../../db/migrations/droits.ts');
    await accorderDroitsApplication(owner);
    await expect(t.db('journal').delete()).rejects.toThrow(/permission denied/);
  });

  test('the application role reads, writes and deletes what the code does on the tables of mandats, proofs and the identity provider', async () => {
    // The purge deletes mandats, autorisations, usagers and outbox rows and updates the proof; the identity
    // provider's adapter writes its payloads and choices; the proof's rate limit writes its windows.
    const tables = ['mandats', 'autorisations', 'usagers', 'outbox', 'preuves_mandat', 'limites_verification', 'oidc_payloads', 'oidc_choix', 'totp_devices', 'sessions', 'tentatives'];
    const { rows } = await t.db.raw(
      `select t as table, has_table_privilege(t, 'SELECT') and has_table_privilege(t, 'INSERT') and has_table_privilege(t, 'UPDATE') and has_table_privilege(t, 'DELETE') as ok
       from unnest(?::text[]) as t`,
      [tables],
    );
    expect(rows).toEqual(tables.map((table) => ({ table, ok: true })));
  });

  test('the web and worker processes see their role as protected; the owner is not', async () => {
    const { journalProtection } = await import('../../db/roles.ts');
    expect(await journalProtection((sql) => t.db.raw(sql))).toEqual({ role: 'aidants_connect_app', protected: true });
    expect(await journalProtection((sql) => t.owner().raw(sql))).toEqual({ role: 'aidants_connect_owner', protected: false });
  });

  test('refuses an unknown action', async () => {
    await expect(t.db('journal').insert({ action: 'drop_everything' })).rejects.toThrow(/check constraint/);
  });
  test('accepts every action of the domain (the migrations rebuild the check from the current list)', async () => {
    // The SMS actions need their SMS fields (another check, tested with remote consent).
    const sms: readonly string[] = ACTIONS_JOURNAL_SMS;
    await t.db('journal').insert(ACTIONS_JOURNAL.filter((a) => !sms.includes(a)).map((action) => ({ action })));
    await expect(t.db('journal').insert({ action: 'remote_sms_recap_sent' })).rejects.toThrow(/journal_sms_fields/);
    // One check on the action, whatever name the last migration that rebuilt it gave it.
    const { rows } = await t.db.raw(`select count(*)::int as n from pg_constraint where conrelid = 'journal'::regclass and contype = 'c'
      and conkey = array[(select attnum from pg_attribute where attrelid = 'journal'::regclass and attname = 'action')]`);
    expect(rows[0].n).toBe(1);
  });
  test('an idempotency key writes an entry once', async () => {
    await t.db('journal').insert({ action: 'inactivity_warning', idempotency_key: 'k1' }).onConflict('idempotency_key').ignore();
    await t.db('journal').insert({ action: 'inactivity_warning', idempotency_key: 'k1' }).onConflict('idempotency_key').ignore();
    expect(await t.db('journal').where({ idempotency_key: 'k1' }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });
});

describe('domain constraints', () => {
  test('a structure gets the 10 démarches by default and refuses unknown or empty lists', async () => {
    const s = await Structure.query(t.db).insert({ name: 'CCAS de Lyon', siret: '12345678901234', type: 'ccas' });
    const fresh = await Structure.query(t.db).findById(s.id);
    expect(fresh?.allowed_demarches).toHaveLength(10);
    await expect(t.db('structures').insert({ name: 'X', type: 'ccas', allowed_demarches: t.db.raw("array['vol']::text[]") })).rejects.toThrow(/allowed_demarches_known/);
    await expect(t.db('structures').insert({ name: 'X', type: 'ccas', allowed_demarches: t.db.raw('array[]::text[]') })).rejects.toThrow(/allowed_demarches_known/);
    await expect(t.db('structures').insert({ name: 'X', type: 'ccas', siret: '1234' })).rejects.toThrow();
  });
  test('emails are unique whatever their case', async () => {
    await Aidant.query(t.db).insert({ email: 'Marie.Curie@mairie-lyon.fr', first_name: 'Marie', last_name: 'Curie' });
    await expect(Aidant.query(t.db).insert({ email: 'marie.curie@MAIRIE-lyon.fr', first_name: 'M', last_name: 'C' })).rejects.toThrow(/unique/);
    const found = await Aidant.query(t.db).findOne({ email: 'MARIE.CURIE@mairie-lyon.fr' });
    expect(found?.first_name).toBe('Marie');
  });
  test('a référent non-aidant cannot create mandats', async () => {
    await expect(
      Aidant.query(t.db).insert({ email: 'r@x.fr', first_name: 'R', last_name: 'X', referent_non_aidant: true, can_create_mandats: true }),
    ).rejects.toThrow(/referent_non_aidant_cannot_create/);
  });
  test('one open habilitation request per SIRET', async () => {
    const [d] = await t.db('demandeurs').insert({ email: 'jean.dupont@ccas.fr', first_name: 'Jean', last_name: 'Dupont' }).returning('id');
    await t.db('demandes_habilitation').insert({ demandeur_id: d.id, siret: '11111111111111', status: 'AC_VALIDATION_PROCESSING' });
    await expect(t.db('demandes_habilitation').insert({ demandeur_id: d.id, siret: '11111111111111', status: 'NEW' })).rejects.toThrow(/one_open_per_siret/);
    // A closed request does not block a new one.
    await t.db('demandes_habilitation').insert({ demandeur_id: d.id, siret: '22222222222222', status: 'REFUSED' });
    await t.db('demandes_habilitation').insert({ demandeur_id: d.id, siret: '22222222222222', status: 'NEW' });
  });
  test('a mandat cannot expire before it starts, and has one autorisation per démarche', async () => {
    const s = await Structure.query(t.db).insert({ name: 'France Services Brest', type: 'france_services' });
    const [u] = await t.db('usagers').insert({ sub: 'a'.repeat(64), given_name: 'Anne', family_name: 'Martin', birthdate: '1950-03-00', gender: 'female', birthcountry: '99100', birthplace: '29019' }).returning('id');
    await expect(t.db('mandats').insert({ structure_id: s.id, usager_id: u.id, duree_keyword: 'LONG', expires_at: new Date(Date.now() - 1000) })).rejects.toThrow(/expiry_after_creation/);
    const [m] = await t.db('mandats').insert({ structure_id: s.id, usager_id: u.id, duree_keyword: 'LONG', expires_at: new Date(Date.now() + 86400000) }).returning('id');
    await t.db('autorisations').insert({ mandat_id: m.id, demarche: 'argent' });
    await expect(t.db('autorisations').insert({ mandat_id: m.id, demarche: 'argent' })).rejects.toThrow(/unique/);
    await expect(t.db('autorisations').insert({ mandat_id: m.id, demarche: 'vol' })).rejects.toThrow(/check constraint/);
  });
});
