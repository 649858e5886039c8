// The FranceConnect client against the local FranceConnect sandbox (a real OpenID Connect provider).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createFranceConnectClient, FranceConnectError, SCOPES_FRANCECONNECT, type FranceConnectClient } from '../../api/franceconnect/index.ts';
import { subFranceConnectTest, type IdentiteTestFranceConnect } from '../../scripts/fakes/franceconnect-identites.ts';
import { axeViolations, launchBrowser } from '../helpers/browser.ts';
import {
  IDENTITES_TEST_FRANCECONNECT,
  startTestFranceConnect,
  suivreDeconnexionFranceConnect,
  suivreFranceConnect,
  type TestFranceConnect,
} from '../helpers/franceconnect.ts';

// The app is never called: the client only needs its URIs, and the sandbox only redirects to them.
const APP = 'http://127.0.0.1:9';

const nouvelEtat = () => ({ state: randomBytes(32).toString('hex'), nonce: randomBytes(32).toString('hex') });
const identite = (login: string) => IDENTITES_TEST_FRANCECONNECT.find((i) => i.identifiant === login)!;

function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

async function erreur(promise: Promise<unknown>): Promise<FranceConnectError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FranceConnectError) return err;
    throw err;
  }
  throw new Error('FranceConnectError expected');
}

/** Authorization → sandbox page → callback URL. */
async function autoriser(client: FranceConnectClient, login: string) {
  const etat = nouvelEtat();
  const callbackUrl = await suivreFranceConnect(await client.authorizationUrl(etat), login);
  return { etat, callbackUrl };
}

