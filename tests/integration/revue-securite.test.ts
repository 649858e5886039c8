// Issue 18, « Security » list: each item performed as the outside review did it, against the real app
// (PostgreSQL, the identity provider, the web routes). Items that need Temporal (remote consent) live in
// tests/integration/consentement.test.ts; this file holds the others.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { BaseClient } from 'openid-client-5';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import {
  FC, IDENTITES_FC, choisir, clientFranceConnect, creerMandat, creerUsager, demandeFranceConnect, jwtHs256, startOidcApp, suivre, type OidcApp,
} from '../../scripts/fixtures/fournisseur-identite.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: OidcApp;
let fc: BaseClient;
let aidant: HttpClient;
let brest: number;
let angela: { id: number; sub: string };
const secrets: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startOidcApp({ db: t.db, mailer: mail.mailer });
  fc = await clientFranceConnect(app.url);
  brest = await createStructure(t.db, { name: 'France Services de Brest' });
  secrets.marie = (await createAccount(t.db, { email: 'marie.le-gall@brest.fr', first_name: 'Marie', structureId: brest })).totpSecret;
  angela = await creerUsager(t.db, IDENTITES_FC.angela);
  await creerMandat(t.db, { structureId: brest, usagerId: angela.id, demarches: ['famille', 'argent'] });
  aidant = new HttpClient(app.url);
  await loginHttp(aidant, mail.catcher, 'marie.le-gall@brest.fr', secrets.marie);
});

afterAll(async () => {
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

const codeOf = (callback: string) => new URL(callback).searchParams.get('code')!;

describe('9. the identity provider advertises and accepts only what FranceConnect uses', () => {
  test('discovery: client_secret_post only, the authorization_code grant only, response_mode query only', async () => {
    const meta = await (await fetch(`${app.url}/.well-known/openid-configuration`)).json();
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_post']);
    expect(meta.grant_types_supported).toEqual(['authorization_code']);
    expect(meta.response_modes_supported).toEqual(['query']);
  });

  test('client_secret_basic is refused at the token endpoint, even with the right secret', async () => {
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: angela.id, demarche: 'famille' });
    const basic = Buffer.from(`${encodeURIComponent(FC.clientId)}:${encodeURIComponent(FC.clientSecret)}`).toString('base64');
    const res = await fetch(`${app.url}/token/`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: codeOf(callback), redirect_uri: FC.callback }),
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_client');
    // The code is still good for the method FranceConnect uses.
    const ok = await fetch(`${app.url}/token/`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: codeOf(callback), redirect_uri: FC.callback, client_id: FC.clientId, client_secret: FC.clientSecret }),
    });
    expect(ok.status).toBe(200);
  });

  test('grant_type=refresh_token is refused', async () => {
    const res = await fetch(`${app.url}/token/`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: FC.clientId, client_secret: FC.clientSecret }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('unsupported_grant_type');
  });

  test('response_mode form_post or fragment is refused; the answer never leaves as a form or a fragment', async () => {
    for (const mode of ['form_post', 'fragment', 'query.jwt']) {
      const demande = demandeFranceConnect(fc, { extra: { response_mode: mode } });
      const res = await fetch(demande.url, { redirect: 'manual' });
      const location = res.headers.get('location') ?? '';
      // Either an error page of ours or an error back to FranceConnect in the query: never an interaction.
      expect(location).not.toContain('/interaction/');
      expect(await res.text()).not.toContain('<form');
      if (location) {
        expect(location.startsWith(FC.callback + '?')).toBe(true);
        expect(new URL(location).searchParams.get('error')).toBe('invalid_request');
      } else {
        expect(res.status).toBe(400);
      }
    }
  });
});

