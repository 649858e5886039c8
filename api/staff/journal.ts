// The staff's check of the journal's hash chain (/staff/journal): the head, and the verification of the whole
// chain (db/queries/journal.ts). A verification reads every row: one runs at a time per process, and a staff
// member who asks while one runs gets its verdict rather than a second pass.
import type { Db } from '../../db/connection.ts';
import { teteChaine, verifierChaine, type TeteChaine } from '../../db/queries/journal.ts';
import type { VerdictChaine } from '../../db/domain/chaine-journal.ts';

export type { TeteChaine, VerdictChaine };

export async function etatJournal(db: Db): Promise<TeteChaine | null> {
  return teteChaine(db);
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
