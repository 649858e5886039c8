// Emails and SMS to send, each keyed by an idempotency key so a retried activity never sends twice.
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
  status!: 'pending' | 'sent' | 'failed';
  attempts!: number;
  provider_id!: string | null;
  last_error!: string | null;
  created_at!: Date;
  sent_at!: Date | null;
}
