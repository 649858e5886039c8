// A local SMTP catcher for development and tests: accepts every message on loopback, keeps it in memory,
// and shows it on a small web page (and as JSON under /api/emails).
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { escapeHtml } from '../../web/ui/html.ts';
import { waitable } from './waiters.ts';

export interface CaughtEmail {
  id: number;
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  date: string;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  emails(): CaughtEmail[];
  /** Resolves with the first email (already caught or arriving within the timeout) matching the predicate. */
  waitFor(predicate: (email: CaughtEmail) => boolean, timeoutMs?: number): Promise<CaughtEmail>;
  clear(): void;
  stop(): Promise<void>;
}

function listen(server: { listen: (port: number, host: string, cb: () => void) => unknown; once: (e: string, cb: (err: Error) => void) => unknown }, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** The email's text with its addresses clickable: the links of the service's emails are followed from here. */
export function linkify(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"]+)/)
    .map((part, i) => {
      if (i % 2 === 0) return escapeHtml(part);
      const url = part.replace(/[.,;:!?)»]+$/, '');
      return `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>${escapeHtml(part.slice(url.length))}`;
    })
    .join('');
}

function listPage(emails: CaughtEmail[]): string {
  const rows = emails
    .slice()
    .reverse()
    .map(
      (m) => `<article><h2>${escapeHtml(m.subject)}</h2><p><strong>À :</strong> ${escapeHtml(m.to.join(', '))} — <strong>De :</strong> ${escapeHtml(m.from)} — ${escapeHtml(new Date(m.date).toLocaleString('fr-FR'))}</p><pre>${linkify(m.text)}</pre></article>`,
    )
    .join('<hr>');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Courriels reçus — Aidants Connect (développement)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}</style></head>
<body><main><h1>Courriels reçus (${emails.length})</h1><p>Boîte de réception locale : aucun courriel ne quitte cette machine.</p>${rows || '<p>Aucun courriel pour le moment.</p>'}</main></body></html>`;
}

export async function startMailCatcher(opts: { smtpPort?: number; httpPort?: number } = {}): Promise<MailCatcher> {
  const emails = waitable<CaughtEmail>('email');
  let nextId = 1;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'Aidants Connect mail catcher',
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          const email: CaughtEmail = {
            id: nextId++,
            messageId: parsed.messageId ?? null,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            date: new Date().toISOString(),
          };
          emails.push(email);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  // A client that dies mid-session (a worker killed by the drills, README « Pannes et reprises ») resets its
  // connection: smtp-server reports it as an 'error' event, which would otherwise crash the catcher's process.
  smtp.on('error', () => {});
  await listen(smtp.server as unknown as Parameters<typeof listen>[0], opts.smtpPort ?? 0);
  const smtpAddr = smtp.server.address();
  const smtpPort = typeof smtpAddr === 'object' && smtpAddr ? smtpAddr.port : 0;

  const web: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/emails' && req.method === 'DELETE') {
      emails.clear();
      res.writeHead(204).end();
    } else if (url.pathname === '/api/emails') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(emails.all()));
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(listPage(emails.all()));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    }
  });
  await listen(web, opts.httpPort ?? 0);
  const webAddr = web.address();
  const httpPort = typeof webAddr === 'object' && webAddr ? webAddr.port : 0;

  return {
    smtpPort,
    httpPort,
    emails: emails.all,
    waitFor: emails.waitFor,
    clear: emails.clear,
    async stop() {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => web.close(() => r()));
    },
  };
}
