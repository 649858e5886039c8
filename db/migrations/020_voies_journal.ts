// The journal's hash chain in lanes (db/domain/chaine-journal.ts, README « Journal infalsifiable »): with one
// lock held until each writer's commit, the chain cost 50 to 75 % of the inserts per second of 8 concurrent
// writers; in NOMBRE_VOIES_JOURNAL lanes, a writer takes the first free one. Existing rows are lane 0, which the
// canonical form leaves out: their hashes, and the anchors archived for them, stay valid. Nothing is rewritten.
import type { Knex } from 'knex';
import { installerChaineJournal } from './chaine-journal.ts';
import { COLONNES as COLONNES_011 } from './011_journal_chaine.ts';
import { NOMBRE_VOIES_JOURNAL, type ColonneChaine } from '../domain/chaine-journal.ts';

/** The columns hashed since this migration: its lane first, then migration 011's (kept as they were). */
const COLONNES: readonly ColonneChaine[] = [{ nom: 'chaine_voie', type: 'voie' }, ...COLONNES_011];

export async function up(knex: Knex): Promise<void> {
  // A constant default: PostgreSQL adds the column without rewriting the table.
  await knex.raw(`alter table journal add column chaine_voie smallint not null default 0
    constraint journal_chaine_voie_connue check (chaine_voie between 0 and ${NOMBRE_VOIES_JOURNAL - 1})`);
  // One row per rank in each lane: under REPEATABLE READ (a snapshot older than the lane's lock) the second row
  // at a rank is refused rather than fork the lane. Same name as migration 011's index.
  await knex.raw('drop index journal_chaine_rang');
  await knex.raw('create unique index journal_chaine_rang on journal (chaine_voie, chaine_rang)');
  await installerChaineJournal(knex, COLONNES, { voies: NOMBRE_VOIES_JOURNAL });
}

export async function down(knex: Knex): Promise<void> {
  const { rows: [{ n }] } = await knex.raw('select count(*)::int as n from journal where chaine_voie <> 0');
  if (n > 0) throw new Error(`${n} lignes du journal sont dans d’autres voies que la voie 0 : la migration 020 ne peut pas être défaite`);
  await installerChaineJournal(knex, COLONNES_011);
  await knex.raw('drop index journal_chaine_rang');
  await knex.raw('create unique index journal_chaine_rang on journal (chaine_rang)');
  await knex.raw('alter table journal drop column chaine_voie');
}
