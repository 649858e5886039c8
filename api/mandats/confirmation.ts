// The aidant's own TOTP code on the recap: the same single-use check and rate limits as the login.
import type { Db } from '../../db/connection.ts';
import { estCodeTotp } from '../../db/domain/authentification.ts';
import { rateKeys } from '../auth/login.ts';
import { dureeEnFrancais } from '../../db/domain/francais.ts';
import { refundAttempt, reserveAttempt } from '../auth/rate-limit.ts';
import { verifyAccountCode } from '../auth/totp.ts';

export type Confirmation = { ok: true } | { ok: false; status: number; message: string; retryAfterMs?: number };

export async function confirmerParCode(db: Db, aidant: { id: number; email: string }, saisi: unknown, ip: string): Promise<Confirmation> {
  const code = typeof saisi === 'string' ? saisi.replace(/\s/g, '') : '';
  if (!estCodeTotp(code)) return { ok: false, status: 400, message: 'Saisissez les 6 chiffres du code affiché sur votre carte ou votre application.' };
  const keys = rateKeys(aidant.email, ip);
  const attempt = await reserveAttempt(db, keys);
  if (attempt.waitMs > 0) return { ok: false, status: 429, message: `Trop de tentatives. Réessayez dans ${dureeEnFrancais(attempt.waitMs)}.`, retryAfterMs: attempt.waitMs };
  const check = await verifyAccountCode(db, aidant.id, code);
  if (!check.ok) return { ok: false, status: 401, message: 'Ce code est incorrect ou a déjà été utilisé. Attendez le code suivant.' };
  await refundAttempt(db, attempt);
  return { ok: true };
}
