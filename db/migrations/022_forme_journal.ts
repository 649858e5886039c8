// Form 2 of the journal's chain, and lanes kept by session (db/domain/chaine-journal.ts, README « Journal
// infalsifiable »): with form 1's expression of some 150 calls, which PL/pgSQL prepares again in every
// transaction, and a lane looked for from lane 0 at every row, the chain cost 24 to 28 % of the inserts per
// second of 8 writers in one-row transactions. New rows carry `chaine_forme` = 2; the rows already chained keep
// form 1 (their `chaine_forme` is NULL, left out of form 1 like any NULL): nothing is rewritten, every hash and
// archived anchor stays valid.
import type { Knex } from 'knex';
import { installerChaineJournal, installerForme2 } from './chaine-journal.ts';
import { COLONNES as COLONNES_011 } from './011_journal_chaine.ts';
import { FORME_CHAINE_JOURNAL, NOMBRE_VOIES_JOURNAL, type ColonneChaine } from '../domain/chaine-journal.ts';

/** Migration 020's columns (its lane first, then 011's), and the form's column last (NULL in form 1). */
const COLONNES_020: readonly ColonneChaine[] = [{ nom: 'chaine_voie', type: 'voie' }, ...COLONNES_011];
const COLONNES: readonly ColonneChaine[] = [...COLONNES_020, { nom: 'chaine_forme', type: 'entier' }];

export async function up(knex: Knex): Promise<void> {
  // No default: PostgreSQL adds the column without touching the rows, which stay in form 1.
  await knex.raw(`alter table journal add column chaine_forme smallint
    constraint journal_chaine_forme_connue check (chaine_forme = ${FORME_CHAINE_JOURNAL})`);
  await installerForme2(knex, COLONNES, NOMBRE_VOIES_JOURNAL);
}

export async function down(knex: Knex): Promise<void> {
  const { rows: [{ n }] } = await knex.raw('select count(*)::int as n from journal where chaine_forme is not null');
  if (n > 0) throw new Error(`${n} lignes du journal sont en forme 2 : la migration 022 ne peut pas être défaite`);
  await installerChaineJournal(knex, COLONNES_020, { voies: NOMBRE_VOIES_JOURNAL });
  await knex.raw('alter table journal drop column chaine_forme');
}
