// Revoking one autorisation or a whole mandat (db/domain/README.md#révocation), by any aidant of the mandat's structure: the
// autorisations get their revocation date and the journal its rows in one transaction; a mandat left with no
// active autorisation ends (status `revoked`, the 6-year retention counts from now). The mandat's workflow
// is told afterwards by the caller (db/temporal/processes/mandat.ts).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection.ts';
import { DUREES_MANDAT } from '../../db/domain/mandat.ts';

type Contexte = { aidant_id: number; structure_id: number };

/** Sets revoked_at on these autorisations and journals `cancel_autorisation` for each. */
export async function revoquerAutorisationsEnTransaction(
  trx: Knex.Transaction,
  autorisations: { id: number; mandat_id: number }[],
  contexte: Contexte,
  maintenant: Date,
): Promise<void> {
  if (!autorisations.length) return;
  const revoquees: { id: number; mandat_id: number; demarche: string; usager_id: number; duree_keyword: keyof typeof DUREES_MANDAT }[] = await trx('autorisations')
    .whereIn('autorisations.id', autorisations.map((a) => a.id))
    .whereNull('revoked_at')
    .update({ revoked_at: maintenant })
    .returning(['id', 'mandat_id', 'demarche']);
  if (!revoquees.length) return;
  const mandats: { id: number; usager_id: number; duree_keyword: string }[] = await trx('mandats')
    .whereIn('id', [...new Set(revoquees.map((a) => a.mandat_id))])
    .select('id', 'usager_id', 'duree_keyword');
  const parId = new Map(mandats.map((m) => [m.id, m]));
  await trx('journal').insert(revoquees.map((a) => {
    const m = parId.get(a.mandat_id)!;
    return {
      action: 'cancel_autorisation', ...contexte, usager_id: m.usager_id, mandat_id: a.mandat_id, demarche: a.demarche,
      duree: DUREES_MANDAT[m.duree_keyword as keyof typeof DUREES_MANDAT]?.jours ?? null, autorisation_id: a.id,
    };
  }));
}

/** Ends the given active mandats that no longer have an active autorisation; returns their ids. */
export async function cloreMandatsSansAutorisation(trx: Knex.Transaction, mandatIds: number[], maintenant: Date): Promise<number[]> {
  if (!mandatIds.length) return [];
  const clos: { id: number }[] = await trx('mandats')
    .whereIn('id', [...new Set(mandatIds)])
    .where({ status: 'active' })
    .whereNotExists(trx('autorisations').whereRaw('autorisations.mandat_id = mandats.id').whereNull('revoked_at'))
    .update({ status: 'revoked', ended_at: maintenant })
    .returning('id');
  return clos.map((m) => m.id);
}

export type Revocation =
  | { ok: true; mandatClos: boolean; usagerId: number }
  | { ok: false; raison: 'introuvable' | 'deja-revoque' };

/**
 * Revokes one autorisation (autorisationId) or every active autorisation of the mandat (whole mandat,
 * journaled `cancel_mandat`). A mandat of another structure is "introuvable", never "forbidden".
 */
export async function revoquer(
  db: Db,
  demande: { aidantId: number; structureId: number; mandatId: number; autorisationId?: number },
  maintenant = new Date(),
): Promise<Revocation> {
  return db.transaction(async (trx) => {
    const mandat = await trx('mandats')
      .where({ id: demande.mandatId, structure_id: demande.structureId })
      .forUpdate()
      .first<{ id: number; usager_id: number; status: string } | undefined>('id', 'usager_id', 'status');
    if (!mandat) return { ok: false, raison: 'introuvable' } as const;
    const cibles = trx('autorisations').where({ mandat_id: mandat.id });
    if (demande.autorisationId !== undefined) cibles.andWhere({ id: demande.autorisationId });
    const toutes: { id: number; mandat_id: number; revoked_at: Date | null }[] = await cibles.select('id', 'mandat_id', 'revoked_at');
    if (demande.autorisationId !== undefined && !toutes.length) return { ok: false, raison: 'introuvable' } as const;
    const actives = toutes.filter((a) => a.revoked_at === null);
    if (mandat.status !== 'active' || !actives.length) return { ok: false, raison: 'deja-revoque' } as const;
    const contexte = { aidant_id: demande.aidantId, structure_id: demande.structureId };
    await revoquerAutorisationsEnTransaction(trx, actives, contexte, maintenant);
    if (demande.autorisationId === undefined) {
      await trx('journal').insert({ action: 'cancel_mandat', ...contexte, usager_id: mandat.usager_id, mandat_id: mandat.id });
    }
    const clos = await cloreMandatsSansAutorisation(trx, [mandat.id], maintenant);
    return { ok: true, mandatClos: clos.length > 0, usagerId: mandat.usager_id } as const;
  });
}
