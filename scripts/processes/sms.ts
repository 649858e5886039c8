// Process entry of the development Twilio fake started by `npm start` (TWILIO_FAKE_PORT). Its replies go to the
// web process on PORT, signed over PUBLIC_URL's webhook address, with the auth token the app checks.
import { startTwilioFake } from '../fakes/twilio-fake.ts';
import { CHEMIN_WEBHOOK_SMS, FAKE_TWILIO_ACCOUNT_SID, FAKE_TWILIO_AUTH_TOKEN } from '../../db/platform/twilio.ts';

const webPort = process.env.PORT ?? '3000';
const fake = await startTwilioFake({
  port: Number(process.env.TWILIO_FAKE_PORT ?? 1090),
  accountSid: FAKE_TWILIO_ACCOUNT_SID,
  authToken: FAKE_TWILIO_AUTH_TOKEN,
  webhook: {
    url: `http://127.0.0.1:${webPort}${CHEMIN_WEBHOOK_SMS}`,
    signedUrl: `${(process.env.PUBLIC_URL ?? `http://127.0.0.1:${webPort}`).replace(/\/+$/, '')}${CHEMIN_WEBHOOK_SMS}`,
  },
});
console.log(`SMS : faux Twilio sur ${fake.baseUrl} (SMS envoyés : ${fake.baseUrl}/)`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
