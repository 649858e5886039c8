// The autorisations an aidant can use right now for a usager, through FranceConnect: not revoked, in an
// active, unexpired mandat of the aidant's current structure (the aidant still belonging to it and able to
// act, the structure active), for a démarche the structure still allows. One definition (requeteAutorisationsUtilisables), reused
// by every page and check; each answer carries the usager's stored identity, so one query is enough.
import type { Knex } from 'knex';
import { preparerUneFois, type Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import type { IdentitePivot } from '../domain/identite-pivot.ts';

export type UsagerIdentite = IdentitePivot & { id: number; sub: string; preferred_username: string | null };

export interface AutorisationUtilisable {
  autorisation_id: number;
  mandat_id: number;
  usager_id: number;
  structure_id: number;
  demarche: Demarche;
  mandat_expires_at: Date;
  usager: UsagerIdentite;
}

export interface FiltreAutorisations {
  /** The aidant (or, in a caller's own query, a reference to its id column). */
  aidantId: number | Knex.Ref<string, Record<string, string>>;
  usagerId?: number;
  autorisationId?: number;
  /** Restrict to these démarches (e.g. FranceConnect's `rep_scope`). */
  demarches?: readonly string[] | null;
  /** A prepared statement's value standing for the démarches (db/connection.ts preparerUneFois). */
  demarchesEnValeur?: string;
}

const COLONNES = (db: Db | Knex.Transaction) => [
  'a.id as autorisation_id', 'a.mandat_id', 'm.usager_id', 'm.structure_id', 'a.demarche', 'm.expires_at as mandat_expires_at',
  db.raw(`json_build_object('id', u.id, 'sub', u.sub, 'given_name', u.given_name, 'family_name', u.family_name,
    'preferred_username', u.preferred_username, 'birthdate', u.birthdate, 'gender', u.gender, 'birthplace', u.birthplace,
    'birthcountry', u.birthcountry, 'email', u.email) as usager`),
];

/**
 * The rule as a query builder (aliases a: autorisation, m: mandat, u: usager), for callers that add their own
 * joins. The aidant's side (active, an aidant, member of its current structure, the structure active) and the
 * structure's allowed démarches are scalar subqueries: PostgreSQL plans them apart, and planning a join of
 * every table costs more than running it (several milliseconds per call).
 */
export function requeteAutorisationsUtilisables(db: Db | Knex.Transaction, filtre: FiltreAutorisations): Knex.QueryBuilder {
  const structureDeLAidant = db('aidants as ad')
    .join('aidant_structures as appartenance', (j) => j.on('appartenance.aidant_id', 'ad.id').andOn('appartenance.structure_id', 'ad.current_structure_id'))
    .join('structures as s', 's.id', 'ad.current_structure_id')
    .where('ad.id', filtre.aidantId as number)
    .where('ad.is_active', true)
    .where('ad.referent_non_aidant', false)
    .where('ad.can_create_mandats', true)
    .where('s.is_active', true)
    // Issue 20: nothing is usable while staff suspend the structure.
    .whereNull('s.suspended_at')
    .select('ad.current_structure_id');
  const q = db('autorisations as a')
    .join('mandats as m', 'm.id', 'a.mandat_id')
    .join('usagers as u', 'u.id', 'm.usager_id')
    .where('m.structure_id', structureDeLAidant)
    .whereNull('a.revoked_at')
    .where('m.status', 'active')
    .where('m.expires_at', '>', db.fn.now())
    .whereRaw('a.demarche = any((select s.allowed_demarches from structures as s where s.id = m.structure_id)::text[])');
  if (filtre.usagerId !== undefined) q.where('m.usager_id', filtre.usagerId);
  if (filtre.autorisationId !== undefined) q.where('a.id', filtre.autorisationId);
  if (filtre.demarches) q.whereRaw('a.demarche = any(?::text[])', [[...filtre.demarches]]);
  if (filtre.demarchesEnValeur !== undefined) q.whereRaw('a.demarche = any(?::text[])', [filtre.demarchesEnValeur]);
  return q;
}

export async function autorisationsUtilisables(db: Db | Knex.Transaction, filtre: FiltreAutorisations): Promise<AutorisationUtilisable[]> {
  return requeteAutorisationsUtilisables(db, filtre)
    .orderBy([{ column: 'a.demarche' }, { column: 'm.expires_at', order: 'desc' }])
    .select(COLONNES(db));
}

/** The same columns, for a caller's own query built on requeteAutorisationsUtilisables. */
export const colonnesAutorisationUtilisable = COLONNES;

export interface UsagerAvecAutorisations {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  birthdate: string;
  demarches: Demarche[];
}

/*
 * The identity provider's pages ask these at every authorization: prepared statements (db/connection.ts
 * preparerUneFois), one with and one without the démarches FranceConnect's service asked for.
 */
const usagersPrepares = [false, true].map((filtre) => preparerUneFois<UsagerAvecAutorisations>(`usagers_avec_autorisations${filtre ? '_filtre' : ''}`, (db, valeur) =>
  requeteAutorisationsUtilisables(db, { aidantId: valeur(0) as unknown as number, ...(filtre ? { demarchesEnValeur: valeur(1) } : {}) })
    .groupBy('u.id')
    .orderBy([{ column: 'u.family_name' }, { column: 'u.given_name' }, { column: 'u.id' }])
    .select('u.id', 'u.given_name', 'u.family_name', 'u.preferred_username', 'u.birthdate', db.raw('array_agg(distinct a.demarche order by a.demarche) as demarches'))));

/** The usagers an aidant can act for (at least one usable autorisation among `demarches`), by name. */
export async function usagersAvecAutorisations(db: Db, aidantId: number, demarches: readonly string[] | null): Promise<UsagerAvecAutorisations[]> {
  return demarches ? usagersPrepares[1](db, [aidantId, [...demarches]]) : usagersPrepares[0](db, [aidantId]);
}

const autorisationsDeLUsagerPreparees = [false, true].map((filtre) => preparerUneFois<AutorisationUtilisable>(`autorisations_de_l_usager${filtre ? '_filtre' : ''}`, (db, valeur) =>
  requeteAutorisationsUtilisables(db, { aidantId: valeur(0) as unknown as number, usagerId: valeur(1) as unknown as number, ...(filtre ? { demarchesEnValeur: valeur(2) } : {}) })
    .orderBy([{ column: 'a.demarche' }, { column: 'm.expires_at', order: 'desc' }])
    .select(COLONNES(db))));

/** autorisationsUtilisables for one usager (the identity provider's choice), as a prepared statement. */
export async function autorisationsUtilisablesDeLUsager(db: Db, aidantId: number, usagerId: number, demarches: readonly string[] | null): Promise<AutorisationUtilisable[]> {
  return demarches
    ? autorisationsDeLUsagerPreparees[1](db, [aidantId, usagerId, [...demarches]])
    : autorisationsDeLUsagerPreparees[0](db, [aidantId, usagerId]);
}
