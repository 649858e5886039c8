// Revoking one autorisation or a whole mandat (db/domain/README.md#révocation), by any aidant of the mandat's structure: the
// autorisations get their revocation date and the journal its rows in one transaction; a mandat left with no
// active autorisation ends (status `revoked`, the 6-year retention counts from now), written by the one end
// of a mandat (db/queries/mandats.ts terminerMandats). The mandat's workflow is told after the commit.
import type { Db } from '../../db/connection.ts';
import { logger } from '../../db/platform/logger.ts';
import {
  autorisationsDuMandat, revoquerAutorisations, terminerMandats, verrouillerMandatDeLaStructure, type ContexteRevocation,
} from '../../db/queries/mandats.ts';
import type { TemporalClientProvider } from '../../db/temporal/client.ts';
import { signalerRevocationMandat } from '../../db/temporal/processes/mandat.ts';

const log = logger.child({ component: 'mandats' });

export type Revocation =
  | { ok: true; mandatClos: boolean; usagerId: number }
  | { ok: false; raison: 'introuvable' | 'deja-revoque' };

/**
 * Revokes one autorisation (autorisationId) or every active autorisation of the mandat (whole mandat,
 * journaled `cancel_mandat`). A mandat of another structure is "introuvable", never "forbidden".
 */
export async function revoquer(
  db: Db,
  demande: { aidantId: number | null; structureId: number; mandatId: number; autorisationId?: number; origine?: string },
  maintenant = new Date(),
): Promise<Revocation> {
  return db.transaction(async (trx) => {
    const mandat = await verrouillerMandatDeLaStructure(trx, demande.structureId, demande.mandatId);
    if (!mandat) return { ok: false, raison: 'introuvable' } as const;
    const toutes = await autorisationsDuMandat(trx, mandat.id, demande.autorisationId);
    if (demande.autorisationId !== undefined && !toutes.length) return { ok: false, raison: 'introuvable' } as const;
    const actives = toutes.filter((a) => a.revoked_at === null);
    if (mandat.status !== 'active' || !actives.length) return { ok: false, raison: 'deja-revoque' } as const;
    // The usager revoking online (api/espace-usager/revocation.ts): no aidant, and the journal says so.
    const contexte: ContexteRevocation = { aidant_id: demande.aidantId, structure_id: demande.structureId, ...(demande.origine ? { additional_information: demande.origine } : {}) };
    await revoquerAutorisations(trx, actives, contexte, maintenant);
    const clos = await terminerMandats(trx, [mandat.id], {
      statut: 'revoked',
      le: maintenant,
      siPlusAucuneAutorisation: true,
      // The whole mandat was asked: every active autorisation was just revoked, so it ends here.
      ...(demande.autorisationId === undefined ? { journal: { action: 'cancel_mandat', ...contexte, usager_id: mandat.usager_id } } : {}),
    });
    return { ok: true, mandatClos: clos.length > 0, usagerId: mandat.usager_id } as const;
  });
}

/**
 * Tells the workflows of mandats that ended in a committed transaction (revocation, supersession). A failure
 * is only logged: the workflow reads the end in the database when it wakes up.
 */
export async function signalerFinsMandats(temporal: TemporalClientProvider, mandatIds: number[]): Promise<void> {
  for (const mandatId of mandatIds) {
    try {
      await signalerRevocationMandat(await temporal(), mandatId);
    } catch (err) {
      log.error({ err, mandatId }, 'révocation non transmise au workflow du mandat : il la lira en base à son réveil');
    }
  }
}

/** The revocation an aidant asks for: committed, then the mandat's workflow told when the mandat ended. */
export async function revoquerPuisSignaler(
  deps: { db: Db; temporal: TemporalClientProvider },
  demande: { aidantId: number; structureId: number; mandatId: number; autorisationId?: number },
): Promise<Revocation> {
  const resultat = await revoquer(deps.db, demande);
  if (resultat.ok && resultat.mandatClos) await signalerFinsMandats(deps.temporal, [demande.mandatId]);
  return resultat;
}
