// A local fake of Twilio's Messages API for development and tests: the official twilio client reaches it
// through its `httpClient` option. It checks Basic auth like Twilio, answers like Twilio, keeps the SMS in
// memory and lists them on a page (and as JSON under /api/sms).
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../web/html.ts';
import { waitable } from './waiters.ts';

export interface SentSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  date: string;
}

export interface TwilioFake {
  port: number;
  baseUrl: string;
  messages(): SentSms[];
  waitFor(predicate: (sms: SentSms) => boolean, timeoutMs?: number): Promise<SentSms>;
  /** Makes the next N sends fail with a Twilio error (to test failure paths). */
  failNext(count: number): void;
  stop(): Promise<void>;
}

function page(messages: SentSms[]): string {
  const rows = messages
    .slice()
    .reverse()
    .map((m) => `<tr><td>${escapeHtml(new Date(m.date).toLocaleString('fr-FR'))}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.body)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>SMS envoyés — Aidants Connect (développement)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{border:1px solid #ccc;padding:.4rem;text-align:left}table{border-collapse:collapse}</style></head>
<body><main><h1>SMS envoyés (${messages.length})</h1><p>Faux Twilio local : aucun SMS ne quitte cette machine.</p>
<table><thead><tr><th scope="col">Date</th><th scope="col">Destinataire</th><th scope="col">Expéditeur</th><th scope="col">Texte</th></tr></thead><tbody>${rows}</tbody></table></main></body></html>`;
}

export async function startTwilioFake(opts: { port?: number; accountSid: string; authToken: string }): Promise<TwilioFake> {
  const messages = waitable<SentSms>('SMS');
  let failures = 0;
  const expectedAuth = 'Basic ' + Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64');

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const send = url.pathname.match(/^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/);
    if (send && req.method === 'POST') {
      if (req.headers.authorization !== expectedAuth || send[1] !== opts.accountSid) {
        return json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      }
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        const to = form.get('To') ?? '';
        if (!/^\+[1-9][0-9]{6,14}$/.test(to)) {
          return json(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
        }
        if (failures > 0) {
          failures--;
          return json(500, { code: 20500, message: 'Internal Server Error', status: 500 });
        }
        const sms: SentSms = { sid: 'SM' + randomBytes(16).toString('hex'), accountSid: send[1], to, from: form.get('From') ?? '', body: form.get('Body') ?? '', date: new Date().toISOString() };
        messages.push(sms);
        json(201, { sid: sms.sid, account_sid: sms.accountSid, to: sms.to, from: sms.from, body: sms.body, status: 'queued', date_created: new Date(sms.date).toUTCString(), num_segments: '1', direction: 'outbound-api', api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${sms.accountSid}/Messages/${sms.sid}.json` });
      });
      return;
    }
    if (url.pathname === '/api/sms') return json(200, messages.all());
    if (url.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(messages.all()));
    json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    messages: messages.all,
    waitFor: messages.waitFor,
    failNext(count) {
      failures = count;
    },
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
