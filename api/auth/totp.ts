// Checking a TOTP code against an account's devices: single use (the accepted time step is remembered and
// a replay refused, atomically), and cards that drift get a wider window once, then resynchronise.
import { verify } from 'otplib';
import type { Db } from '../../db/connection.ts';
import { TotpDevice } from '../../db/models/index.ts';
import { ECHECS_AVANT_ELARGISSEMENT, TOLERANCE_ELARGIE, TOLERANCE_NORMALE } from '../../db/domain/authentification.ts';

export type TotpCheck = { ok: true; device: TotpDevice } | { ok: false; reason: 'no_device' | 'invalid' | 'replayed' };

/** Verifies `code` on one device; records the failure or the accepted step. */
export async function verifyOnDevice(db: Db, device: TotpDevice, code: string, nowMs = Date.now()): Promise<TotpCheck> {
  const epoch = Math.floor(nowMs / 1000) + device.drift * device.period;
  const result = await verify({
    secret: device.secret,
    token: code,
    period: device.period,
    epoch,
    epochTolerance: device.tolerance * device.period,
  });
  if (!result.valid) {
    const failures = device.failures + 1;
    const widen = device.kind === 'card' && device.tolerance === TOLERANCE_NORMALE && failures >= ECHECS_AVANT_ELARGISSEMENT;
    await db('totp_devices').where({ id: device.id }).update({ failures, ...(widen ? { tolerance: TOLERANCE_ELARGIE } : {}) });
    return { ok: false, reason: 'invalid' };
  }
  const timeStep = (result as { timeStep: number }).timeStep;
  // Time steps are counted on the device's own clock (drift included) so the replay check stays consistent.
  const wasWidened = device.tolerance > TOLERANCE_NORMALE;
  const updated = await db('totp_devices')
    .where({ id: device.id })
    .andWhere((q) => q.whereNull('last_time_step').orWhere('last_time_step', '<', timeStep))
    .update({
      last_time_step: timeStep,
      failures: 0,
      tolerance: TOLERANCE_NORMALE,
      drift: wasWidened ? device.drift + result.delta : device.drift,
    });
  if (updated === 0) return { ok: false, reason: 'replayed' };
  return { ok: true, device };
}

/** Tries the code on each confirmed device of the account (a card and/or an app). */
export async function verifyAccountCode(db: Db, aidantId: number, code: string, nowMs = Date.now()): Promise<TotpCheck> {
  const devices = await TotpDevice.query(db).where({ aidant_id: aidantId, confirmed: true }).orderBy('id');
  if (!devices.length) return { ok: false, reason: 'no_device' };
  let last: TotpCheck = { ok: false, reason: 'invalid' };
  for (const device of devices) {
    last = await verifyOnDevice(db, device, code, nowMs);
    if (last.ok) return last;
  }
  return last;
}
