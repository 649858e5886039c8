// The SMS port: the official twilio client. In development and tests it talks to a local fake of Twilio's
// HTTP API (TWILIO_API_BASE), reached through the client's `httpClient` option; real Twilio by env.
import twilio from 'twilio';
import type { TwilioConfig } from '../../db/platform/twilio.ts';

export interface SmsMessage {
  to: string;
  body: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<{ sid: string }>;
}

/**
 * Twilio asked to wait (429 « Too Many Requests », or 503, with a Retry-After header): the delay it gave, so
 * that the retry honours it (activities/outbox.ts) instead of the usual backoff. The twilio client's own
 * error (RestException) does not carry the response's headers: the request client below reads them.
 */
export class SmsAttendre extends Error {
  readonly retryAfterMs: number;
  readonly status: number;
  constructor(status: number, retryAfterMs: number) {
    super(`Twilio : ${status}, nouvel essai demandé dans ${Math.round(retryAfterMs / 1000)} s (Retry-After)`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. Capped at an hour. */
export function delaiRetryAfter(valeur: unknown, maintenant = Date.now()): number | null {
  if (typeof valeur !== 'string' || !valeur.trim()) return null;
  const ms = /^\d+$/.test(valeur.trim()) ? Number(valeur.trim()) * 1000 : Date.parse(valeur) - maintenant;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 3600_000) : null;
}

/** The official request client, pointed at `base` when given (the local fake), reading Retry-After. */
class RequestClientAvecRetryAfter extends twilio.RequestClient {
  private readonly base: string | null;
  constructor(base?: string) {
    super();
    this.base = base ? base.replace(/\/$/, '') : null;
  }
  async request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    const redirected = this.base ? { ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, this.base) } : opts;
    const response = await super.request<TData>(redirected as Parameters<twilio.RequestClient['request']>[0] as never);
    if (response.statusCode === 429 || response.statusCode === 503) {
      const headers = (response.headers ?? {}) as Record<string, unknown>;
      const delai = delaiRetryAfter(headers['retry-after'] ?? headers['Retry-After']);
      if (delai !== null) throw new SmsAttendre(response.statusCode, delai);
    }
    return response;
  }
}

export function createTwilioSms(config: TwilioConfig): SmsSender {
  const client = twilio(config.accountSid, config.authToken, {
    httpClient: new RequestClientAvecRetryAfter(config.apiBase),
    autoRetry: false,
  });
  return {
    async send({ to, body }) {
      const message = await client.messages.create({ to, from: config.from, body });
      return { sid: message.sid };
    },
  };
}
