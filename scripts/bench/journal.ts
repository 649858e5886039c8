// Bench of the journal's hash chain (db/domain/chaine-journal.ts):
// - inserts per second into `journal` (the chain's trigger: advisory lock, head read, SHA-256) against the same
//   inserts into a copy of the table without the trigger (same columns, indexes and constraints), by
//   `ecrivains` concurrent writers, one row per transaction as the application writes most of them, and by one
//   writer alone; in 10 rounds alternating the two tables, the cost taken within each round and its median
//   reported (the machine may be busy with something else during a round, not during the whole bench); with
//   the C trigger installed (db/chaine-c.ts), the PL/pgSQL one takes its turn in each round too, for comparison;
// - the time to verify a chain of `lignes` rows (rows added by the trigger itself, in batches), the verifier
//   reading in batches and recomputing every hash in Node.
// Afterwards it checks what it counted: every row written, the verdict intact over exactly the rows there are.
// A report, not a test: timings depend on the machine.
import type { Db } from '../../db/connection.ts';
import { verifierChaine } from '../../db/queries/journal.ts';
import { FONCTION_CHAINE_C, sqlDeclencheurChaine } from '../../db/chaine-c.ts';

export interface ResultatBenchJournal {
  /** Rates and costs: medians over rounds alternating the two tables (the cost is measured within each round). */
  insertion: { ecrivains: number; avecChaine: number; sansChaine: number; cout: number; seulAvec: number; seulSans: number; coutSeul: number };
  /** The trigger measured: `c` (db/extension/journal_chaine.c) or `plpgsql`. */
  declencheur: 'c' | 'plpgsql';
  /** With the C trigger installed, the PL/pgSQL one in the same rounds, for comparison (null otherwise). */
  plpgsql: { avecChaine: number; cout: number; seulAvec: number; coutSeul: number } | null;
  verification: { lignes: number; dureeMs: number; ok: boolean; lignesVerifiees: number };
  /** Rows counted in the tables after each phase equal the rows written. */
  comptesJustes: boolean;
}

async function parEcrivains(n: number, ecrivains: number, ecrire: (i: number) => Promise<void>): Promise<number> {
  let suivant = 0;
  const debut = performance.now();
  await Promise.all(Array.from({ length: ecrivains }, async () => {
    while (suivant < n) await ecrire(suivant++);
  }));
  return (n * 1000) / (performance.now() - debut);
}

const compte = async (db: Db, table: string) => Number((await db(table).count({ n: '*' }))[0].n);

export async function benchJournal(opts: { db: Db; owner: Db; insertions: number; ecrivains: number; lignes: number }): Promise<ResultatBenchJournal> {
  const { db, owner, insertions, ecrivains, lignes } = opts;
  // The same table without the chain's trigger (LIKE copies no trigger); its chain columns may stay empty.
  await owner.raw('create table journal_sans_chaine (like journal including all)');
  await owner.raw('alter table journal_sans_chaine alter column chaine_rang drop not null, alter column hash_precedent drop not null, alter column hash drop not null');
  const ligne = (i: number) => ({ action: 'use_autorisation', aidant_id: null, demarche: 'argent', usager_id: i, additional_information: `banc ${i}` });
  const avant = await compte(db, 'journal');
  // Warm-up of both paths (plans, pool). Then rounds alternating the two (and which goes first), so that a
  // machine busy with something else weighs on both alike; rates over the sums of the rounds' times.
  await parEcrivains(200, ecrivains, (i) => db('journal').insert(ligne(i)));
  await parEcrivains(200, ecrivains, (i) => db('journal_sans_chaine').insert(ligne(i)));
  const TOURS = 10;
  const declencheur = (await db.raw(`select tgfoid::regproc::text as f from pg_trigger where tgname = 'journal_chaine'`)).rows[0].f === FONCTION_CHAINE_C ? 'c' : 'plpgsql';
  const mediane = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mesurer = async (n: number, nbEcrivains: number) => {
    const parTour = Math.max(1, Math.floor(n / TOURS));
    const [avec, sans, couts, pl, coutsPl]: number[][] = [[], [], [], [], []];
    const chaine = async () => avec.push(await parEcrivains(parTour, nbEcrivains, (i) => db('journal').insert(ligne(i))));
    const brut = async () => sans.push(await parEcrivains(parTour, nbEcrivains, (i) => db('journal_sans_chaine').insert(ligne(i))));
    // The PL/pgSQL trigger for one run, when the C one is installed (the owner points the trigger at it and back).
    const enPlpgsql = async () => {
      await owner.raw(sqlDeclencheurChaine(false));
      try {
        pl.push(await parEcrivains(parTour, nbEcrivains, (i) => db('journal').insert(ligne(i))));
      } finally {
        await owner.raw(sqlDeclencheurChaine(true));
      }
    };
    const modes = declencheur === 'c' ? [brut, chaine, enPlpgsql] : [brut, chaine];
    for (let tour = 0; tour < TOURS; tour++) {
      // Each mode goes first in turn: a machine busy with something else weighs on all alike.
      for (let k = 0; k < modes.length; k++) await modes[(tour + k) % modes.length]();
      couts.push(1 - avec[tour] / sans[tour]);
      if (pl.length) coutsPl.push(1 - pl[tour] / sans[tour]);
    }
    return { avec: mediane(avec), sans: mediane(sans), cout: mediane(couts), ecrites: parTour * TOURS, pl: pl.length ? { avec: mediane(pl), cout: mediane(coutsPl) } : null };
  };
  const plusieurs = await mesurer(insertions, ecrivains);
  const seul = await mesurer(Math.floor(insertions / 2), 1);
  const ecritesPl = declencheur === 'c' ? plusieurs.ecrites + seul.ecrites : 0;
  let comptesJustes = (await compte(db, 'journal')) === avant + 200 + plusieurs.ecrites + seul.ecrites + ecritesPl
    && (await compte(db, 'journal_sans_chaine')) === 200 + plusieurs.ecrites + seul.ecrites;
  await owner.raw('drop table journal_sans_chaine');

  // Up to `lignes` rows in the chain: set-based inserts of 50,000 rows, each chained by the trigger.
  const deja = await compte(db, 'journal');
  for (let n = deja; n < lignes; n += 50_000) {
    await db.raw(`insert into journal (action, aidant_id, structure_id, usager_id, mandat_id, demarche, autorisation_id, additional_information, created_at)
      select 'use_autorisation', null, null, g, g, (array['argent','social','papiers','famille'])[1 + g % 4], g, 'ligne ' || g || ' — « été »',
        now() - make_interval(secs => g)
      from generate_series(1, ?) g`, [Math.min(50_000, lignes - n)]);
  }
  const total = await compte(db, 'journal');
  comptesJustes &&= total === Math.max(deja, lignes);
  const v = await verifierChaine(db, { taille: 10_000 });
  return {
    insertion: { ecrivains, avecChaine: plusieurs.avec, sansChaine: plusieurs.sans, cout: plusieurs.cout, seulAvec: seul.avec, seulSans: seul.sans, coutSeul: seul.cout },
    declencheur,
    plpgsql: plusieurs.pl && seul.pl ? { avecChaine: plusieurs.pl.avec, cout: plusieurs.pl.cout, seulAvec: seul.pl.avec, coutSeul: seul.pl.cout } : null,
    verification: { lignes: total, dureeMs: v.dureeMs, ok: v.ok, lignesVerifiees: v.lignes },
    comptesJustes: comptesJustes && v.lignes === total,
  };
}
