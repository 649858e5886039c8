// Emails and SMS to send, each keyed by an idempotency key so a retried activity never sends twice; the
// secrets they carry rest sealed apart from the text (activities/outbox.ts).
import { BaseModel } from './base.ts';

export class OutboxMessage extends BaseModel {
  static tableName = 'outbox';

  id!: number;
  idempotency_key!: string;
  channel!: 'email' | 'sms';
  recipient!: string;
  subject!: string | null;
  body!: string;
  html!: string | null;
  status!: 'pending' | 'sent' | 'failed' | 'expired';
  /** Sealed JSON of the values of the text's {{placeholders}}; null once sent. */
  secrets!: string | null;
  expires_at!: Date | null;
  next_attempt_at!: Date;
  claimed_until!: Date | null;
  purged_at!: Date | null;
  attempts!: number;
  provider_id!: string | null;
  last_error!: string | null;
  created_at!: Date;
  sent_at!: Date | null;
}
