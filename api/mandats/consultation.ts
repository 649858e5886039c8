// What an aidant sees of usagers and mandats: only those linked to the aidant's current structure by a
// mandat. Every function takes the structure id and filters on it; a usager or mandat of another structure
// is simply not found.
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { DELAI_RENOUVELLEMENT_MS, type DureeMandat, type StatutMandat } from '../../db/domain/mandat.ts';

export interface UsagerListe {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  mandats_actifs: number;
  prochaine_expiration: Date | null;
}

/** Usagers with a mandat of the structure, recently ended ones included (outdated ones hidden), by name. */
export async function usagersDeLaStructure(db: Db, structureId: number, recherche = ''): Promise<UsagerListe[]> {
  const horizon = new Date(Date.now() - DELAI_RENOUVELLEMENT_MS);
  const q = db('usagers')
    .join('mandats', 'mandats.usager_id', 'usagers.id')
    .where('mandats.structure_id', structureId)
    .andWhere((w) => w.where('mandats.status', 'active').orWhere('mandats.ended_at', '>', horizon))
    .groupBy('usagers.id')
    .orderBy([{ column: 'usagers.family_name' }, { column: 'usagers.given_name' }])
    .limit(200)
    .select(
      'usagers.id', 'usagers.given_name', 'usagers.family_name', 'usagers.preferred_username',
      db.raw(`count(*) filter (where mandats.status = 'active')::int as mandats_actifs`),
      db.raw(`min(mandats.expires_at) filter (where mandats.status = 'active') as prochaine_expiration`),
    );
  const mots = recherche.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  for (const mot of mots) {
    const motif = `%${mot.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.andWhere((w) =>
      w.whereILike('usagers.given_name', motif).orWhereILike('usagers.family_name', motif).orWhereILike('usagers.preferred_username', motif),
    );
  }
  return q;
}

export interface MandatDetail {
  id: number;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  status: StatutMandat;
  duree_keyword: DureeMandat;
  aidant: string | null;
  autorisations: { id: number; demarche: Demarche; revoked_at: Date | null }[];
}

export interface UsagerDetail {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  birthdate: string;
  email: string | null;
  phone: string | null;
  mandats: MandatDetail[];
}

/** A usager and the structure's mandats with them; null when no mandat links them to the structure. */
export async function usagerDeLaStructure(db: Db, structureId: number, usagerId: number): Promise<UsagerDetail | null> {
  const mandats: (Omit<MandatDetail, 'autorisations'> & { usager_id: number })[] = await db('mandats')
    .leftJoin('aidants', 'aidants.id', 'mandats.aidant_id')
    .where({ 'mandats.structure_id': structureId, 'mandats.usager_id': usagerId })
    .orderBy('mandats.created_at', 'desc')
    .select(
      'mandats.id', 'mandats.created_at', 'mandats.expires_at', 'mandats.ended_at', 'mandats.status', 'mandats.duree_keyword', 'mandats.usager_id',
      db.raw(`aidants.first_name || ' ' || aidants.last_name as aidant`),
    );
  if (!mandats.length) return null;
  const usager = await db('usagers').where({ id: usagerId }).first('id', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'email', 'phone');
  if (!usager) return null;
  const autorisations: { id: number; mandat_id: number; demarche: Demarche; revoked_at: Date | null }[] = await db('autorisations')
    .whereIn('mandat_id', mandats.map((m) => m.id))
    .orderBy('id')
    .select('id', 'mandat_id', 'demarche', 'revoked_at');
  return {
    ...usager,
    mandats: mandats.map(({ usager_id: _u, ...m }) => ({
      ...m,
      autorisations: autorisations.filter((a) => a.mandat_id === m.id).map(({ mandat_id: _m, ...a }) => a),
    })),
  };
}

/** The mandat's usager, when the mandat belongs to the structure. */
export async function usagerDuMandat(db: Db, structureId: number, mandatId: number): Promise<number | null> {
  const row = await db('mandats').where({ id: mandatId, structure_id: structureId }).first('usager_id');
  return row?.usager_id ?? null;
}

export async function demarchesAutorisees(db: Db, structureId: number): Promise<Demarche[]> {
  const row = await db('structures').where({ id: structureId, is_active: true }).first('allowed_demarches');
  return row?.allowed_demarches ?? [];
}

export async function nomStructure(db: Db, structureId: number): Promise<{ name: string; address: string; postal_code: string; city: string } | null> {
  return (await db('structures').where({ id: structureId }).first('name', 'address', 'postal_code', 'city')) ?? null;
}

/** What a revocation confirmation shows: the usager and the démarches still active that it would end. */
export async function mandatARevoquer(db: Db, structureId: number, mandatId: number, autorisationId?: number) {
  const mandat = await db('mandats')
    .join('usagers', 'usagers.id', 'mandats.usager_id')
    .where({ 'mandats.id': mandatId, 'mandats.structure_id': structureId })
    .first<{ status: string; id: number; given_name: string; family_name: string; preferred_username: string | null } | undefined>(
      'mandats.status', 'usagers.id', 'usagers.given_name', 'usagers.family_name', 'usagers.preferred_username',
    );
  if (!mandat) return null;
  const q = db('autorisations').where({ mandat_id: mandatId });
  if (autorisationId !== undefined) q.andWhere({ id: autorisationId });
  const autorisations: { demarche: Demarche; revoked_at: Date | null }[] = await q.orderBy('id').select('demarche', 'revoked_at');
  if (autorisationId !== undefined && !autorisations.length) return null;
  const { status, ...usager } = mandat;
  return { usager, demarches: status === 'active' ? autorisations.filter((a) => !a.revoked_at).map((a) => a.demarche) : [] };
}
