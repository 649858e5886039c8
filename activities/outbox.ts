// Sending an email through the outbox: the row keyed by the idempotency key is written once, and a message
// whose row is already `sent` is never sent again, however often the activity is retried.
import type { Db } from '../db/connection.ts';
import type { Mailer } from './ports/mailer.ts';
import type { SmsSender } from './ports/sms.ts';

export interface EmailToSend {
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export type SendResult = { status: 'sent'; already: boolean };

export async function sendEmailOnce(db: Db, mailer: Mailer, email: EmailToSend): Promise<SendResult> {
  await db('outbox')
    .insert({
      idempotency_key: email.idempotencyKey,
      channel: 'email',
      recipient: email.to,
      subject: email.subject,
      body: email.text,
      html: email.html ?? null,
    })
    .onConflict('idempotency_key')
    .ignore();

  // The row lock serialises two concurrent attempts for the same key.
  const outcome = await db.transaction(async (trx) => {
    const row = await trx('outbox').where({ idempotency_key: email.idempotencyKey }).forUpdate().first();
    if (row.status === 'sent') return { already: true } as const;
    try {
      const { messageId } = await mailer.send({
        to: row.recipient,
        subject: row.subject,
        text: row.body,
        html: row.html ?? undefined,
        messageId: `<${encodeURIComponent(email.idempotencyKey)}@aidantsconnect.beta.gouv.fr>`,
      });
      await trx('outbox').where({ id: row.id }).update({ status: 'sent', sent_at: trx.fn.now(), provider_id: messageId, attempts: row.attempts + 1 });
      return { already: false } as const;
    } catch (error) {
      // Recorded and committed; the activity then fails and Temporal retries it.
      await trx('outbox').where({ id: row.id }).update({ attempts: row.attempts + 1, last_error: String((error as Error).message).slice(0, 500) });
      return { error: error as Error } as const;
    }
  });
  if ('error' in outcome) throw outcome.error;
  return { status: 'sent', already: outcome.already };
}

export interface SmsToSend {
  idempotencyKey: string;
  to: string;
  body: string;
}

/** Same guarantee for SMS: one row per key, never sent twice once marked sent. */
export async function sendSmsOnce(db: Db, sms: SmsSender, message: SmsToSend): Promise<SendResult> {
  await db('outbox')
    .insert({ idempotency_key: message.idempotencyKey, channel: 'sms', recipient: message.to, body: message.body })
    .onConflict('idempotency_key')
    .ignore();
  const outcome = await db.transaction(async (trx) => {
    const row = await trx('outbox').where({ idempotency_key: message.idempotencyKey }).forUpdate().first();
    if (row.status === 'sent') return { already: true } as const;
    try {
      const { sid } = await sms.send({ to: row.recipient, body: row.body });
      await trx('outbox').where({ id: row.id }).update({ status: 'sent', sent_at: trx.fn.now(), provider_id: sid, attempts: row.attempts + 1 });
      return { already: false } as const;
    } catch (error) {
      await trx('outbox').where({ id: row.id }).update({ attempts: row.attempts + 1, last_error: String((error as Error).message).slice(0, 500) });
      return { error: error as Error } as const;
    }
  });
  if ('error' in outcome) throw outcome.error;
  return { status: 'sent', already: outcome.already };
}
