// Reading sent SMS in tests: the local Twilio fake and an SMS port (the real twilio client) pointed at it.
import { startTwilioFake, type TwilioFake } from '../../scripts/fakes/twilio-fake.ts';
import { createTwilioSms, type SmsSender } from '../../activities/ports/sms.ts';
import { FAKE_TWILIO_ACCOUNT_SID, FAKE_TWILIO_AUTH_TOKEN } from '../../db/platform/twilio.ts';

export type { TwilioFake, SentSms } from '../../scripts/fakes/twilio-fake.ts';

export async function startTestSms(): Promise<{ fake: TwilioFake; sms: SmsSender; stop(): Promise<void> }> {
  const fake = await startTwilioFake({ accountSid: FAKE_TWILIO_ACCOUNT_SID, authToken: FAKE_TWILIO_AUTH_TOKEN });
  const sms = createTwilioSms({ accountSid: FAKE_TWILIO_ACCOUNT_SID, authToken: FAKE_TWILIO_AUTH_TOKEN, from: 'AidantsCo', apiBase: fake.baseUrl });
  return { fake, sms, stop: () => fake.stop() };
}
