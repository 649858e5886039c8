// A local fake of Twilio's Messages API for development and tests: the official twilio client reaches it
// through its `httpClient` option. It checks Basic auth like Twilio, answers like Twilio, keeps the SMS in
// memory and lists them on a page (and as JSON under /api/sms). It can also "reply" from a number: it calls
// the app's incoming-SMS webhook the way Twilio does (form-encoded, signed with the auth token in
// X-Twilio-Signature over the webhook URL), from the page's form or from tests (`reply`).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { escapeHtml } from '../../web/ui/html.ts';
import { waitable } from './waiters.ts';

export interface SentSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  date: string;
}

export interface SmsReply {
  messageSid: string;
  from: string;
  body: string;
  date: string;
  /** The webhook's HTTP status (0: unreachable). */
  status: number;
}

export interface WebhookTarget {
  /** Where the fake posts. */
  url: string;
  /** The URL it signs (Twilio signs the public URL it calls); default `url`. */
  signedUrl?: string;
}

export interface TwilioFake {
  port: number;
  baseUrl: string;
  messages(): SentSms[];
  /** Replies sent to the webhook, oldest first. */
  replies(): SmsReply[];
  /** Sends an SMS "from" a number to the app's webhook, signed like Twilio; resolves with the webhook's status. */
  reply(opts: { from: string; body: string }): Promise<SmsReply>;
  setWebhook(target: WebhookTarget | null): void;
  waitFor(predicate: (sms: SentSms) => boolean, timeoutMs?: number): Promise<SentSms>;
  /**
   * Makes the next N sends fail with a Twilio error (to test failure paths): 500 by default, or the given
   * status (429 with `retryAfterS`: Twilio's « Too Many Requests » and its Retry-After header). Calls add up,
   * in order. With `to`, only the sends to that number fail: an SMS another test's workflow sends meanwhile
   * (a reminder, an acknowledgement) does not use up the failures meant for this one.
   */
  failNext(count: number, o?: { status?: number; retryAfterS?: number; to?: string }): void;
  stop(): Promise<void>;
}

const STATUTS_REPONSE: Record<string, string> = { 0: 'site injoignable', 200: 'reçue par le site', 403: 'refusée par le site (signature)' };

function page(messages: SentSms[], replies: SmsReply[], webhook: WebhookTarget | null): string {
  const date = (d: string) => escapeHtml(new Date(d).toLocaleString('fr-FR'));
  const rows = messages
    .slice()
    .reverse()
    .map((m) => `<tr><td>${date(m.date)}</td><td>${escapeHtml(m.to)}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.body).replace(/\n/g, '<br>')}</td></tr>`)
    .join('');
  const replyRows = replies
    .slice()
    .reverse()
    .map((r) => `<tr><td>${date(r.date)}</td><td>${escapeHtml(r.from)}</td><td>${escapeHtml(r.body)}</td><td>${escapeHtml(STATUTS_REPONSE[r.status] ?? `code ${r.status}`)}</td></tr>`)
    .join('');
  const dernier = messages.at(-1)?.to ?? '';
  // The answer names the request's code (issue 18, item 1): prefilled from the latest consent SMS to that number.
  const code = messages.filter((m) => m.to === dernier).map((m) => /Répondez « Oui ([0-9]{4}) »/.exec(m.body)?.[1]).filter(Boolean).at(-1);
  const form = webhook
    ? `<form method="post" action="/repondre">
<p><label for="from">Numéro de l’usager (expéditeur de la réponse)</label><br><input id="from" name="from" type="tel" value="${escapeHtml(dernier)}" required></p>
<p><label for="body">Réponse</label><br><input id="body" name="body" value="${code ? `Oui ${code}` : 'Oui'}"></p>
<p><button type="submit">Envoyer la réponse au site</button></p></form>`
    : '<p>Aucun webhook configuré : les réponses sont désactivées.</p>';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>SMS — Aidants Connect (développement)</title><link rel="icon" href="data:,">
<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}table{border-collapse:collapse}input{font:inherit;padding:.3rem}</style></head>
<body><main><h1>SMS envoyés (${messages.length})</h1><p>Faux Twilio local : aucun SMS ne quitte cette machine.</p>
<table><thead><tr><th scope="col">Date</th><th scope="col">Destinataire</th><th scope="col">Expéditeur</th><th scope="col">Texte</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Répondre comme l’usager</h2>${form}
<h2>Réponses envoyées (${replies.length})</h2>
<table><thead><tr><th scope="col">Date</th><th scope="col">Numéro</th><th scope="col">Texte</th><th scope="col">Résultat</th></tr></thead><tbody>${replyRows}</tbody></table></main></body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => resolve(new URLSearchParams(raw)));
    req.on('error', reject);
  });
}

