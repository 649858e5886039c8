// The survey of suspicious activity (db/domain/alertes.ts, db/queries/alertes.ts), run by the
// `surveillanceActivite` workflow every few minutes (a Temporal schedule, db/temporal/processes/alertes.ts).
// Idempotent: a retry after a failure redoes the same pass (the cursor only moves when the pass commits), and
// an alert, its journal row and its emails are written once per evidence (unique constraint, keyed outbox).
import type { ActivityDeps } from './deps.ts';
import { examinerDepuisCurseur, type BilanSurveillance } from '../db/queries/alertes.ts';

export function createAlertesActivities(deps: ActivityDeps) {
  const publicUrl = deps.publicUrl ?? 'http://127.0.0.1:3000';
  return {
    async examinerActivite(): Promise<BilanSurveillance> {
      return examinerDepuisCurseur(deps.db, publicUrl);
    },
  };
}
