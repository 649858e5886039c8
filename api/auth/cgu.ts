// Recording that an account accepted the terms of use in force.
import type { Db } from '../../db/connection.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';

export async function enregistrerAcceptationCgu(db: Db, aidantId: number): Promise<void> {
  await db('aidants').where({ id: aidantId }).update({ cgu_version: VERSION_CGU, cgu_accepted_at: db.fn.now() });
}