describe('FranceConnect client against the local sandbox', () => {
  let fc: TestFranceConnect;
  let client: FranceConnectClient;

  beforeAll(async () => {
    fc = await startTestFranceConnect(APP);
    client = createFranceConnectClient(fc.config);
  });
  afterAll(() => fc.stop());

  test('the authorization request is what FranceConnect expects', async () => {
    const etat = nouvelEtat();
    const url = new URL(await client.authorizationUrl(etat));
    expect(url.origin + url.pathname).toBe(`${fc.fake.issuer}/api/v2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: fc.config.clientId,
      response_type: 'code',
      redirect_uri: `${APP}/mandats/nouveau/franceconnect`,
      scope: SCOPES_FRANCECONNECT,
      state: etat.state,
      nonce: etat.nonce,
      acr_values: 'eidas1',
      prompt: 'login',
    });
  });

  test.each([
    ['test', 'born in Paris'],
    ['naissance_Espagne', 'born abroad, with a usage name'],
    ['étranger_présumé_né_jour_et_mois', 'born abroad, birth date YYYY-00-00'],
    ['étranger_présumé_né_jour', 'born abroad, birth date YYYY-MM-00'],
    ['plusieurs_prénoms_3', 'several given names'],
    ['carac_speciaux', 'accented names, born in Corsica (2B002)'],
    ['nom_50+_caractères', 'long family name'],
  ])('identity « %s » (%s) comes back byte-identical, with a verified ID token', async (login) => {
    const attendu = identite(login);
    const { etat, callbackUrl } = await autoriser(client, login);
    expect(callbackUrl.origin + callbackUrl.pathname).toBe(fc.config.redirectUri);
    expect(callbackUrl.searchParams.get('state')).toBe(etat.state);

    const r = await client.callback(callbackUrl, etat);
    expect(r.fcSub).toBe(attendu.sub);
    expect(JSON.stringify(r.identite)).toBe(JSON.stringify(attendu.pivot));

    const [header] = r.idToken.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    const claims = jwtPayload(r.idToken);
    expect(claims).toMatchObject({ iss: fc.fake.issuer, aud: fc.config.clientId, sub: attendu.sub, nonce: etat.nonce, acr: 'eidas1' });
    // As at FranceConnect: no identity in the ID token, only in userinfo.
    expect(claims).not.toHaveProperty('given_name');
    expect(claims).not.toHaveProperty('email');
  });

  test('the same person always has the same FranceConnect sub', async () => {
    const a = await autoriser(client, 'test');
    const b = await autoriser(client, 'test');
    expect((await client.callback(a.callbackUrl, a.etat)).fcSub).toBe((await client.callback(b.callbackUrl, b.etat)).fcSub);
    expect(subFranceConnectTest('test')).toMatch(/^[0-9a-f]{64}v1$/);
  });

  test('cancel on FranceConnect → access_denied with the state', async () => {
    const etat = nouvelEtat();
    const callbackUrl = await suivreFranceConnect(await client.authorizationUrl(etat), 'annuler');
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(callbackUrl.searchParams.get('state')).toBe(etat.state);
    const e = await erreur(client.callback(callbackUrl, etat));
    expect(e.code).toBe('access_denied');
    expect(e.message).toMatch(/annulé/);
  });

  test('a tampered, missing or unexpected state is refused before anything is exchanged', async () => {
    const { etat, callbackUrl } = await autoriser(client, 'test');
    const falsifiee = new URL(callbackUrl);
    falsifiee.searchParams.set('state', nouvelEtat().state);
    expect((await erreur(client.callback(falsifiee, etat))).code).toBe('state_invalide');
    const sansState = new URL(callbackUrl);
    sansState.searchParams.delete('state');
    expect((await erreur(client.callback(sansState, etat))).code).toBe('state_invalide');
    expect((await erreur(client.callback(callbackUrl, { ...etat, state: nouvelEtat().state }))).code).toBe('state_invalide');
    const sansCode = new URL(callbackUrl);
    sansCode.searchParams.delete('code');
    expect((await erreur(client.callback(sansCode, etat))).code).toBe('state_invalide');
    // The code was never spent by the refusals: the genuine callback still works once…
    expect((await client.callback(callbackUrl, etat)).identite).toEqual(identite('test').pivot);
    // …and only once (reload, back button): the code is single-use.
    const rejeu = await erreur(client.callback(callbackUrl, etat));
    expect(rejeu.code).toBe('state_invalide');
    expect(rejeu.detail).toMatch(/invalid_grant/);
  });

  test('a wrong nonce → jeton_invalide', async () => {
    const { etat, callbackUrl } = await autoriser(client, 'test');
    const e = await erreur(client.callback(callbackUrl, { ...etat, nonce: nouvelEtat().nonce }));
    expect(e.code).toBe('jeton_invalide');
    expect(e.detail).toMatch(/nonce/);
  });

  test('the logout URL takes the usager back to the recap page with the state, without a click', async () => {
    const { etat, callbackUrl } = await autoriser(client, 'test');
    const { idToken } = await client.callback(callbackUrl, etat);
    const state = randomBytes(16).toString('hex');
    const logout = new URL(await client.logoutUrl({ idToken, state }));
    expect(logout.origin + logout.pathname).toBe(`${fc.fake.issuer}/api/v2/session/end`);
    expect(logout.searchParams.get('id_token_hint')).toBe(idToken);
    const retour = await suivreDeconnexionFranceConnect(logout.href);
    expect(retour.origin + retour.pathname).toBe(fc.config.postLogoutRedirectUri);
    expect(retour.searchParams.get('state')).toBe(state);
  });

  test('the login page is accessible (axe), works at 390 px, and asks the identity on every authorization', async () => {
    const browser = await launchBrowser();
    try {
      const { context, page } = browser;
      await page.setViewportSize({ width: 390, height: 844 });
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      await context.route(`${APP}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title>' }));
      for (const login of ['test', 'naissance_Espagne']) {
        const etat = nouvelEtat();
        await page.goto(await client.authorizationUrl(etat));
        await page.getByRole('heading', { level: 1, name: 'Je me connecte avec FranceConnect' }).waitFor();
        expect(await axeViolations(page)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        const p = identite(login).pivot;
        await page.getByRole('button', { name: `Continuer en tant que ${p.given_name} ${p.family_name}` }).click();
        await page.waitForURL((u) => u.href.startsWith(fc.config.redirectUri));
        const r = await client.callback(new URL(page.url()), etat);
        expect(r.identite).toEqual(p);
        // In a browser, the logout page submits itself.
        const state = randomBytes(16).toString('hex');
        await page.goto(await client.logoutUrl({ idToken: r.idToken, state }));
        await page.waitForURL((u) => u.href.startsWith(fc.config.postLogoutRedirectUri));
        expect(new URL(page.url()).searchParams.get('state')).toBe(state);
      }
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('responses the client refuses', () => {
  const fakes: TestFranceConnect[] = [];
  afterAll(async () => {
    for (const f of fakes) await f.stop();
  });
  const start = async (options: Parameters<typeof startTestFranceConnect>[1] = {}) => {
    const f = await startTestFranceConnect(APP, options);
    fakes.push(f);
    return f;
  };

  test('an ID token signed with another key than the published one → jeton_invalide', async () => {
    const vrai = await start({ kid: 'cle-franceconnect' });
    const client = createFranceConnectClient(vrai.config);
    const premier = await autoriser(client, 'test');
    await client.callback(premier.callbackUrl, premier.etat); // the client now knows FranceConnect's keys
    await vrai.stop();

    // An impostor at the same address, same kid, same service record, but its own private key.
    const port = Number(new URL(vrai.fake.issuer).port);
    const imposteur = await start({ port, kid: 'cle-franceconnect', clientId: vrai.config.clientId, clientSecret: vrai.config.clientSecret });
    expect(imposteur.fake.issuer).toBe(vrai.fake.issuer);
    const { etat, callbackUrl } = await autoriser(client, 'test');
    const e = await erreur(client.callback(callbackUrl, etat));
    expect(e.code).toBe('jeton_invalide');
    expect(e.detail).toMatch(/signature/i);
    // Control: the same response passes for a client trusting the impostor's keys.
    const naif = createFranceConnectClient(imposteur.config);
    const controle = await autoriser(naif, 'test');
    expect((await naif.callback(controle.callbackUrl, controle.etat)).fcSub).toBe(identite('test').sub);
  });

  test.each([['eidas2'], [null]])('an ID token with acr %s → jeton_invalide', async (acr) => {
    const fc = await start({ acr });
    const client = createFranceConnectClient(fc.config);
    const { etat, callbackUrl } = await autoriser(client, 'test');
    const e = await erreur(client.callback(callbackUrl, etat));
    expect(e.code).toBe('jeton_invalide');
    expect(e.detail).toMatch(/acr/);
  });

  test('a userinfo with an invalid pivot field → identite_invalide', async () => {
    const base = identite('test').pivot;
    const invalides: IdentiteTestFranceConnect[] = [
      { identifiant: 'date_impossible', cas: 'date impossible', sub: subFranceConnectTest('date_impossible'), pivot: { ...base, birthdate: '1962-02-30' } },
      { identifiant: 'genre_indéfini', cas: 'genre hors norme', sub: subFranceConnectTest('genre_indéfini'), pivot: { ...base, gender: 'unspecified' as 'female' } },
      { identifiant: 'sans_birthplace', cas: 'né en France sans commune', sub: subFranceConnectTest('sans_birthplace'), pivot: { ...base, birthplace: '' } },
    ];
    const fc = await start({ identites: invalides });
    const client = createFranceConnectClient(fc.config);
    for (const [login, champ] of [['date_impossible', 'birthdate'], ['genre_indéfini', 'gender'], ['sans_birthplace', 'birthplace']]) {
      const { etat, callbackUrl } = await autoriser(client, login);
      const e = await erreur(client.callback(callbackUrl, etat));
      expect(e.code).toBe('identite_invalide');
      expect(e.detail).toContain(champ);
    }
  });

  test('a wrong client secret or an unreachable FranceConnect → indisponible', async () => {
    const fc = await start();
    const mauvaisSecret = createFranceConnectClient({ ...fc.config, clientSecret: 'pas-le-bon-secret-pas-le-bon-secret' });
    const { etat, callbackUrl } = await autoriser(mauvaisSecret, 'test');
    const e = await erreur(mauvaisSecret.callback(callbackUrl, etat));
    expect(e.code).toBe('indisponible');
    expect(e.detail).toMatch(/invalid_client/);

    const absent = createFranceConnectClient({ ...fc.config, issuer: 'http://127.0.0.1:9' });
    expect((await erreur(absent.authorizationUrl(nouvelEtat()))).code).toBe('indisponible');
    // A failed discovery is retried on the next call, not cached.
    expect((await erreur(absent.authorizationUrl(nouvelEtat()))).code).toBe('indisponible');
  });

  test('a service registered after the sandbox started (e.g. once the app has its port) can identify a usager', async () => {
    const fc = await start();
    const tard = { ...fc.config, clientId: 'service-enregistre-apres', clientSecret: randomBytes(32).toString('hex') };
    const client = createFranceConnectClient(tard);
    const etat = nouvelEtat();
    const url = await client.authorizationUrl(etat);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400); // unknown service: an error page
    fc.fake.registerClient({ clientId: tard.clientId, clientSecret: tard.clientSecret, redirectUris: [tard.redirectUri], postLogoutRedirectUris: [tard.postLogoutRedirectUri] });
    const r = await client.callback(await suivreFranceConnect(url, 'avec_nom_dusage'), etat);
    expect(r.identite).toEqual(identite('avec_nom_dusage').pivot);
  });

  test('the sandbox refuses an authorization request without state or nonce, like FranceConnect', async () => {
    const fc = await start();
    const url = new URL(await createFranceConnectClient(fc.config).authorizationUrl(nouvelEtat()));
    url.searchParams.delete('nonce');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/nonce/);
  });
});
