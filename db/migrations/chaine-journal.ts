// The journal's hash chain in PostgreSQL (canonical form: db/domain/chaine-journal.ts). Installed by migration
// 011; a later migration that adds a journal column calls installerChaineJournal again with its own list (the
// function is replaced, the trigger kept).
import type { Knex } from 'knex';
import { HASH_INITIAL, VERROU_CHAINE_JOURNAL, sqlTexteCanonique, type ColonneChaine } from '../domain/chaine-journal.ts';

/**
 * `journal_texte_canonique(journal)` (for the migration's chaining of existing rows), and the BEFORE INSERT trigger `journal_chaine` that, under a
 * transaction-level advisory lock, reads the head (highest chaine_rang) and gives the new row the next rank,
 * the head's hash as hash_precedent, and its own hash. Whatever the writer put in these three columns is
 * overwritten. The lock is held until the writer's transaction ends, so the next writer reads this row as
 * the head; under REPEATABLE READ (a snapshot older than the lock) the unique index on chaine_rang refuses a
 * second row at the same rank rather than let the chain fork.
 */
export async function installerChaineJournal(knex: Knex, colonnes: readonly ColonneChaine[]): Promise<void> {
  if (colonnes[0]?.nom !== 'chaine_rang') throw new Error('la forme canonique du journal commence par chaine_rang');
  const { rows: [{ encodage }] } = await knex.raw(`select current_setting('server_encoding') as encodage`);
  // octet_length counts the bytes of the database's encoding; the verifier counts UTF-8 bytes.
  if (encodage !== 'UTF8') throw new Error(`la base doit être en UTF8 pour la chaîne du journal (elle est en ${encodage})`);
  await knex.raw(`
    create or replace function journal_texte_canonique(j journal) returns text language sql stable as $$
      select ${sqlTexteCanonique(colonnes, 'j')}
    $$;
    create or replace function journal_chainer() returns trigger language plpgsql
      -- The head is read through the index, whatever the statistics say: PL/pgSQL keeps the plan made at a
      -- session's first insert, and a plan made while the journal was small (or not analyzed yet) would scan the
      -- whole table at every insert once it has grown.
      set enable_seqscan = off set enable_bitmapscan = off set enable_sort = off
      as $$
    declare
      tete record;
      reste text;
    begin
      -- Everything but the rank is known before the lock: the other writers wait only for the head's lookup
      -- and one SHA-256. The form is written out here rather than a call to journal_texte_canonique: a SQL
      -- function called from PL/pgSQL is planned again in every transaction.
      reste := ${sqlTexteCanonique(colonnes.slice(1), 'new')};
      perform pg_advisory_xact_lock(${VERROU_CHAINE_JOURNAL});
      select chaine_rang, hash into tete from journal order by chaine_rang desc limit 1;
      new.chaine_rang := coalesce(tete.chaine_rang, 0) + 1;
      new.hash_precedent := coalesce(tete.hash, '${HASH_INITIAL}');
      new.hash := encode(sha256(convert_to(new.hash_precedent || E'\\n' || ${sqlTexteCanonique(colonnes.slice(0, 1), 'new')} || reste, 'UTF8')), 'hex');
      return new;
    end $$;
  `);
}
