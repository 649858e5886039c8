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

class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: string;
  constructor(base: string) {
    super();
    this.base = base.replace(/\/$/, '');
  }
  request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    const redirected = { ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, this.base) };
    return super.request<TData>(redirected as Parameters<twilio.RequestClient['request']>[0] as never);
  }
}

export function createTwilioSms(config: TwilioConfig): SmsSender {
  const client = twilio(config.accountSid, config.authToken, {
    httpClient: config.apiBase ? new RedirectingRequestClient(config.apiBase) : undefined,
    autoRetry: false,
  });
  return {
    async send({ to, body }) {
      const message = await client.messages.create({ to, from: config.from, body });
      return { sid: message.sid };
    },
  };
}
