// The SMS port: the official twilio client. In development and tests it talks to a local fake of Twilio's
// HTTP API (TWILIO_API_BASE), reached through the client's `httpClient` option; real Twilio by env.
import twilio from 'twilio';

export interface SmsMessage {
  to: string;
  body: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<{ sid: string }>;
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from: string;
  /** e.g. http://127.0.0.1:1090 — replaces https://api.twilio.com for the local fake. */
  apiBase?: string;
}

export const FAKE_TWILIO_ACCOUNT_SID = 'AC' + '0'.repeat(32);
export const FAKE_TWILIO_AUTH_TOKEN = 'fake-twilio-auth-token';

export function twilioConfigFromEnv(env = process.env): TwilioConfig {
  return {
    accountSid: env.TWILIO_ACCOUNT_SID ?? FAKE_TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN ?? FAKE_TWILIO_AUTH_TOKEN,
    from: env.TWILIO_FROM ?? 'AidantsCo',
    apiBase: env.TWILIO_API_BASE ?? (env.TWILIO_ACCOUNT_SID ? undefined : 'http://127.0.0.1:1090'),
  };
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

/** Where Twilio posts incoming SMS (the "A message comes in" webhook of the number): PUBLIC_URL + this path. */
export const CHEMIN_WEBHOOK_SMS = '/sms/reponse';

/** Checks a Twilio webhook's X-Twilio-Signature. */
export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  return typeof signature === 'string' && twilio.validateRequest(authToken, signature, url, params);
}
