// The one check of a TOTP code typed by an account: at login, on re-authentication (/verification) and on the
// mandat recap (web/mandats/recapitulatif-routes.ts). The same rules everywhere: six digits, the limits per account
// and IP, per IP and the account's slowing down (rate-limit.ts) counted before the code is checked, the code
// single use (totp.ts), and the account's own typing errors forgotten after a right code.
import type { Db } from '../../db/connection.ts';
import { estCodeTotp } from '../../db/domain/authentification.ts';
import { dureeEnFrancais } from '../../db/domain/francais.ts';
import { cleTentatives, reserveAttemptAndReadDevices, tentativesARendre, type Limite } from './rate-limit.ts';
import { MESSAGE_APPAREIL_ILLISIBLE, verifyAccountCode } from './totp.ts';

/** The limits of a code typed for an account: per account and IP, per IP, and the account's slowing down. */
export const rateKeys = (email: string, ip: string): Limite[] => [
  { cle: cleTentatives('compte-ip', `${email.toLowerCase()}|${ip}`), type: 'compte-ip' },
  { cle: cleTentatives('ip', ip), type: 'ip' },
  { cle: cleTentatives('compte', email.toLowerCase()), type: 'compte' },
];

export type CodeFrais =
  | { ok: true }
  | { ok: false; raison: 'format' | 'limite' | 'incorrect' | 'illisible'; status: 400 | 401 | 409 | 429; message: string; retryAfterMs?: number };

export const MESSAGE_FORMAT_CODE = 'Saisissez les 6 chiffres du code affiché sur votre carte ou votre application.';

/**
 * Checks `saisi` against the confirmed devices of the account. `compte.id` is null for an email that matches no
 * account (login): the same work is done and the answer is `incorrect`, so neither tells whether it exists.
 */
export async function verifierCodeFrais(db: Db, compte: { id: number | null; email: string }, saisi: unknown, ip: string): Promise<CodeFrais> {
  const code = typeof saisi === 'string' ? saisi.replace(/\s/g, '') : '';
  if (!estCodeTotp(code)) return { ok: false, raison: 'format', status: 400, message: MESSAGE_FORMAT_CODE };
  // Two round trips for a right code: the attempt counted with the account's devices read; then, the code
  // checked in Node, its step accepted with the attempts taken back (README « Mandats » → « Vitesse de la création »).
  const attempt = await reserveAttemptAndReadDevices(db, rateKeys(compte.email, ip), compte.id ?? 0);
  if (attempt.waitMs > 0) {
    return { ok: false, raison: 'limite', status: 429, message: `Trop de tentatives. Réessayez dans ${dureeEnFrancais(attempt.waitMs)}.`, retryAfterMs: attempt.waitMs };
  }
  const check = await verifyAccountCode(db, compte.id, attempt.appareils, code, tentativesARendre(attempt));
  // The account's devices cannot be read (a secret stored unsealed, a key gone): a clear refusal, not a 500.
  // Only a known account gets here, so the login's answer for an unknown email is not changed by it.
  if (!check.ok && check.reason === 'illisible') return { ok: false, raison: 'illisible', status: 409, message: MESSAGE_APPAREIL_ILLISIBLE };
  if (!check.ok) return { ok: false, raison: 'incorrect', status: 401, message: 'Ce code est incorrect ou a déjà été utilisé. Attendez le code suivant.' };
  return { ok: true };
}
