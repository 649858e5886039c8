// The outbox: every email and SMS is a row keyed by an idempotency key, written once (in the transaction of
// what it reports), and delivered only by the worker — never inside a web request.
//
// The pattern, for any code that sends a message:
//   - write `enqueueEmail(trx, { idempotencyKey, to, subject, text: '… {{lien}} …', secrets: { lien } })`
//     (or `enqueueSms`) in the same transaction as the rest; the key makes a retry write nothing more;
//   - a secret (link token, code) NEVER goes in the text: write a `{{name}}` placeholder and pass the value in
//     `secrets`: it is sealed with SECRETS_KEYS (db/secrets.ts), filled in at send time, and wiped once sent;
//     give `expiresAt` (the secret's own expiry): a message not sent by then is dropped with its secret;
//   - the worker's relay (workers/outbox-relay.ts) sends pending rows as soon as they commit (LISTEN/NOTIFY,
//     plus a sweep); activities may call `sendEmailOnce`, which enqueues then delivers that row at once;
//   - sent (and dropped) bodies are purged after OUTBOX_RETENTION_DAYS days (default 30).
// A message is sent at least once and, unless a worker dies between the provider's answer and the commit,
// exactly once; the stable Message-ID lets a receiving system drop such a duplicate.
import type { Knex } from 'knex';
import type { Db } from '../db/connection.ts';
import { seal, unseal } from '../db/secrets.ts';
import type { Mailer } from './ports/mailer.ts';
import type { SmsSender } from './ports/sms.ts';

type Conn = Db | Knex.Transaction;

export interface EmailToSend {
  idempotencyKey: string;
  to: string;
  subject: string;
  /** May hold `{{name}}` placeholders for `secrets`. */
  text: string;
  html?: string;
  secrets?: Record<string, string>;
  /** Not sent after this (a link that has expired is not worth sending). */
  expiresAt?: Date;
}

export interface SmsToSend {
  idempotencyKey: string;
  to: string;
  body: string;
  secrets?: Record<string, string>;
  expiresAt?: Date;
}

export interface DeliveryPorts {
  mailer?: Mailer;
  sms?: SmsSender;
}

export type DeliveryStatus = 'sent' | 'already_sent' | 'in_progress' | 'expired' | 'failed' | 'retry_later';
export type SendResult = { status: 'sent'; already: boolean };

interface OutboxRow {
  id: number;
  idempotency_key: string;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body: string;
  html: string | null;
  secrets: string | null;
  attempts: number;
  status: string;
  expires_at: Date | null;
}

/** Attempts before a message is given up (the relay's backoff reaches about a day). */
export const MAX_ATTEMPTS = 12;
/** How long a claimed row is reserved for its sender; a worker that dies frees it after this. */
export const CLAIM_MS = 2 * 60_000;
export const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

function checkPlaceholders(texts: (string | null | undefined)[], secrets: Record<string, string> | undefined): void {
  for (const text of texts) {
    for (const [, name] of (text ?? '').matchAll(PLACEHOLDER)) {
      if (!secrets || !Object.hasOwn(secrets, name)) throw new Error(`outbox : {{${name}}} sans valeur dans secrets`);
    }
  }
}

function fill(text: string, secrets: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (all, name: string) => (Object.hasOwn(secrets, name) ? secrets[name] : all));
}

async function enqueue(db: Conn, row: Omit<OutboxRow, 'id' | 'attempts' | 'status' | 'secrets'> & { secrets?: Record<string, string> }): Promise<void> {
  checkPlaceholders([row.subject, row.body, row.html], row.secrets);
  await db('outbox')
    .insert({
      idempotency_key: row.idempotency_key,
      channel: row.channel,
      recipient: row.recipient,
      subject: row.subject,
      body: row.body,
      html: row.html,
      secrets: row.secrets && Object.keys(row.secrets).length ? seal('outbox.secrets', JSON.stringify(row.secrets)) : null,
      expires_at: row.expires_at,
    })
    .onConflict('idempotency_key')
    .ignore();
}

/** Writes the email once (use the caller's transaction); the worker sends it. */
export function enqueueEmail(db: Conn, email: EmailToSend): Promise<void> {
  return enqueue(db, {
    idempotency_key: email.idempotencyKey, channel: 'email', recipient: email.to, subject: email.subject, body: email.text,
    html: email.html ?? null, secrets: email.secrets, expires_at: email.expiresAt ?? null,
  });
}

export function enqueueSms(db: Conn, message: SmsToSend): Promise<void> {
  return enqueue(db, {
    idempotency_key: message.idempotencyKey, channel: 'sms', recipient: message.to, subject: null, body: message.body,
    html: null, secrets: message.secrets, expires_at: message.expiresAt ?? null,
  });
}

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
