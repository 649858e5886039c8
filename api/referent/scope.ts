// Every référent query is scoped to the structures the référent manages: an aidant of another structure is
// simply not found (404), whatever id is typed in the URL.
import type { Db } from '../../db/connection.ts';
import { Aidant } from '../../db/models/index.ts';
import { HttpError } from '../auth/session.ts';

export async function aidantInScope(db: Db, structureIds: number[], aidantId: unknown): Promise<{ aidant: Aidant; structureId: number }> {
  if (typeof aidantId !== 'string' || !/^[1-9][0-9]{0,8}$/.test(aidantId)) throw new HttpError(404, 'aidant introuvable');
  const id = Number(aidantId);
  const row = await db('aidant_structures').where({ aidant_id: id }).whereIn('structure_id', structureIds).orderBy('structure_id').first('structure_id');
  const aidant = row ? await Aidant.query(db).findById(id) : undefined;
  if (!row || !aidant || aidant.is_staff) throw new HttpError(404, 'aidant introuvable');
  return { aidant, structureId: aidant.current_structure_id && structureIds.includes(aidant.current_structure_id) ? aidant.current_structure_id : row.structure_id };
}

export interface AidantRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  last_login_at: Date | null;
  structure_id: number;
  structure_name: string;
  is_referent: boolean;
  /** A référent who does not accompany usagers themselves. */
  referent_non_aidant: boolean;
  card_serial: string | null;
  card_confirmed: boolean | null;
  has_app: boolean;
}

export async function aidantsOfStructures(db: Db, structureIds: number[]): Promise<AidantRow[]> {
  return db('aidant_structures as m')
    .join('aidants as a', 'a.id', 'm.aidant_id')
    .join('structures as s', 's.id', 'm.structure_id')
    .leftJoin('totp_devices as card', (j) => j.on('card.aidant_id', 'a.id').andOnVal('card.kind', 'card'))
    .leftJoin('totp_cards as c', 'c.id', 'card.card_id')
    .leftJoin('totp_devices as app', (j) => j.on('app.aidant_id', 'a.id').andOnVal('app.kind', 'app'))
    .leftJoin('referent_structures as r', (j) => j.on('r.aidant_id', 'a.id').andOn('r.structure_id', 'm.structure_id'))
    .whereIn('m.structure_id', structureIds)
    .where('a.is_staff', false)
    .orderBy([{ column: 's.name' }, { column: 'a.last_name' }, { column: 'a.first_name' }])
    .select(
      'a.id', 'a.email', 'a.first_name', 'a.last_name', 'a.is_active', 'a.last_login_at', 'a.referent_non_aidant',
      's.id as structure_id', 's.name as structure_name',
      db.raw('r.aidant_id is not null as is_referent'),
      'c.serial_number as card_serial', 'card.confirmed as card_confirmed',
      db.raw('app.id is not null and app.confirmed as has_app'),
    );
}
