// The staff's check of the journal's hash chain (/staff/journal): its lanes' heads, and the verification of the whole
// chain (db/queries/journal.ts). A verification reads every row: one runs at a time per process, and a staff
// member who asks while one runs gets its verdict rather than a second pass.
import type { Db } from '../../db/connection.ts';
import { declencheurChaine, etatChaine, verifierChaine } from '../../db/queries/journal.ts';
import type { EtatChaine, VerdictChaine } from '../../db/domain/chaine-journal.ts';

export type { EtatChaine, VerdictChaine };

export async function etatJournal(db: Db): Promise<EtatChaine> {
  return etatChaine(db);
}

/** The trigger that chains the journal: in C, in PL/pgSQL, or none (every journal write refused). */
export function declencheurJournal(db: Db): Promise<'c' | 'plpgsql' | null> {
  return declencheurChaine(db);
}

const enCours = new WeakMap<Db, Promise<VerdictChaine>>();

export function verifierJournal(db: Db): Promise<VerdictChaine> {
  let p = enCours.get(db);
  if (!p) {
    p = verifierChaine(db).finally(() => enCours.delete(db));
    enCours.set(db, p);
  }
  return p;
}
