// Delivery of the outbox (db/queries/outbox.ts writes it): the worker claims a row, sends it through the mail or
// SMS port with no transaction held, marks it sent and wipes its secrets.
import type { Db } from '../db/connection.ts';
import { unseal } from '../db/secrets.ts';
import {
  claimOutboxRow, dueOutboxKeys, enqueueEmail, enqueueSms, fill, markOutboxAttemptFailed, markOutboxExpired, markOutboxSent, outboxStatus,
  type EmailToSend, type SmsToSend,
} from '../db/queries/outbox.ts';
import type { Mailer } from './ports/mailer.ts';
import { SmsAttendre, type SmsSender } from './ports/sms.ts';
import { ApplicationFailure } from '@temporalio/common';
import { baseIndisponible } from '../db/platform/indisponibilite.ts';

export interface DeliveryPorts {
  mailer?: Mailer;
  sms?: SmsSender;
}

export type DeliveryStatus = 'sent' | 'already_sent' | 'in_progress' | 'expired' | 'failed' | 'retry_later';
export type SendResult = { status: 'sent'; already: boolean };

/** Attempts before a message is given up (the relay's backoff reaches about a day). */
export const MAX_ATTEMPTS = 12;
/**
 * How long a claimed row is reserved for its sender; a worker killed while holding it frees it after this
 * (README « Pannes et reprises »). OUTBOX_CLAIM_MS shortens it (the killed-worker drill uses 10 s); it must stay
 * well above the provider's answer time, or a slow send would be claimed again and sent twice.
 */
export const claimMs = () => Number(process.env.OUTBOX_CLAIM_MS ?? 2 * 60_000);
/** 30 s, 1 min, 2 min… up to 6 h; OUTBOX_RETRY_BASE_MS shortens the first step (the outage drills use 300 ms). */
export const retryDelayMs = (attempts: number) =>
  Math.min(Number(process.env.OUTBOX_RETRY_BASE_MS ?? 30_000) * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);

/**
 * Sends one row if it is still to send and no one else is sending it: the row is claimed (a short update,
 * committed), sent with no transaction or lock held while the provider answers, then marked sent and its
 * secrets wiped. `ignoreBackoff`: an activity's own retry does not wait for the relay's schedule.
 */
export async function deliverRow(db: Db, ports: DeliveryPorts, idempotencyKey: string, opts: { ignoreBackoff?: boolean } = {}): Promise<DeliveryStatus> {
  const claimedAt = Date.now();
  const claim = claimMs();
  const row = await claimOutboxRow(db, idempotencyKey, { claimMs: claim, ignoreBackoff: opts.ignoreBackoff });
  if (!row) {
    const status = await outboxStatus(db, idempotencyKey);
    if (!status) throw new Error(`outbox : aucun message ${idempotencyKey}`);
    return status === 'sent' ? 'already_sent' : status === 'pending' ? 'in_progress' : (status as DeliveryStatus);
  }
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) {
    await markOutboxExpired(db, row.id);
    return 'expired';
  }
  let providerId: string;
  try {
    const secrets = row.secrets ? (JSON.parse(unseal('outbox.secrets', row.secrets)) as Record<string, string>) : {};
    if (row.channel === 'email') {
      if (!ports.mailer) throw new Error('aucun port courriel dans ce processus');
      providerId = (await ports.mailer.send({
        to: row.recipient,
        subject: fill(row.subject ?? '', secrets),
        text: fill(row.body, secrets),
        html: row.html ? fill(row.html, secrets) : undefined,
        messageId: `<${encodeURIComponent(row.idempotency_key)}@aidantsconnect.beta.gouv.fr>`,
      })).messageId;
    } else {
      if (!ports.sms) throw new Error('aucun port SMS dans ce processus');
      providerId = (await ports.sms.send({ to: row.recipient, body: fill(row.body, secrets) })).sid;
    }
  } catch (error) {
    const gaveUp = row.attempts >= MAX_ATTEMPTS;
    // Twilio asked to wait (429/503 with Retry-After): not before that, by the relay or by Temporal.
    const attente = error instanceof SmsAttendre ? error.retryAfterMs : 0;
    await markOutboxAttemptFailed(db, row.id, { error: String((error as Error).message), nextAttemptAt: new Date(Date.now() + Math.max(retryDelayMs(row.attempts), attente)), gaveUp });
    if (opts.ignoreBackoff && attente > 0 && !gaveUp) {
      throw ApplicationFailure.create({ message: (error as Error).message, type: 'SmsAttendre', nextRetryDelay: attente, cause: error as Error });
    }
    if (opts.ignoreBackoff) throw error;
    return gaveUp ? 'failed' : 'retry_later';
  }
  await markSentWhileClaimed(db, row.id, providerId, claimedAt + claim);
  return 'sent';
}

/**
 * Sent, but PostgreSQL may have gone away meanwhile (issue 19's drill, tests/integration/panne-postgresql-charge.test.ts):
 * the row stays ours until its claim ends, so marking it is tried again until shortly before — otherwise the
 * claim would expire and the message leave a second time. Past the claim, the error is thrown (README « Pannes
 * et reprises » says what a longer outage may double).
 */
async function markSentWhileClaimed(db: Db, id: number, providerId: string, claimEndsAt: number): Promise<void> {
  for (;;) {
    try {
      return await markOutboxSent(db, id, providerId);
    } catch (err) {
      if (!baseIndisponible(err) || Date.now() > claimEndsAt - 10_000) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** For activities: write the email once and send it now; a failure throws so that Temporal retries. */
export async function sendEmailOnce(db: Db, mailer: Mailer, email: EmailToSend): Promise<SendResult> {
  await enqueueEmail(db, email);
  const status = await deliverRow(db, { mailer }, email.idempotencyKey, { ignoreBackoff: true });
  return { status: 'sent', already: status !== 'sent' };
}

export async function sendSmsOnce(db: Db, sms: SmsSender, message: SmsToSend): Promise<SendResult> {
  await enqueueSms(db, message);
  const status = await deliverRow(db, { sms }, message.idempotencyKey, { ignoreBackoff: true });
  return { status: 'sent', already: status !== 'sent' };
}

/** One pass of the relay: every row due now, oldest first. Returns how many were handled. */
export async function deliverDue(db: Db, ports: DeliveryPorts, batch = 50): Promise<number> {
  let handled = 0;
  for (;;) {
    const keys = await dueOutboxKeys(db, batch);
    if (!keys.length) return handled;
    for (const key of keys) {
      await deliverRow(db, ports, key);
      handled++;
    }
    if (keys.length < batch) return handled;
  }
}
