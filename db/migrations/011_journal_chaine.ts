// The tamper-evident journal (issue 20): each row carries chaine_rang, hash_precedent and hash (the hash chain
// of db/domain/chaine-journal.ts), given at insert by the trigger of db/migrations/chaine-journal.ts. Existing
// rows are chained here, in id order, by the owner role (the append-only trigger is lifted for this
// transaction only). The application role keeps INSERT and SELECT only (db/migrations/droits.ts): it cannot
// rewrite the chain, and what it writes in the three columns is overwritten by the trigger.
import type { Knex } from 'knex';
import { installerChaineJournal } from './chaine-journal.ts';
import type { ColonneChaine } from '../domain/chaine-journal.ts';

/** The columns hashed by this migration (COLONNES_CHAINE_JOURNAL when it was written; kept as it was). */
export const COLONNES: readonly ColonneChaine[] = [
  { nom: 'chaine_rang', type: 'entier' },
  { nom: 'id', type: 'entier' },
  { nom: 'action', type: 'texte' },
  { nom: 'aidant_id', type: 'entier' },
  { nom: 'structure_id', type: 'entier' },
  { nom: 'usager_id', type: 'entier' },
  { nom: 'mandat_id', type: 'entier' },
  { nom: 'demarche', type: 'texte' },
  { nom: 'duree', type: 'entier' },
  { nom: 'access_token', type: 'texte' },
  { nom: 'autorisation_id', type: 'entier' },
  { nom: 'attestation_hash', type: 'texte' },
  { nom: 'additional_information', type: 'texte' },
  { nom: 'is_remote_mandat', type: 'booleen' },
  { nom: 'user_phone', type: 'texte' },
  { nom: 'consent_request_id', type: 'uuid' },
  { nom: 'remote_consent_method', type: 'texte' },
  { nom: 'idempotency_key', type: 'texte' },
  { nom: 'created_at', type: 'horodatage' },
  { nom: 'oidc_client_id', type: 'texte' },
  { nom: 'consent_sms_id', type: 'entier' },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('journal', (t) => {
    t.bigInteger('chaine_rang');
    t.text('hash_precedent');
    t.text('hash');
  });
  await installerChaineJournal(knex, COLONNES);
  // The ALTER TABLE above holds the table's exclusive lock until this migration commits: no writer can
  // insert while the existing rows are chained.
  await knex.raw('alter table journal disable trigger journal_no_update_delete');
  await knex.raw(`update journal set chaine_rang = r.rang from (select id, row_number() over (order by id) as rang from journal) r where journal.id = r.id`);
  await knex.raw(`
    do $$
    declare
      j journal;
      precedent text := repeat('0', 64);
    begin
      for j in select * from journal order by chaine_rang loop
        j.hash_precedent := precedent;
        j.hash := encode(sha256(convert_to(precedent || E'\\n' || journal_texte_canonique(j), 'UTF8')), 'hex');
        update journal set hash_precedent = j.hash_precedent, hash = j.hash where id = j.id;
        precedent := j.hash;
      end loop;
    end $$`);
  await knex.raw('alter table journal enable trigger journal_no_update_delete');
  await knex.raw('alter table journal alter column chaine_rang set not null, alter column hash_precedent set not null, alter column hash set not null');
  await knex.raw('create unique index journal_chaine_rang on journal (chaine_rang)');
  await knex.raw('create trigger journal_chaine before insert on journal for each row execute function journal_chainer()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists journal_chaine on journal');
  await knex.raw('drop function if exists journal_chainer()');
  await knex.raw('drop index if exists journal_chaine_rang');
  await knex.raw('drop function if exists journal_texte_canonique(journal)');
  await knex.schema.alterTable('journal', (t) => {
    t.dropColumn('chaine_rang');
    t.dropColumn('hash_precedent');
    t.dropColumn('hash');
  });
}
