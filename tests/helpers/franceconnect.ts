// The local FranceConnect sandbox in tests: started on a free port with the app registered as a service, and
// driven over plain HTTP (cookies kept, redirects followed by hand) the way a browser would.
import { randomBytes } from 'node:crypto';
import { startFranceConnectFake, type ClientFranceConnectFake, type FranceConnectFake, type FranceConnectFakeOptions } from '../../scripts/fakes/franceconnect-fake.ts';
import { franceConnectUris, urisAEnregistrer, type FranceConnectConfig } from '../../api/franceconnect/config.ts';

export { IDENTITES_TEST_FRANCECONNECT, type IdentiteTestFranceConnect } from '../../scripts/fakes/franceconnect-fake.ts';

export interface TestFranceConnect {
  fake: FranceConnectFake;
  /** The app's FranceConnect configuration matching the fake (give it to createFranceConnectClient). */
  config: FranceConnectConfig;
  client: ClientFranceConnectFake;
  stop(): Promise<void>;
}

/** The sandbox on a free port, with a service registered for the app at `appBaseUrl`. */
export async function startTestFranceConnect(
  appBaseUrl: string,
  options: Omit<FranceConnectFakeOptions, 'clients'> & { clientId?: string; clientSecret?: string } = {},
): Promise<TestFranceConnect> {
  const { clientId = 'aidants-connect-test', clientSecret = randomBytes(32).toString('base64url'), ...fakeOptions } = options;
  const uris = franceConnectUris(appBaseUrl);
  const client: ClientFranceConnectFake = { clientId, clientSecret, ...urisAEnregistrer(uris) };
  const fake = await startFranceConnectFake({ ...fakeOptions, clients: [client] });
  return { fake, client, config: { issuer: fake.issuer, clientId, clientSecret, ...uris }, stop: () => fake.stop() };
}

/** Fetch with a cookie jar honouring cookie paths, never following redirects. */
function cookieFetch() {
  const jar = new Map<string, { value: string; path: string }>();
  return async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const cookies = [...jar].filter(([, c]) => url.pathname.startsWith(c.path)).map(([k, c]) => `${k.split('\n')[0]}=${c.value}`);
    const headers = new Headers(init.headers);
    if (cookies.length) headers.set('cookie', cookies.join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) || '/';
      const expired = attrs.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()) || attrs.some((a) => /^max-age=(0|-)/i.test(a));
      const key = `${name}\n${path}`;
      if (expired) jar.delete(key);
      else jar.set(key, { value: pair.slice(i + 1), path });
    }
    return res;
  };
}

interface Form {
  action: string;
  method: string;
  fields: URLSearchParams;
}

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The forms of a page, with their hidden fields. */
function forms(page: string): Form[] {
  return [...page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attrs, body]) => {
    const attr = (name: string) => decode(attrs.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? '');
    const fields = new URLSearchParams();
    for (const [, input] of body.matchAll(/<input\b([^>]*)>/g)) {
      const name = input.match(/\bname="([^"]*)"/)?.[1];
      if (name !== undefined) fields.append(decode(name), decode(input.match(/\bvalue="([^"]*)"/)?.[1] ?? ''));
    }
    return { action: attr('action'), method: attr('method').toLowerCase() || 'get', fields };
  });
}

/**
 * Follows redirects from `start` until one leaves for `destination` (origin + path), which is returned with
 * its query; on each page reached on the way, `choose` picks the form to submit.
 */
async function follow(start: string, destination: string, choose: (forms: Form[], page: string) => Form): Promise<URL> {
  const target = new URL(destination);
  const send = cookieFetch();
  let url = new URL(start);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === target.origin && url.pathname === target.pathname) return url;
    const res = await send(url, init);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    const page = await res.text();
    if (res.status !== 200) throw new Error(`FranceConnect sandbox answered ${res.status} on ${url.pathname}: ${page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`);
    const form = choose(forms(page), page);
    url = new URL(form.action, url);
    init = form.method === 'post'
      ? { method: 'POST', body: form.fields, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
      : {};
    if (form.method !== 'post') url.search = form.fields.toString();
  }
  throw new Error(`too many redirects before reaching ${destination}`);
}

/**
 * Drives the sandbox from an authorization URL: picks the identity whose login is `identite` (see
 * IDENTITES_TEST_FRANCECONNECT) or cancels, and returns the callback URL FranceConnect sends the browser to
 * (the app's redirect_uri with code/state or error/state), without calling it.
 */
export async function suivreFranceConnect(authorizationUrl: string, identite: string | 'annuler'): Promise<URL> {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('no redirect_uri in the authorization URL');
  return follow(authorizationUrl, redirectUri, (list) => {
    const form = identite === 'annuler'
      ? list.find((f) => f.action.endsWith('/annuler'))
      : list.find((f) => f.fields.get('identifiant') === identite);
    if (!form) {
      const known = list.map((f) => f.fields.get('identifiant')).filter(Boolean).join(', ');
      throw new Error(`identity « ${identite} » is not on the sandbox page (known: ${known})`);
    }
    return form;
  });
}

/** Drives the sandbox's end-session page (submitted by script in a browser) and returns the post-logout URL reached. */
export async function suivreDeconnexionFranceConnect(logoutUrl: string): Promise<URL> {
  const postLogout = new URL(logoutUrl).searchParams.get('post_logout_redirect_uri');
  if (!postLogout) throw new Error('no post_logout_redirect_uri in the logout URL');
  return follow(logoutUrl, postLogout, (list) => {
    const form = list.find((f) => f.method === 'post');
    if (!form) throw new Error('no logout form on the sandbox page');
    return form;
  });
}
