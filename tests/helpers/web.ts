// Starting the Express app on an ephemeral port for a test, and a small HTTP client that keeps cookies and
// reads CSRF tokens from forms like a browser would.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppDeps } from '../../api/app.ts';
import type { Mailer } from '../../activities/ports/mailer.ts';
import type { SmsSender } from '../../activities/ports/sms.ts';
import { startOutboxRelay } from '../../workers/outbox-relay.ts';

export interface RunningApp {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * The web app on an ephemeral port. Given a mailer and/or an SMS port, the worker's outbox relay runs beside
 * it (the app itself never sends): tests read what it delivers from the fakes.
 */
export async function startApp(
  { port = 0, ...deps }: Omit<AppDeps, 'sessionSecret'> & Partial<Pick<AppDeps, 'sessionSecret'>> & { mailer?: Mailer; sms?: SmsSender; port?: number },
): Promise<RunningApp> {
  const { mailer, sms, ...appDeps } = deps;
  const app = createApp({ sessionSecret: 'test-session-secret-that-is-long-enough', ...appDeps });
  const relay = mailer || sms ? startOutboxRelay({ db: deps.db, ports: { mailer, sms }, sweepMs: 500 }) : null;
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await relay?.stop();
    },
  };
}

export class HttpClient {
  private readonly base: string;
  private cookies = new Map<string, string>();

  constructor(base: string) {
    this.base = base;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }

  get(path: string): Promise<Response> {
    return this.request(path, { headers: { accept: 'text/html' } });
  }

  /** Posts a form; `_csrf` is added from the last token seen unless given. */
  postForm(path: string, fields: Record<string, string | string[]>, csrf?: string): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) body.append(k, item);
    if (csrf !== undefined && !('_csrf' in fields)) body.set('_csrf', csrf);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
  }
}

export function csrfFrom(htmlText: string): string {
  const m = htmlText.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}
