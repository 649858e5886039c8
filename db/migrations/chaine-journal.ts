// The journal's hash chain in PostgreSQL (canonical form: db/domain/chaine-journal.ts). Installed by migration
// 011 with one lock, given lanes by migration 020; a later migration that adds a journal column calls
// installerChaineJournal again with its own list (the function is replaced, the trigger kept).
import type { Knex } from 'knex';
import { FONCTION_CHAINE_C, sqlDeclencheurChaine } from '../chaine-c.ts';
import { FORME_CHAINE_JOURNAL, HASH_INITIAL, VERROU_CHAINE_JOURNAL, VERROU_VOIES_JOURNAL, sqlTexteCanonique, sqlTexteForme2, type ColonneChaine } from '../domain/chaine-journal.ts';

/**
 * `journal_texte_canonique(journal)` (for the migration's chaining of existing rows), and the BEFORE INSERT trigger `journal_chaine` that, under a
 * transaction-level advisory lock, reads the head (highest chaine_rang) and gives the new row the next rank,
 * the head's hash as hash_precedent, and its own hash. Whatever the writer put in these three columns is
 * overwritten. The lock is held until the writer's transaction ends, so the next writer reads this row as
 * the head; under REPEATABLE READ (a snapshot older than the lock) the unique index on chaine_rang refuses a
 * second row at the same rank rather than let the chain fork.
 */
export async function installerChaineJournal(knex: Knex, colonnes: readonly ColonneChaine[], opts: { voies?: number } = {}): Promise<void> {
  const voies = opts.voies ?? 1;
  if (voies > 1) return installerVoies(knex, colonnes, voies);
  if (colonnes[0]?.nom !== 'chaine_rang') throw new Error('la forme canonique du journal commence par chaine_rang');
  // Everything but the rank is known before the lock: the other writers wait only for the head's lookup and
  // one SHA-256. The form is written out here rather than a call to journal_texte_canonique: a SQL function
  // called from PL/pgSQL is planned again in every transaction.
  await installerFonctions(knex, colonnes, '', `
      reste := ${sqlTexteCanonique(colonnes.slice(1), 'new')};
      perform pg_advisory_xact_lock(${VERROU_CHAINE_JOURNAL});
      select chaine_rang, hash into tete from journal order by chaine_rang desc limit 1;
      new.chaine_rang := coalesce(tete.chaine_rang, 0) + 1;
      new.hash_precedent := coalesce(tete.hash, '${HASH_INITIAL}');
      new.hash := encode(sha256(convert_to(new.hash_precedent || E'\\n' || ${sqlTexteCanonique(colonnes.slice(0, 1), 'new')} || reste, 'UTF8')), 'hex');`);
}

/** journal_texte_canonique(journal), and the trigger's function journal_chainer with `corps` as its body. */
async function installerFonctions(knex: Knex, colonnes: readonly ColonneChaine[], declarations: string, corps: string, texte?: string): Promise<void> {
  // octet_length counts the bytes of the database's encoding; the verifier counts UTF-8 bytes.
  const { rows: [{ encodage }] } = await knex.raw(`select current_setting('server_encoding') as encodage`);
  if (encodage !== 'UTF8') throw new Error(`la base doit être en UTF8 pour la chaîne du journal (elle est en ${encodage})`);
  await knex.raw(`
    create or replace function journal_texte_canonique(j journal) returns text language sql stable as $$
      select ${texte ?? sqlTexteCanonique(colonnes, 'j')}
    $$;
    create or replace function journal_chainer() returns trigger language plpgsql
      -- The head is read through the index, whatever the statistics say: PL/pgSQL keeps the plan made at a
      -- session's first insert, and a plan made while the journal was small (or not analyzed yet) would scan the
      -- whole table at every insert once it has grown. Without a scan of the table nor a bitmap, only an index
      -- scan is left, and only the index on the lane and rank gives the order without sorting: no setting for
      -- sorts (each setting costs at every call).
      set enable_seqscan = off set enable_bitmapscan = off
      as $$
    declare
      tete record;
      reste text;${declarations}
    begin${corps}
      return new;
    end $$;
  `);
}

/**
 * PL/pgSQL setting `v` to the first free lane, lane 0 first (without waiting), or when every lane is taken to
 * one picked by the process id, waited for; then remembered in `journal.voie`, for the transaction (`local`)
 * or the session.
 */
function sqlPremiereVoieLibre(voies: number, local: boolean): string {
  return `
        v := 0;
        while not pg_try_advisory_xact_lock(${VERROU_VOIES_JOURNAL}, v) loop
          v := v + 1;
          if v = ${voies} then
            v := pg_backend_pid() % ${voies};
            perform pg_advisory_xact_lock(${VERROU_VOIES_JOURNAL}, v);
            exit;
          end if;
        end loop;
        perform set_config('journal.voie', v::text, ${local});`;
}

