// The autorisations an aidant can use right now for a usager, through FranceConnect: not revoked, in an
// active, unexpired mandat of the aidant's current structure (the aidant still belonging to it and able to
// act), for a démarche the structure still allows. One definition, reused by every page and check.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';

export interface AutorisationUtilisable {
  autorisation_id: number;
  mandat_id: number;
  usager_id: number;
  structure_id: number;
  demarche: Demarche;
  mandat_expires_at: Date;
}

export interface FiltreAutorisations {
  aidantId: number;
  usagerId?: number;
  autorisationId?: number;
  /** Restrict to these démarches (e.g. FranceConnect's `rep_scope`). */
  demarches?: readonly string[] | null;
}

function utilisables(db: Db | Knex.Transaction, filtre: FiltreAutorisations) {
  const q = db('autorisations as a')
    .join('mandats as m', 'm.id', 'a.mandat_id')
    .join('structures as s', 's.id', 'm.structure_id')
    .join('aidants as ad', 'ad.current_structure_id', 'm.structure_id')
    .join('aidant_structures as appartenance', (j) => j.on('appartenance.aidant_id', 'ad.id').andOn('appartenance.structure_id', 'm.structure_id'))
    .where('ad.id', filtre.aidantId)
    .where('ad.is_active', true)
    .where('ad.referent_non_aidant', false)
    .where('s.is_active', true)
    .whereNull('a.revoked_at')
    .where('m.status', 'active')
    .where('m.expires_at', '>', db.fn.now())
    .whereRaw('a.demarche = any(s.allowed_demarches)');
  if (filtre.usagerId !== undefined) q.where('m.usager_id', filtre.usagerId);
  if (filtre.autorisationId !== undefined) q.where('a.id', filtre.autorisationId);
  if (filtre.demarches) q.whereIn('a.demarche', [...filtre.demarches]);
  return q;
}

export async function autorisationsUtilisables(db: Db | Knex.Transaction, filtre: FiltreAutorisations): Promise<AutorisationUtilisable[]> {
  return utilisables(db, filtre)
    .orderBy([{ column: 'a.demarche' }, { column: 'm.expires_at', order: 'desc' }])
    .select('a.id as autorisation_id', 'a.mandat_id', 'm.usager_id', 'm.structure_id', 'a.demarche', 'm.expires_at as mandat_expires_at');
}

export interface UsagerAvecAutorisations {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  birthdate: string;
  demarches: Demarche[];
}

/** The usagers an aidant can act for (at least one usable autorisation among `demarches`), by name. */
export async function usagersAvecAutorisations(db: Db, aidantId: number, demarches: readonly string[] | null): Promise<UsagerAvecAutorisations[]> {
  const rows = await utilisables(db, { aidantId, demarches })
    .join('usagers as u', 'u.id', 'm.usager_id')
    .groupBy('u.id')
    .orderBy([{ column: 'u.family_name' }, { column: 'u.given_name' }, { column: 'u.id' }])
    .select('u.id', 'u.given_name', 'u.family_name', 'u.preferred_username', 'u.birthdate', db.raw('array_agg(distinct a.demarche order by a.demarche) as demarches'));
  return rows as UsagerAvecAutorisations[];
}
