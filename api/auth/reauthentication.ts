// A fresh code typed on a sensitive page (re-authentication) is journaled as `activity_check_aidant`.
import type { Db } from '../../db/connection.ts';
import { journaliser } from '../../db/queries/journal.ts';

export async function journaliserVerification(db: Db, aidant: { id: number; current_structure_id: number | null }): Promise<void> {
  await journaliser(db, { action: 'activity_check_aidant', aidant_id: aidant.id, structure_id: aidant.current_structure_id });
}
