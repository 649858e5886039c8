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
// A message is sent at least once and, unless a worker dies between the provider's answer and the commit,
// exactly once; the stable Message-ID lets a receiving system drop such a duplicate.
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