export async function startTwilioFake(opts: { port?: number; accountSid: string; authToken: string; webhook?: WebhookTarget | null }): Promise<TwilioFake> {
  const messages = waitable<SentSms>('SMS');
  const replies: SmsReply[] = [];
  let webhook = opts.webhook ?? null;
  const failures: { status: number; retryAfterS?: number; to?: string }[] = [];
  const expectedAuth = 'Basic ' + Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64');

  /** What Twilio posts for an incoming SMS (the fields an app reads), signed over the webhook URL. */
  async function reply({ from, body }: { from: string; body: string }): Promise<SmsReply> {
    if (!webhook) throw new Error('no webhook configured on the Twilio fake');
    const messageSid = 'SM' + randomBytes(16).toString('hex');
    const to = messages.all().filter((m) => m.to === from).at(-1)?.from ?? 'AidantsCo';
    const params: Record<string, string> = {
      ToCountry: 'FR', SmsMessageSid: messageSid, NumMedia: '0', SmsSid: messageSid, SmsStatus: 'received', Body: body,
      FromCountry: 'FR', To: to, NumSegments: '1', MessageSid: messageSid, AccountSid: opts.accountSid, From: from, ApiVersion: '2010-04-01',
    };
    const signature = twilio.getExpectedTwilioSignature(opts.authToken, webhook.signedUrl ?? webhook.url, params);
    let status = 0;
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' },
        body: new URLSearchParams(params),
      });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = 0;
    }
    const r: SmsReply = { messageSid, from, body, date: new Date().toISOString(), status };
    replies.push(r);
    return r;
  }

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
        const i = failures.findIndex((f) => f.to === undefined || f.to === to);
        const echec = i < 0 ? undefined : failures.splice(i, 1)[0];
        if (echec) {
          if (echec.status === 429) {
            res.setHeader('Retry-After', String(echec.retryAfterS ?? 1));
            return json(429, { code: 20429, message: 'Too Many Requests', status: 429 });
          }
          return json(echec.status, { code: 20500, message: 'Internal Server Error', status: echec.status });
        }
        const sms: SentSms = { sid: 'SM' + randomBytes(16).toString('hex'), accountSid: send[1], to, from: form.get('From') ?? '', body: form.get('Body') ?? '', date: new Date().toISOString() };
        messages.push(sms);
        json(201, { sid: sms.sid, account_sid: sms.accountSid, to: sms.to, from: sms.from, body: sms.body, status: 'queued', date_created: new Date(sms.date).toUTCString(), num_segments: '1', direction: 'outbound-api', api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${sms.accountSid}/Messages/${sms.sid}.json` });
      });
      return;
    }
    if (url.pathname === '/repondre' && req.method === 'POST') {
      void readForm(req).then(async (form) => {
        if (webhook) await reply({ from: (form.get('from') ?? '').replace(/\s/g, ''), body: form.get('body') ?? '' });
        res.writeHead(303, { location: '/' }).end();
      });
      return;
    }
    if (url.pathname === '/api/sms') return json(200, messages.all());
    if (url.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(messages.all(), replies, webhook));
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
    replies: () => replies.slice(),
    reply,
    setWebhook(target) {
      webhook = target;
    },
    waitFor: messages.waitFor,
    failNext(count, o = {}) {
      for (let i = 0; i < count; i++) failures.push({ status: o.status ?? 500, retryAfterS: o.retryAfterS, to: o.to });
    },
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