describe('4. X-Forwarded-Host/-Proto are believed only from TRUST_PROXY', () => {
  const forged = { 'x-forwarded-host': 'pirate.example', 'x-forwarded-proto': 'https' };

  test('an untrusted client cannot change the discovery document’s URLs', async () => {
    const meta = await (await fetch(`${app.url}/.well-known/openid-configuration`, { headers: forged })).json();
    for (const key of ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'end_session_endpoint', 'jwks_uri']) {
      expect(meta[key].startsWith(`${app.url}/`) || meta[key] === app.url).toBe(true);
    }
    expect(JSON.stringify(meta)).not.toContain('pirate.example');
  });

  test('an untrusted client cannot change the logout redirect', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hint = jwtHs256({ iss: app.url, aud: FC.clientId, sub: angela.sub, iat: now - 3600, exp: now - 3000, nonce: 'n' });
    // No post_logout_redirect_uri: the provider's own success page, which must stay on our origin.
    const res = await fetch(`${app.url}/logout/?${new URLSearchParams({ id_token_hint: hint, state: 's'.repeat(64) })}`, { redirect: 'manual', headers: forged });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(new URL(location, app.url).origin).toBe(app.url);
    expect(location).not.toContain('pirate.example');
  });

  test('an untrusted client cannot make the provider’s cookies Secure (nor lose them over http)', async () => {
    const res = await fetch(demandeFranceConnect(fc).url, { redirect: 'manual', headers: forged });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).not.toContain('pirate.example');
    const cookies = res.headers.getSetCookie().filter((c) => c.startsWith('ac_oidc_'));
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c.toLowerCase()).not.toContain('; secure');
  });

  test('behind a trusted proxy (TRUST_PROXY=loopback) the forwarded scheme and host are believed', async () => {
    const behind = await startOidcApp({ db: t.db, trustProxy: 'loopback' });
    try {
      const meta = await (await fetch(`${behind.url}/.well-known/openid-configuration`, { headers: { 'x-forwarded-host': 'aidantsconnect.beta.gouv.fr', 'x-forwarded-proto': 'https' } })).json();
      expect(meta.token_endpoint).toBe('https://aidantsconnect.beta.gouv.fr/token/');
      const res = await fetch(demandeFranceConnect(await clientFranceConnect(behind.url)).url, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
      const cookies = res.headers.getSetCookie().filter((c) => c.startsWith('ac_oidc_'));
      expect(cookies.length).toBeGreaterThan(0);
      for (const c of cookies) expect(c.toLowerCase()).toContain('; secure');
    } finally {
      await behind.close();
    }
  });
});

describe('3. an account that may not create mandats cannot act through the identity provider', () => {
  test('same right as /usagers: refused on both paths, FranceConnect gets access_denied', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'paul.sans-droit@brest.fr', first_name: 'Paul', structureId: brest, can_create_mandats: false });
    const browser = new HttpClient(app.url);
    await loginHttp(browser, mail.catcher, 'paul.sans-droit@brest.fr', totpSecret);
    expect((await browser.get('/usagers')).status).toBe(403);

    const demande = demandeFranceConnect(fc);
    const page = await suivre(browser, demande.url, app.url);
    expect(page.status).toBe(403);
    expect(page.body).toContain('Vous ne pouvez pas agir pour un usager');
    expect(page.body).not.toContain('DUBOIS');
    const uid = page.path.split('/')[2];
    const choixAvant = await t.db('oidc_choix').count({ n: '*' }).first();
    // Forging the form changes nothing: no code is issued.
    const forged = await browser.postForm(`/interaction/${uid}/demarche`, { usager: String(angela.id), demarche: 'famille' }, csrfFrom(page.body));
    expect(forged.status).toBe(403);
    const listing = await browser.get(`/interaction/${uid}/demarche?usager=${angela.id}`);
    expect(listing.status).toBe(403);
    expect(await t.db('oidc_choix').count({ n: '*' }).first()).toEqual(choixAvant);
  });

  test('the right withdrawn between the choice and the token: the code gives nothing', async () => {
    const { aidant: yann, totpSecret } = await createAccount(t.db, { email: 'yann.morvan@brest.fr', first_name: 'Yann', structureId: brest });
    const browser = new HttpClient(app.url);
    await loginHttp(browser, mail.catcher, 'yann.morvan@brest.fr', totpSecret);
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(browser, app.url, demande, { usagerId: angela.id, demarche: 'famille' });
    await t.db('aidants').where({ id: yann.id }).update({ can_create_mandats: false });
    await expect(fc.callback(FC.callback, fc.callbackParams(callback), { state: demande.state, nonce: demande.nonce, response_type: 'code' })).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
