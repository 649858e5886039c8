// All SQL of the espace référent's team (api/referent/scope.ts, lifecycle.ts): the aidants of the structures a
// référent manages, always scoped to them, and deactivating or reactivating an account.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';

/** The first of `structureIds` the aidant belongs to (by id), or undefined: another structure's aidant is not found. */
export async function structureCommune(db: Db, aidantId: number, structureIds: number[]): Promise<{ structure_id: number } | undefined> {
  return db('aidant_structures').where({ aidant_id: aidantId }).whereIn('structure_id', structureIds).orderBy('structure_id').first('structure_id');
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

export async function aidantsDesStructures(db: Db, structureIds: number[]): Promise<AidantRow[]> {
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

/** Deactivates an active account; a new session version ends its open sessions at their next request. False: it was not active. */
export async function desactiverCompte(trx: Knex.Transaction, aidantId: number): Promise<boolean> {
  const n = await trx('aidants').where({ id: aidantId, is_active: true }).update({ is_active: false, session_version: trx.raw('session_version + 1') });
  return n > 0;
}

/** Reactivates an inactive account, its inactivity warning cleared. False: it was not inactive. */
export async function reactiverCompte(trx: Knex.Transaction, aidantId: number): Promise<boolean> {
  const n = await trx('aidants').where({ id: aidantId, is_active: false }).update({ is_active: true, deactivation_warning_at: null });
  return n > 0;
}
