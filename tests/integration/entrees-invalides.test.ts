// The one rule of api/entrees.ts on the real app: a NUL character, a lone surrogate or bytes that are not
// UTF-8 — in a path, a query, a form, a JSON or a multipart body — are answered 400 before any route runs,
// as a French page, a JSON/OIDC error or the webhook's plain text, and write nothing. Each case of the
// outside review of issue 19 (20 server errors, all from `%00`) is here: /authorize/ (login_hint, ui_locales,
// claims_locales, display), /logout/ (client_id, state), /token/ (client_id), /usagers?recherche= and the
// signed SMS webhook (503 before).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { messageSid, startAppComplete, type AppComplete } from '../helpers/app-complete.ts';
import { FC } from '../../scripts/fixtures/fournisseur-identite.ts';
import { CHEMIN_WEBHOOK_SMS } from '../../db/platform/twilio.ts';
import { octetsInvalides, pourcentInvalide, texteInvalide, valeurInvalide } from '../../api/entrees.ts';

let app: AppComplete;

beforeAll(async () => {
  app = await startAppComplete();
});
afterAll(async () => {
  await app?.stop();
});

const AUTHORIZE = `/authorize/?client_id=${FC.clientId}&redirect_uri=${encodeURIComponent(FC.callback)}&response_type=code&scope=openid&state=${'a'.repeat(64)}&nonce=${'b'.repeat(64)}&acr_values=eidas1&prompt=login`;

/** Sends a request, returns status, type and text, and the rows written meanwhile (all tables). */
async function envoyer(path: string, init: RequestInit & { session?: keyof AppComplete['sessions'] } = {}) {
  const avant = await app.ecritures();
  const headers = new Headers(init.headers);
  if (init.session) headers.set('cookie', app.sessions[init.session].cookie());
  if (!headers.has('accept')) headers.set('accept', 'text/html');
  const res = await fetch(app.url + path, { ...init, headers, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, ecritures: (await app.ecritures()) - avant };
}

function attendRefus(r: Awaited<ReturnType<typeof envoyer>>, forme: 'page' | 'json' | 'texte', ecritures = 0) {
  expect(r.status).toBe(400);
  expect(r.ecritures).toBe(ecritures);
  if (forme === 'page') {
    expect(r.type).toMatch(/^text\/html/);
    expect(r.text).toContain('<h1>Requête invalide</h1>');
    expect(r.text).toContain('href="/"');
  } else if (forme === 'json') {
    expect(JSON.parse(r.text)).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('caractère nul') });
  } else {
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.text).toBe('Requête invalide.');
  }
}

describe('the rule itself', () => {
  test('NUL, lone surrogates, non-UTF-8 bytes and percent-encodings are refused; any valid Unicode passes', () => {
    expect(texteInvalide('Hélène 😀 « ok »')).toBeNull();
    expect(texteInvalide('a\u0000b')).toBe('caractere-nul');
    expect(texteInvalide('a\ud800b')).toBe('unicode-invalide');
    expect(texteInvalide('\udc00')).toBe('unicode-invalide');
    expect(octetsInvalides(Buffer.from('café', 'utf8'))).toBeNull();
    expect(octetsInvalides(Buffer.from('café', 'latin1'))).toBe('encodage-invalide');
    expect(octetsInvalides(Buffer.from([0x61, 0x00]))).toBe('caractere-nul');
    expect(octetsInvalides(Buffer.from([0xed, 0xa0, 0x80]))).toBe('encodage-invalide'); // U+D800 encoded (CESU-8)
    expect(octetsInvalides(Buffer.from([0xc0, 0x80]))).toBe('encodage-invalide'); // overlong NUL
    expect(pourcentInvalide('q=H%C3%A9l%C3%A8ne%20%F0%9F%98%80&x=100%&y=%zz')).toBeNull();
    expect(pourcentInvalide('q=%00')).toBe('caractere-nul');
    expect(pourcentInvalide('q=%ED%A0%80')).toBe('encodage-invalide');
    expect(pourcentInvalide('q=%E9t%E9')).toBe('encodage-invalide');
    expect(pourcentInvalide('q=%C0%80')).toBe('encodage-invalide');
    expect(valeurInvalide({ a: ['ok', { b: 'x\u0000' }] })).toBe('caractere-nul');
    expect(valeurInvalide({ ['k\ud800']: 'v' })).toBe('unicode-invalide');
    expect(valeurInvalide({ a: ['ok', 1, null, true] })).toBeNull();
  });
});

