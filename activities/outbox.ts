// Delivery of the outbox (db/queries/outbox.ts writes it): the worker claims a row, sends it through the mail or
// SMS port with no transaction held, marks it sent and wipes its secrets.
import type { Db } from '../db/connection.ts';
import { unseal } from '../db/secrets.ts';
import { enqueueEmail, enqueueSms, fill, type EmailToSend, type OutboxRow, type SmsToSend } from '../db/queries/outbox.ts';
import type { Mailer } from './ports/mailer.ts';
import type { SmsSender } from './ports/sms.ts';

export interface DeliveryPorts {
  mailer?: Mailer;
  sms?: SmsSender;
}

export type DeliveryStatus = 'sent' | 'already_sent' | 'in_progress' | 'expired' | 'failed' | 'retry_later';
export type SendResult = { status: 'sent'; already: boolean };

/** Attempts before a message is given up (the relay's backoff reaches about a day). */
export const MAX_ATTEMPTS = 12;
/** How long a claimed row is reserved for its sender; a worker that dies frees it after this. */
export const CLAIM_MS = 2 * 60_000;
export const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);

const wipe = { secrets: null, claimed_until: null };

/**
 * Sends one row if it is still to send and no one else is sending it: the row is claimed (a short update,
 * committed), sent with no transaction or lock held while the provider answers, then marked sent and its
 * secrets wiped. `ignoreBackoff`: an activity's own retry does not wait for the relay's schedule.
 */
export async function deliverRow(db: Db, ports: DeliveryPorts, idempotencyKey: string, opts: { ignoreBackoff?: boolean } = {}): Promise<DeliveryStatus> {
  const [row]: OutboxRow[] = await db('outbox')
    .where({ idempotency_key: idempotencyKey, status: 'pending' })
    .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', db.fn.now()))
    .modify((q) => {
      if (!opts.ignoreBackoff) q.andWhere('next_attempt_at', '<=', db.fn.now());
    })
    .update({ claimed_until: db.raw(`now() + interval '${CLAIM_MS} milliseconds'`), attempts: db.raw('attempts + 1') })
    .returning(['id', 'idempotency_key', 'channel', 'recipient', 'subject', 'body', 'html', 'secrets', 'attempts', 'status', 'expires_at']);
  if (!row) {
    const current = await db('outbox').where({ idempotency_key: idempotencyKey }).first('status');
    if (!current) throw new Error(`outbox : aucun message ${idempotencyKey}`);
    return current.status === 'sent' ? 'already_sent' : current.status === 'pending' ? 'in_progress' : (current.status as DeliveryStatus);
  }
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) {
    await db('outbox').where({ id: row.id }).update({ status: 'expired', ...wipe, last_error: 'expiré avant envoi' });
    return 'expired';
  }
  try {
    const secrets = row.secrets ? (JSON.parse(unseal('outbox.secrets', row.secrets)) as Record<string, string>) : {};
    let providerId: string;
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
    await db('outbox').where({ id: row.id }).update({ status: 'sent', sent_at: db.fn.now(), provider_id: providerId, last_error: null, ...wipe });
    return 'sent';
  } catch (error) {
    const gaveUp = row.attempts >= MAX_ATTEMPTS;
    await db('outbox').where({ id: row.id }).update({
      last_error: String((error as Error).message).slice(0, 500),
      next_attempt_at: new Date(Date.now() + retryDelayMs(row.attempts)),
      ...(gaveUp ? { status: 'failed', ...wipe } : { claimed_until: null }),
    });
    if (opts.ignoreBackoff) throw error;
    return gaveUp ? 'failed' : 'retry_later';
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
    const keys: string[] = await db('outbox')
      .where({ status: 'pending' })
      .andWhere('next_attempt_at', '<=', db.fn.now())
      .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', db.fn.now()))
      .orderBy('id')
      .limit(batch)
      .pluck('idempotency_key');
    if (!keys.length) return handled;
    for (const key of keys) {
      await deliverRow(db, ports, key);
      handled++;
    }
    if (keys.length < batch) return handled;
  }
}

export const DEFAULT_RETENTION_DAYS = 30;

/** Sent, dropped or failed messages older than the retention: their bodies go, the key stays (idempotency). */
export async function purgeOldBodies(db: Db, retentionDays = Number(process.env.OUTBOX_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS)): Promise<number> {
  return db('outbox')
    .whereNot({ status: 'pending' })
    .whereNull('purged_at')
    .andWhere(db.raw('coalesce(sent_at, created_at)'), '<', db.raw(`now() - make_interval(days => ?)`, [retentionDays]))
    .update({ subject: null, body: '', html: null, secrets: null, purged_at: db.fn.now() });
}
