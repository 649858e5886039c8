// Process entry of the development Twilio fake started by `npm start` (TWILIO_FAKE_PORT).
import { startTwilioFake } from './fakes/twilio-fake.ts';
import { FAKE_TWILIO_ACCOUNT_SID, FAKE_TWILIO_AUTH_TOKEN } from '../activities/ports/sms.ts';

const fake = await startTwilioFake({ port: Number(process.env.TWILIO_FAKE_PORT ?? 1090), accountSid: FAKE_TWILIO_ACCOUNT_SID, authToken: FAKE_TWILIO_AUTH_TOKEN });
console.log(`SMS : faux Twilio sur ${fake.baseUrl} (SMS envoyés : ${fake.baseUrl}/)`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
