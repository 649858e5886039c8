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

/**
 * The latest deactivation of an aidant's account, from the row written when it happened: a référent's
 * (`aidant_deactivation`, written by api/referent/lifecycle.ts with `aidant.id=<id>, raison=<reason>`) in one of
 * `structureIds`, or the inactivity watch's (`inactivity_deactivation`, activities/inactivite.ts).
 */
export async function derniereDesactivation(db: Db, structureIds: number[], aidantId: number): Promise<{ le: Date; raison: string | null; par: string | null; inactivite: boolean } | null> {
  const row = await db('journal as j')
    .leftJoin('aidants as a', 'a.id', 'j.aidant_id')
    .where((q) => q
      .where((r) => r.where('j.action', 'aidant_deactivation').whereIn('j.structure_id', structureIds)
        .where((s) => s.where('j.additional_information', `aidant.id=${aidantId}`).orWhere('j.additional_information', 'like', `aidant.id=${aidantId}, %`)))
      .orWhere((r) => r.where({ 'j.action': 'inactivity_deactivation', 'j.aidant_id': aidantId })))
    .orderBy('j.created_at', 'desc').orderBy('j.id', 'desc')
    .first('j.action', 'j.created_at', 'j.additional_information', db.raw(`a.first_name || ' ' || a.last_name as par`));
  if (!row) return null;
  if (row.action === 'inactivity_deactivation') return { le: row.created_at, raison: row.additional_information ?? null, par: null, inactivite: true };
  const raison = /, raison=(.*)$/s.exec(row.additional_information ?? '')?.[1] ?? null;
  return { le: row.created_at, raison, par: row.par ?? null, inactivite: false };
}
