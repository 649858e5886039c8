// Checking a TOTP code against an account's devices: single use (the accepted time step is remembered and
// a replay refused, atomically), and cards that drift get a wider window once, then resynchronise.
import { verify } from 'otplib';
import type { Db } from '../../db/connection.ts';
import { TotpDevice } from '../../db/models/index.ts';
import { ECHECS_AVANT_ELARGISSEMENT, TOLERANCE_ELARGIE, TOLERANCE_NORMALE } from '../../db/domain/authentification.ts';

export type TotpCheck = { ok: true; device: TotpDevice } | { ok: false; reason: 'no_device' | 'invalid' | 'replayed' };

type Match = { timeStep: number; delta: number } | null;

/** Does the code match this device now (its drift and tolerance included)? No side effect. */
async function match(device: TotpDevice, code: string, nowMs: number): Promise<Match> {
  const result = await verify({
    secret: device.secret,
    token: code,
    period: device.period,
    epoch: Math.floor(nowMs / 1000) + device.drift * device.period,
    epochTolerance: device.tolerance * device.period,
  });
  return result.valid ? { timeStep: (result as { timeStep: number }).timeStep, delta: result.delta } : null;
}

async function recordFailure(db: Db, device: TotpDevice): Promise<void> {
  const failures = device.failures + 1;
  const widen = device.kind === 'card' && device.tolerance === TOLERANCE_NORMALE && failures >= ECHECS_AVANT_ELARGISSEMENT;
  await db('totp_devices').where({ id: device.id }).update({ failures, ...(widen ? { tolerance: TOLERANCE_ELARGIE } : {}) });
}

/** Accepts the matched step unless it (or a later one) was already used. */
async function recordSuccess(db: Db, device: TotpDevice, m: NonNullable<Match>): Promise<TotpCheck> {
  // Time steps are counted on the device's own clock (drift included) so the replay check stays consistent.
  const wasWidened = device.tolerance > TOLERANCE_NORMALE;
  const updated = await db('totp_devices')
    .where({ id: device.id })
    .andWhere((q) => q.whereNull('last_time_step').orWhere('last_time_step', '<', m.timeStep))
    .update({ last_time_step: m.timeStep, failures: 0, tolerance: TOLERANCE_NORMALE, drift: wasWidened ? device.drift + m.delta : device.drift });
  return updated === 0 ? { ok: false, reason: 'replayed' } : { ok: true, device };
}

/** Verifies `code` on one device; records the failure or the accepted step. */
export async function verifyOnDevice(db: Db, device: TotpDevice, code: string, nowMs = Date.now()): Promise<TotpCheck> {
  const m = await match(device, code, nowMs);
  if (!m) {
    await recordFailure(db, device);
    return { ok: false, reason: 'invalid' };
  }
  return recordSuccess(db, device, m);
}

/**
 * Tries the code on each confirmed device of the account (a card and/or an app). Failures are recorded only
 * when no device matched: a code from the app must not count against the card.
 */
export async function verifyAccountCode(db: Db, aidantId: number, code: string, nowMs = Date.now()): Promise<TotpCheck> {
  const devices = await TotpDevice.query(db).where({ aidant_id: aidantId, confirmed: true }).orderBy('id');
  if (!devices.length) return { ok: false, reason: 'no_device' };
  for (const device of devices) {
    const m = await match(device, code, nowMs);
    if (m) return recordSuccess(db, device, m);
  }
  for (const device of devices) await recordFailure(db, device);
  return { ok: false, reason: 'invalid' };
}
