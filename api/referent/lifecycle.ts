// Deactivating and reactivating an aidant (référent or staff action). The inactivity watch follows: it ends
// when the account is deactivated and a new one starts on reactivation.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { desactiverCompte, reactiverCompte } from '../../db/queries/referent.ts';
import { arreterVeilleInactivite, redemarrerVeilleInactivite } from '../../db/temporal/processes/inactivite.ts';
import { logger } from '../../db/platform/logger.ts';
import type { Actor } from './devices.ts';

const log = logger.child({ component: 'aidant-lifecycle' });

/** `raison`: the reason typed on the confirmation page (db/domain/desactivation.ts), kept in the journal. */
export async function desactiverAidant(db: Db, temporal: () => Promise<Client>, actor: Actor, aidantId: number, raison?: string): Promise<boolean> {
  const changed = await db.transaction(async (trx) => {
    // A new session version ends the aidant's open sessions at their next request, even if reactivated before.
    const n = await desactiverCompte(trx, aidantId);
    if (n) {
      await journaliser(trx, {
        action: 'aidant_deactivation', aidant_id: actor.referentId, structure_id: actor.structureId,
        additional_information: `aidant.id=${aidantId}${raison ? `, raison=${raison}` : ''}`,
      });
    }
    return n;
  });
  // The watch would also notice on its own when it wakes; ending it now keeps the Temporal UI truthful.
  if (changed) {
    try {
      await arreterVeilleInactivite(await temporal(), aidantId);
    } catch (err) {
      log.warn({ err, aidantId }, 'veille non arrêtée : elle s’arrêtera seule en trouvant le compte désactivé');
    }
  }
  return changed;
}

export async function reactiverAidant(db: Db, temporal: () => Promise<Client>, actor: Actor, aidantId: number): Promise<boolean> {
  const changed = await db.transaction(async (trx) => {
    // A reactivated aidant starts a fresh period: the watch counts from now, not from the old last login.
    const n = await reactiverCompte(trx, aidantId);
    if (n) await journaliser(trx, { action: 'aidant_reactivation', aidant_id: actor.referentId, structure_id: actor.structureId, additional_information: `aidant.id=${aidantId}` });
    return n;
  });
  if (changed) {
    try {
      await redemarrerVeilleInactivite(await temporal(), aidantId);
    } catch (err) {
      // The account is active; the worker's reconciliation at its next start gives it a watch.
      log.error({ err, aidantId }, 'veille non démarrée après réactivation');
    }
  }
  return changed;
}
