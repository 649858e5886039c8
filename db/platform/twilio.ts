// Twilio settings shared by the worker (which sends SMS) and the web process (which verifies Twilio's signed
// webhooks with the same auth token); in development they name the local fake (scripts/fakes/twilio-fake.ts).
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

/** Where Twilio posts incoming SMS (the "A message comes in" webhook of the number): PUBLIC_URL + this path. */
export const CHEMIN_WEBHOOK_SMS = '/sms/reponse';
