// Sending emails and SMS through the outbox: the row keyed by the idempotency key is written once, and a
// message whose row is already `sent` is never sent again, however often the activity is retried.
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

export interface SmsToSend {
  idempotencyKey: string;
  to: string;
  body: string;
}

export type SendResult = { status: 'sent'; already: boolean };

interface OutboxRow {
  id: number;
  recipient: string;
  subject: string | null;
  body: string;
  html: string | null;
  attempts: number;
  status: string;
}

/** Writes the row once, then sends it unless already sent; returns the provider's id on success. */
async function deliverOnce(
  db: Db,
  row: { idempotency_key: string; channel: 'email' | 'sms'; recipient: string; subject?: string; body: string; html?: string | null },
  send: (row: OutboxRow) => Promise<string>,
): Promise<SendResult> {
  await db('outbox').insert(row).onConflict('idempotency_key').ignore();
  // The row lock serialises two concurrent attempts for the same key.
  const outcome = await db.transaction(async (trx) => {
    const current: OutboxRow = await trx('outbox').where({ idempotency_key: row.idempotency_key }).forUpdate().first();
    if (current.status === 'sent') return { already: true } as const;
    try {
      const providerId = await send(current);
      await trx('outbox').where({ id: current.id }).update({ status: 'sent', sent_at: trx.fn.now(), provider_id: providerId, attempts: current.attempts + 1 });
      return { already: false } as const;
    } catch (error) {
      // Recorded and committed; the caller then fails and is retried (Temporal does it for activities).
      await trx('outbox').where({ id: current.id }).update({ attempts: current.attempts + 1, last_error: String((error as Error).message).slice(0, 500) });
      return { error: error as Error } as const;
    }
  });
  if ('error' in outcome) throw outcome.error;
  return { status: 'sent', already: outcome.already };
}

export function sendEmailOnce(db: Db, mailer: Mailer, email: EmailToSend): Promise<SendResult> {
  return deliverOnce(
    db,
    { idempotency_key: email.idempotencyKey, channel: 'email', recipient: email.to, subject: email.subject, body: email.text, html: email.html ?? null },
    async (row) =>
      (
        await mailer.send({
          to: row.recipient,
          subject: row.subject ?? '',
          text: row.body,
          html: row.html ?? undefined,
          messageId: `<${encodeURIComponent(email.idempotencyKey)}@aidantsconnect.beta.gouv.fr>`,
        })
      ).messageId,
  );
}

export function sendSmsOnce(db: Db, sms: SmsSender, message: SmsToSend): Promise<SendResult> {
  return deliverOnce(
    db,
    { idempotency_key: message.idempotencyKey, channel: 'sms', recipient: message.to, body: message.body },
    async (row) => (await sms.send({ to: row.recipient, body: row.body })).sid,
  );
}
