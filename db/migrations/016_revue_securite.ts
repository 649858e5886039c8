// Issue 18 (security review), two schema changes:
// - item 1: a consent request carries a reply code (4 digits, sent in the consent SMS: « Répondez « Oui 4821 » »):
//   the usager's answer names its request, so a second structure's request to the same number cannot capture
//   the « Oui » meant for the first (api/consentement/reponses.ts, db/domain/consentement.ts lireReponse).
//   Requests made before this migration keep no code and the former rule (the number's latest request).
// - item 6: the contact details a structure enters are that structure's (usager_contacts): the mobile typed
//   by structure B is no longer shown on structure A's pages nor printed in A's PDF. The identity
//   FranceConnect sends (usagers, its email included) stays shared. The former shared column is emptied and
//   kept empty by a check (other branches may still name it), its numbers moved to the structure of the
//   usager's latest mandat, the one whose aidant typed it last.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consent_requests', (t) => {
    t.string('reply_code', 4);
  });
  await knex.raw(`alter table consent_requests add constraint consent_requests_reply_code check (reply_code ~ '^[0-9]{4}$')`);

  await knex.schema.createTable('usager_contacts', (t) => {
    t.integer('usager_id').notNullable().references('usagers.id').onDelete('CASCADE');
    t.integer('structure_id').notNullable().references('structures.id');
    t.text('phone').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['usager_id', 'structure_id']);
  });
  await knex.raw(`alter table usager_contacts add constraint usager_contacts_phone_e164 check (phone ~ '^\\+[1-9][0-9]{6,14}$')`);
  await knex.raw(`
    insert into usager_contacts (usager_id, structure_id, phone)
    select distinct on (u.id) u.id, m.structure_id, u.phone
    from usagers u join mandats m on m.usager_id = u.id
    where u.phone ~ '^\\+[1-9][0-9]{6,14}$'
    order by u.id, m.created_at desc, m.id desc`);
  await knex('usagers').whereNotNull('phone').update({ phone: null });
  await knex.raw('alter table usagers add constraint usagers_phone_par_structure check (phone is null)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table usagers drop constraint if exists usagers_phone_par_structure');
  await knex.raw(`
    update usagers u set phone = c.phone
    from (select distinct on (usager_id) usager_id, phone from usager_contacts order by usager_id, updated_at desc) c
    where c.usager_id = u.id`);
  await knex.schema.dropTableIfExists('usager_contacts');
  await knex.raw('alter table consent_requests drop constraint if exists consent_requests_reply_code');
  await knex.schema.alterTable('consent_requests', (t) => {
    t.dropColumn('reply_code');
  });
}
