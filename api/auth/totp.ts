// Checking a TOTP code against an account's devices: single use (the accepted time step is remembered and
// a replay refused, atomically). The window is never widened by failures: a drifted card is resynchronised
// only by someone authenticated (resynchroniserCarte). An unknown account costs the same work as a known
// one with a wrong code (a decoy check, the same statements), so timing does not tell whether it exists.
import { generateSecret, verify } from 'otplib';
import type { Db } from '../../db/connection.ts';
import type { TotpDevice } from '../../db/models/index.ts';
import { accepterPasDeTemps, accepterPasDeTempsEtRendre, compterEchecAppareil, compterEchecCompte, type AppareilAVerifier } from '../../db/queries/authentification.ts';
import { seal, unseal, UnsealError } from '../../db/secrets.ts';
import { PERIODE_TOTP_APPLICATION_S, TOLERANCE_NORMALE } from '../../db/domain/authentification.ts';
import { logger } from '../../db/platform/logger.ts';

/** `illisible`: the device's secret cannot be unsealed (stored unsealed, or under a key no longer in SECRETS_KEYS). */
export type TotpCheck = { ok: true; device: TotpDevice } | { ok: false; reason: 'no_device' | 'invalid' | 'replayed' | 'illisible' };

/** What a logged-in aidant reads when every device of the account is unreadable: not their code's fault. */
export const MESSAGE_APPAREIL_ILLISIBLE =
  'Votre carte ou votre application d’authentification ne peut pas être vérifiée pour le moment. Demandez à votre référent de l’associer à nouveau à votre compte, ou contactez le support Aidants Connect.';

type Match = { timeStep: number; delta: number } | null;

/**
 * matchDevice, with an unreadable secret answered as « illisible » instead of an exception (a 500 before:
 * issue 19's bench stored its secrets unsealed). Logged as an error, with the device, never the secret.
 */
async function essayer(device: Pick<TotpDevice, 'secret' | 'period' | 'drift'> & { id?: number }, code: string, nowMs: number, tolerance = TOLERANCE_NORMALE): Promise<Match | 'illisible'> {
  try {
    return await matchDevice(device, code, nowMs, tolerance);
  } catch (err) {
    if (!(err instanceof UnsealError)) throw err;
    logger.error({ deviceId: device.id, raison: err.message }, 'secret TOTP illisible : appareil inutilisable');
    return 'illisible';
  }
}

/** Does the code match this device now (its drift included, within `tolerance` steps)? No side effect. */
export async function matchDevice(device: Pick<TotpDevice, 'secret' | 'period' | 'drift'>, code: string, nowMs: number, tolerance = TOLERANCE_NORMALE): Promise<Match> {
  const result = await verify({
    secret: unseal('totp_devices.secret', device.secret),
    token: code,
    period: device.period,
    epoch: Math.floor(nowMs / 1000) + device.drift * device.period,
    epochTolerance: tolerance * device.period,
  });
  return result.valid ? { timeStep: (result as { timeStep: number }).timeStep, delta: result.delta } : null;
}

/** Accepts the matched step unless it (or a later one) was already used; `drift` is the device's new drift. */
async function recordSuccess(db: Db, device: TotpDevice, m: NonNullable<Match>, drift = device.drift): Promise<TotpCheck> {
  // Time steps are counted on the device's own clock (drift included) so the replay check stays consistent.
  const accepted = await accepterPasDeTemps(db, device.id, m.timeStep, drift);
  return accepted ? { ok: true, device } : { ok: false, reason: 'replayed' };
}

/** Verifies `code` on one device; records the failure or the accepted step. */
export async function verifyOnDevice(db: Db, device: TotpDevice, code: string, nowMs = Date.now()): Promise<TotpCheck> {
  const m = await essayer(device, code, nowMs);
  if (m === 'illisible') return { ok: false, reason: 'illisible' };
  if (!m) {
    await compterEchecAppareil(db, device.id);
    return { ok: false, reason: 'invalid' };
  }
  return recordSuccess(db, device, m);
}

/**
 * Accepts a code of a drifted device within `tolerance` steps and learns its drift. Only for a caller who is
 * already authenticated (a référent in the espace référent, or the aidant logged in by another means):
 * anonymous failures never widen anything.
 */
export async function resynchronise(db: Db, device: TotpDevice, code: string, tolerance: number, nowMs = Date.now()): Promise<TotpCheck> {
  const m = await essayer(device, code, nowMs, tolerance);
  if (m === 'illisible') return { ok: false, reason: 'illisible' };
  if (!m) return { ok: false, reason: 'invalid' };
  return recordSuccess(db, device, m, device.drift + m.delta);
}

let decoy: Pick<TotpDevice, 'secret' | 'period' | 'drift'> | null = null;
const decoyDevice = () => (decoy ??= { secret: seal('totp_devices.secret', generateSecret()), period: PERIODE_TOTP_APPLICATION_S, drift: 0 });

/** A code typed for an account (verifyAccountCode). */
export type CodeCompte = { ok: true } | { ok: false; reason: 'no_device' | 'invalid' | 'replayed' | 'illisible' };

/**
 * Tries the code on each confirmed device of the account (a card and/or an app), read with the attempt's
 * reservation (rate-limit.ts reserveAttemptAndReadDevices); `aidantId` null for an unknown email. A right code's
 * step is accepted and the attempts `rendre` taken back in one statement; failures are recorded only when no
 * device matched: a code from the app must not count against the card.
 */
export async function verifyAccountCode(db: Db, aidantId: number | null, devices: AppareilAVerifier[], code: string, rendre: { ids: number[]; cles: string[] }, nowMs = Date.now()): Promise<CodeCompte> {
  let illisibles = 0;
  for (const device of devices) {
    const m = await essayer(device, code, nowMs);
    if (m === 'illisible') illisibles++;
    else if (m) return (await accepterPasDeTempsEtRendre(db, device.id, m.timeStep, device.drift, rendre)) ? { ok: true } : { ok: false, reason: 'replayed' };
  }
  if (!devices.length) await matchDevice(decoyDevice(), code, nowMs);
  // No device could be read: the code is not wrong, the account's devices are (no failure counted against it).
  if (devices.length && illisibles === devices.length) return { ok: false, reason: 'illisible' };
  // One statement for all the account's devices (none for an unknown account): the same work either way.
  await compterEchecCompte(db, aidantId ?? 0);
  return { ok: false, reason: devices.length ? 'invalid' : 'no_device' };
}
