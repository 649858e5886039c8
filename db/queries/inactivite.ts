// All SQL of the inactivity watch's activities (activities/inactivite.ts). Each decision runs in one transaction
// holding the account's row lock; it is recorded by a journal row keyed per aidant and cycle, written once.
import type { Knex } from 'knex';

export interface LigneAidant {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  current_structure_id: number | null;
  last_login_at: Date | null;
  deactivation_warning_at: Date | null;
}

export async function compteVerrouille(trx: Knex.Transaction, aidantId: number): Promise<LigneAidant | undefined> {
  return trx('aidants').where({ id: aidantId }).forUpdate().first();
}

export async function dejaDecide(trx: Knex.Transaction, cle: string): Promise<boolean> {
  return Boolean(await trx('journal').where({ idempotency_key: cle }).first('id'));
}

/** Active référents of the structures the aidant belongs to (the aidant excluded, when référent too). */
export async function referentsDe(trx: Knex.Transaction, aidantId: number): Promise<{ id: number; email: string; first_name: string }[]> {
  return trx('referent_structures as rs')
    .join('aidant_structures as ast', 'ast.structure_id', 'rs.structure_id')
    .join('aidants as r', 'r.id', 'rs.aidant_id')
    .where({ 'ast.aidant_id': aidantId, 'r.is_active': true })
    .whereNot('r.id', aidantId)
    .distinct('r.id', 'r.email', 'r.first_name')
    .orderBy('r.id');
}

/** The warning: its time on the account and its journal row (`inactivity_warning`, once per key). */
export async function enregistrerAvertissement(trx: Knex.Transaction, aidant: LigneAidant, a: { le: Date; information: string; cle: string }): Promise<void> {
  await trx('aidants').where({ id: aidant.id }).update({ deactivation_warning_at: a.le });
  await trx('journal')
    .insert({
      action: 'inactivity_warning',
      aidant_id: aidant.id,
      structure_id: aidant.current_structure_id,
      additional_information: a.information,
      idempotency_key: a.cle,
    })
    .onConflict('idempotency_key')
    .ignore();
}

/** The deactivation and its journal row (`inactivity_deactivation`, once per key). */
export async function enregistrerDesactivation(trx: Knex.Transaction, aidant: LigneAidant, d: { information: string; cle: string }): Promise<void> {
  // A new session version ends every open session of the account at its next request.
  await trx('aidants').where({ id: aidant.id }).update({ is_active: false, session_version: trx.raw('session_version + 1') });
  await trx('journal')
    .insert({
      action: 'inactivity_deactivation',
      aidant_id: aidant.id,
      structure_id: aidant.current_structure_id,
      additional_information: d.information,
      idempotency_key: d.cle,
    })
    .onConflict('idempotency_key')
    .ignore();
}
