// The outbox: every email and SMS is a row keyed by an idempotency key, written once (in the transaction of
// what it reports), and delivered only by the worker — never inside a web request.
//
// The pattern, for any code that sends a message:
//   - write `enqueueEmail(trx, { idempotencyKey, to, subject, text: '… {{lien}} …', secrets: { lien } })`
//     (or `enqueueSms`) in the same transaction as the rest; the key makes a retry write nothing more;
//   - a secret (link token, code) NEVER goes in the text: write a `{{name}}` placeholder and pass the value in
//     `secrets`: it is sealed with SECRETS_KEYS (db/secrets.ts), filled in at send time, and wiped once sent;
//     give `expiresAt` (the secret's own expiry): a message not sent by then is dropped with its secret;
//   - the worker's relay (workers/outbox-relay.ts, delivering with activities/outbox.ts) sends pending rows as soon as they commit (LISTEN/NOTIFY,
//     plus a sweep); activities may call `sendEmailOnce`, which enqueues then delivers that row at once;
//   - sent (and dropped) bodies are purged after OUTBOX_RETENTION_DAYS days (default 30).
// A message is sent at least once and, unless a worker dies between the provider's answer and the commit (or
// PostgreSQL stays away longer than the row's claim, activities/outbox.ts), exactly once; the stable Message-ID
// lets a receiving system drop such a duplicate.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import { seal } from '../secrets.ts';

export type Conn = Db | Knex.Transaction;

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

export interface OutboxRow {
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

export const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

function checkPlaceholders(texts: (string | null | undefined)[], secrets: Record<string, string> | undefined): void {
  for (const text of texts) {
    for (const [, name] of (text ?? '').matchAll(PLACEHOLDER)) {
      if (!secrets || !Object.hasOwn(secrets, name)) throw new Error(`outbox : {{${name}}} sans valeur dans secrets`);
    }
  }
}

export function fill(text: string, secrets: Record<string, string>): string {
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
 * Claims a pending row for `claimMs` (a short update, committed at once) unless another sender holds it or,
 * without `ignoreBackoff`, its next attempt is not due; counts the attempt. Null when nothing was claimed.
 */
export async function claimOutboxRow(db: Db, idempotencyKey: string, opts: { claimMs: number; ignoreBackoff?: boolean }): Promise<OutboxRow | undefined> {
  const [row]: OutboxRow[] = await db('outbox')
    .where({ idempotency_key: idempotencyKey, status: 'pending' })
    .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', db.fn.now()))
    .modify((q) => {
      if (!opts.ignoreBackoff) q.andWhere('next_attempt_at', '<=', db.fn.now());
    })
    .update({ claimed_until: db.raw('now() + make_interval(secs => ?)', [opts.claimMs / 1000]), attempts: db.raw('attempts + 1') })
    .returning(['id', 'idempotency_key', 'channel', 'recipient', 'subject', 'body', 'html', 'secrets', 'attempts', 'status', 'expires_at']);
  return row;
}

export async function outboxStatus(db: Db, idempotencyKey: string): Promise<string | undefined> {
  return (await db('outbox').where({ idempotency_key: idempotencyKey }).first('status'))?.status;
}

export async function markOutboxExpired(db: Db, id: number): Promise<void> {
  await db('outbox').where({ id }).update({ status: 'expired', ...wipe, last_error: 'expiré avant envoi' });
}

/** Sent: the secrets are wiped at once (README « Sécurité »). */
export async function markOutboxSent(db: Db, id: number, providerId: string): Promise<void> {
  await db('outbox').where({ id }).update({ status: 'sent', sent_at: db.fn.now(), provider_id: providerId, last_error: null, ...wipe });
}

export async function markOutboxAttemptFailed(db: Db, id: number, f: { error: string; nextAttemptAt: Date; gaveUp: boolean }): Promise<void> {
  await db('outbox').where({ id }).update({
    last_error: f.error.slice(0, 500),
    next_attempt_at: f.nextAttemptAt,
    ...(f.gaveUp ? { status: 'failed', ...wipe } : { claimed_until: null }),
  });
}

/** Keys of the rows due now, oldest first. */
export async function dueOutboxKeys(db: Db, batch: number): Promise<string[]> {
  return db('outbox')
    .where({ status: 'pending' })
    .andWhere('next_attempt_at', '<=', db.fn.now())
    .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', db.fn.now()))
    .orderBy('id')
    .limit(batch)
    .pluck('idempotency_key');
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
