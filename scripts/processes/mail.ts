// Process entry of the development mail catcher started by `npm start` (SMTP_CATCHER_PORT, MAIL_UI_PORT).
import { startMailCatcher } from '../fakes/mail-catcher.ts';

const catcher = await startMailCatcher({
  smtpPort: Number(process.env.SMTP_CATCHER_PORT ?? 1025),
  httpPort: Number(process.env.MAIL_UI_PORT ?? 1080),
});
console.log(`courriels : SMTP sur 127.0.0.1:${catcher.smtpPort}, boîte de réception sur http://127.0.0.1:${catcher.httpPort}`);
const stop = () => void catcher.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
