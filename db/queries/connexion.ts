// What a successful login writes: the last login time (the inactivity watch reads it; a login costs no
// Temporal event), the inactivity warning cleared, and the card tolerance back to normal.
import type { Db } from '../connection.ts';

export async function enregistrerConnexion(db: Db, aidantId: number, at: Date = new Date()): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('aidants').where({ id: aidantId }).update({ last_login_at: at, deactivation_warning_at: null });
    await trx('totp_devices').where({ aidant_id: aidantId }).update({ tolerance: 1, failures: 0 });
  });
}
