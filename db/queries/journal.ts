// Writing to the append-only journal. An idempotency key makes a retried writer add the entry only once.
import type { Db } from '../connection.ts';
import type { ActionJournal } from '../domain/statuts.ts';

export interface EntreeJournal {
  action: ActionJournal;
  aidant_id?: number | null;
  structure_id?: number | null;
  usager_id?: number | null;
  mandat_id?: number | null;
  demarche?: string | null;
  duree?: number | null;
  autorisation_id?: number | null;
  /** SHA-256 of the access token a `use_autorisation` answered (never the token itself). */
  access_token?: string | null;
  /** The OpenID Connect client (FranceConnect) of a `use_autorisation`. */
  oidc_client_id?: string | null;
  additional_information?: string;
  idempotency_key?: string;
}

export async function journaliser(db: Db, entree: EntreeJournal): Promise<void> {
  const q = db('journal').insert(entree);
  if (entree.idempotency_key) await q.onConflict('idempotency_key').ignore();
  else await q;
}