describe('every case of the outside review answers 400 and writes nothing', () => {
  test.each(['login_hint', 'ui_locales', 'claims_locales', 'display'])('/authorize/ with %%00 in %s: French page', async (param) => {
    attendRefus(await envoyer(`${AUTHORIZE}&${param}=%00`), 'page');
  });

  test('/authorize/ itself still works (the same request without the NUL goes to the interaction)', async () => {
    const r = await envoyer(AUTHORIZE);
    expect(r.status).toBe(303);
  });

  test.each([
    [`/logout/?client_id=%00&state=x`],
    [`/logout/?client_id=${FC.clientId}&state=%00`],
    [`/logout/?client_id=${FC.clientId}&post_logout_redirect_uri=${encodeURIComponent(FC.postLogout)}&state=%ED%A0%80`],
  ])('%s: French page', async (path) => {
    attendRefus(await envoyer(path), 'page');
  });

  test('/token/ with %00 in client_id (form body) or a lone surrogate (query): OIDC JSON error', async () => {
    const corps = `grant_type=authorization_code&code=abc&redirect_uri=${encodeURIComponent(FC.callback)}&client_id=%00&client_secret=x`;
    attendRefus(await envoyer('/token/', { method: 'POST', body: corps, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'json');
    attendRefus(await envoyer('/token/?x=%ED%B0%80', { method: 'POST', body: 'grant_type=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'json');
    // Without the NUL, the provider answers itself (a wrong client: 401 invalid_client), as before.
    const sain = await envoyer('/token/', { method: 'POST', body: corps.replace('%00', 'inconnu'), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
    expect(sain.status).toBe(401);
    expect(JSON.parse(sain.text).error).toBe('invalid_client');
  });

  test('/userinfo/ with a NUL in its bearer query: OIDC JSON error', async () => {
    attendRefus(await envoyer('/userinfo/?access_token=%00', { headers: { accept: 'application/json' } }), 'json');
  });

  test('/usagers?recherche=%00 (and invalid UTF-8), while valid accents and emoji search as usual', async () => {
    attendRefus(await envoyer('/usagers?recherche=%00', { session: 'aidant' }), 'page');
    attendRefus(await envoyer('/usagers?recherche=%E9', { session: 'aidant' }), 'page');
    attendRefus(await envoyer('/usagers?recherche=%F0%9F%98', { session: 'aidant' }), 'page');
    const ok = await envoyer(`/usagers?recherche=${encodeURIComponent('Hélène 😀')}`, { session: 'aidant' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Mes usagers');
  });

  test('the static files of the DSFR (served before the entrance): a NUL or bad UTF-8 is a 4xx too', async () => {
    for (const path of ['/dsfr/%00', '/dsfr/dsfr.min.css%00', '/dsfr/%ED%A0%80.css', '/dsfr/%E9']) {
      const r = await envoyer(path);
      expect([path, r.status >= 400 && r.status < 500]).toEqual([path, true]);
    }
  });

  test('a NUL in a path segment', async () => {
    attendRefus(await envoyer('/usagers/%00', { session: 'aidant' }), 'page');
    attendRefus(await envoyer(`/interaction/${app.ids.interaction}%00`, { session: 'aidant' }), 'page');
  });

  test('the signed SMS webhook (503 before): 400 in plain text, nothing stored', async () => {
    const params = { MessageSid: messageSid(), From: '+33680000099', To: 'AidantsCo', Body: 'OUI\u0000' };
    const r = await envoyer(CHEMIN_WEBHOOK_SMS, {
      method: 'POST',
      body: new URLSearchParams(params),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': app.signatureTwilio(params) },
    });
    attendRefus(r, 'texte');
    // The same call without the NUL goes through (an unknown number: empty TwiML) and is remembered.
    const sain = { ...params, MessageSid: messageSid(), Body: 'OUI' };
    const ok = await envoyer(CHEMIN_WEBHOOK_SMS, {
      method: 'POST',
      body: new URLSearchParams(sain),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': app.signatureTwilio(sain) },
    });
    expect(ok.status).toBe(200);
    expect(Number((await app.t.db('twilio_inbound_sids').count({ n: '*' }).first())!.n)).toBe(1);
  });
});

describe('bodies: forms, JSON and multipart, whatever the route', () => {
  const form = (session: keyof AppComplete['sessions'], path: string, corps: string | Buffer, accept = 'text/html') =>
    envoyer(path, { session, method: 'POST', body: corps as BodyInit, headers: { 'content-type': 'application/x-www-form-urlencoded', accept } });

  test('a form with %00, an encoded surrogate, or raw Latin-1 bytes: the page, before the CSRF check', async () => {
    const csrf = encodeURIComponent(app.sessions.aidant.csrf);
    attendRefus(await form('aidant', '/mandats/nouveau', `_csrf=${csrf}&demarches=famille&duree=SHORT&modalite=%00`), 'page');
    attendRefus(await form('aidant', '/mandats/nouveau', `_csrf=${csrf}&telephone=%ED%A0%BD%ED%B8%80`), 'page');
    attendRefus(await form('aidant', '/mandats/nouveau', Buffer.concat([Buffer.from(`_csrf=${csrf}&telephone=`), Buffer.from('café', 'latin1')])), 'page');
    attendRefus(await form('anonyme', '/connexion', `_csrf=${encodeURIComponent(app.sessions.anonyme.csrf)}&email=a%00@b.fr&code=123456`), 'page');
    // A client asking for JSON gets JSON.
    attendRefus(await form('aidant', '/mandats/nouveau', `_csrf=${csrf}&modalite=%00`, 'application/json'), 'json');
  });

  test('JSON escapes \\u0000 and lone \\ud800 are refused too', async () => {
    for (const corps of ['{"_csrf":"x","email":"a\\u0000"}', '{"email":"\\ud800"}', '{"a":[{"b":["\\udfff"]}]}']) {
      attendRefus(await envoyer('/connexion', { session: 'anonyme', method: 'POST', body: corps, headers: { 'content-type': 'application/json', accept: 'application/json' } }), 'json');
    }
  });

  test('multipart fields (the staff’s PIX import) against the same rule', async () => {
    const fd = new FormData();
    fd.set('_csrf', app.sessions.staff.csrf);
    fd.set('note', 'a\u0000b');
    fd.set('csv', new Blob(['email\n']), 'pix.csv');
    // Multipart bodies are read after the session is loaded (api/uploads.ts): the session's row may be saved (its
    // expiry rolls, at most once a minute: api/session-store.ts), nothing else.
    const avant = await app.ecritures();
    const r = await envoyer('/staff/habilitations/import-pix', { session: 'staff', method: 'POST', body: fd });
    expect(r.ecritures).toBeLessThanOrEqual(1);
    attendRefus(r, 'page', r.ecritures);
    expect(await app.tablesEcrites(avant)).toEqual([]);
  });
});