/**
 * The chain in `voies` lanes (migration 020): the same trigger, but a writer takes the first lane whose lock is
 * free, lane 0 first (pg_try_advisory_xact_lock: no wait), and chains its row after that lane's head; only when
 * every lane is taken does it wait, for one lane picked by its process id. A transaction keeps the lane of its
 * first row for the next ones (the transaction-local setting `journal.voie`), so that it holds one lane's lock
 * at most and two writers cannot wait for each other's lanes. A writer may set `journal.voie` itself (to a lane
 * number) to choose its lane: the lanes are equivalent, it only waits for that one.
 */
async function installerVoies(knex: Knex, colonnes: readonly ColonneChaine[], voies: number): Promise<void> {
  if (colonnes[0]?.nom !== 'chaine_voie' || colonnes[1]?.nom !== 'chaine_rang') throw new Error('la forme canonique du journal commence par chaine_voie, chaine_rang');
  await installerFonctions(knex, colonnes, `
      choisie text := current_setting('journal.voie', true);
      v int;`, `
      reste := ${sqlTexteCanonique(colonnes.slice(2), 'new')};
      if choisie ~ '^[0-9]{1,2}$' and choisie::int < ${voies} then
        -- The lane this transaction already holds (re-entrant), or the one its writer chose.
        v := choisie::int;
        perform pg_advisory_xact_lock(${VERROU_VOIES_JOURNAL}, v);
      else
${sqlPremiereVoieLibre(voies, true)}
      end if;
      select chaine_rang, hash into tete from journal where chaine_voie = v order by chaine_rang desc limit 1;
      new.chaine_voie := v;
      new.chaine_rang := coalesce(tete.chaine_rang, 0) + 1;
      new.hash_precedent := coalesce(tete.hash, '${HASH_INITIAL}');
      new.hash := encode(sha256(convert_to(new.hash_precedent || E'\\n' || ${sqlTexteCanonique(colonnes.slice(0, 2), 'new')} || reste, 'UTF8')), 'hex');`);
}

/**
 * Form 2 and lanes by session (migration 022, README « Journal infalsifiable »). The row's form is written in
 * one row literal (sqlTexteForme2) after its lane and rank are known. A session keeps the lane of its last row
 * (the session setting `journal.voie`) and tries it first: under a steady load each writer stays in its lane,
 * and a transaction's next rows stay in the lane it holds (its lock is re-entrant). When that lane is taken by
 * another transaction, the first free lane, lane 0 first, becomes the session's; only when every lane is taken
 * does it wait, for one picked by its process id — holding none (a transaction that holds a lane finds it free).
 * A writer may still set `journal.voie` (for its transaction, or its session) to the lane it prefers: it takes
 * that lane when it is free. The setting only chooses a lane: the head is always read in the journal.
 * journal_texte_canonique(j) gives each row's own form (1 or 2), for the administrator rechaining by hand.
 */
export async function installerForme2(knex: Knex, colonnes: readonly ColonneChaine[], voies: number): Promise<void> {
  if (colonnes[0]?.nom !== 'chaine_voie' || colonnes[1]?.nom !== 'chaine_rang') throw new Error('la forme canonique du journal commence par chaine_voie, chaine_rang');
  // record_out quotes the values with isspace(): ASCII spaces only under a C or UTF-8 character type.
  const { rows: [{ ctype }] } = await knex.raw('select datctype as ctype from pg_database where datname = current_database()');
  if (!/^(C|POSIX)$|\.(UTF-?8|utf-?8)$/i.test(ctype)) throw new Error(`la base doit avoir un type de caractères C ou UTF-8 pour la chaîne du journal (elle a ${ctype})`);
  await installerFonctions(knex, colonnes, `
      preferee text := current_setting('journal.voie', true);
      v int;`, `
      if preferee in (${Array.from({ length: voies }, (_v, i) => `'${i}'`).join(', ')}) and pg_try_advisory_xact_lock(${VERROU_VOIES_JOURNAL}, preferee::int) then
        v := preferee::int;
      else
${sqlPremiereVoieLibre(voies, false)}
      end if;
      select chaine_rang, hash into tete from journal where chaine_voie = v order by chaine_rang desc limit 1;
      new.chaine_forme := ${FORME_CHAINE_JOURNAL};
      new.chaine_voie := v;
      new.chaine_rang := coalesce(tete.chaine_rang, 0) + 1;
      new.hash_precedent := coalesce(tete.hash, '${HASH_INITIAL}');
      new.hash := encode(sha256(convert_to(new.hash_precedent || E'\\n' || ${sqlTexteForme2('new')}, 'UTF8')), 'hex');`,
  `case when j.chaine_forme = ${FORME_CHAINE_JOURNAL} then ${sqlTexteForme2('j')} else ${sqlTexteCanonique(colonnes, 'j')} end`);
  // The same work in C when a superuser installed it (db/chaine-c.ts): the trigger is made again either way, so
  // that it takes this form's columns as arguments.
  const { rows: [{ enC }] } = await knex.raw(`select to_regprocedure('${FONCTION_CHAINE_C}()') is not null as "enC"`);
  await knex.raw(sqlDeclencheurChaine(enC));
}
