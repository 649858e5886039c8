// Aidants Connect as FranceConnect's identity provider, driven by an independent relying party configured
// like FranceConnect (openid-client 5.7.0, static endpoints and discovery, v2 parameters): the whole flow and
// every line of the table in api/franceconnect/README.md#exigences-et-tests.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { BaseClient, TokenSet } from 'openid-client-5';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { createAccount, createStructure, loginHttp, totpCode } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import {
  FC, IDENTITES_FC, choisir, claimsOf, clientFranceConnect, creerMandat, creerUsager, demandeFranceConnect, jwtHs256, loginPuisRetour, pathOf,
  startOidcApp, suivre, uidOf, type DemandeFc, type IdentiteFc, type OidcApp,
} from '../../scripts/fixtures/fournisseur-identite.ts';
import { REFUS } from '../../api/oidc/interaction.ts';
import { erreursIdentitePivot } from '../../db/domain/identite-pivot.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: OidcApp;
let fc: BaseClient;
let aidant: HttpClient;
let brest: number;
let quimper: number;
const usagers: Record<string, { id: number; sub: string }> = {};
const autorisations: Record<string, Partial<Record<Demarche, number>>> = {};
const mandats: Record<string, number> = {};
const secrets: Record<string, string> = {};

async function nouvelUsager(nom: string, identite: IdentiteFc, structureId: number | null, demarches: Demarche[]) {
  usagers[nom] = await creerUsager(t.db, identite);
  if (structureId) {
    const m = await creerMandat(t.db, { structureId, usagerId: usagers[nom].id, demarches });
    autorisations[nom] = m.autorisations;
    mandats[nom] = m.mandatId;
  }
}

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startOidcApp({ db: t.db, mailer: mail.mailer });
  fc = await clientFranceConnect(app.url);
  brest = await createStructure(t.db, { name: 'France Services de Brest' });
  quimper = await createStructure(t.db, { name: 'France Services de Quimper' });
  // Brest does not allow « logement » (any more): its autorisations for it are not usable.
  await t.db('structures').where({ id: brest }).update({ allowed_demarches: TOUTES_LES_DEMARCHES.filter((d) => d !== 'logement') });
  for (const [email, prenom, structureId] of [['marie.le-gall@brest.fr', 'Marie', brest], ['loic.tanguy@quimper.fr', 'Loïc', quimper], ['yann.morvan@brest.fr', 'Yann', brest]] as const) {
    secrets[email] = (await createAccount(t.db, { email, first_name: prenom, last_name: 'Test', structureId })).totpSecret;
  }
  await nouvelUsager('angela', IDENTITES_FC.angela, brest, ['famille', 'argent']);
  await nouvelUsager('julie', IDENTITES_FC.julie, brest, ['famille', 'logement', 'argent']);
  await nouvelUsager('henry', IDENTITES_FC.henry, brest, ['social']);
  await nouvelUsager('jean', IDENTITES_FC.jean, brest, ['travail']);
  await nouvelUsager('pierre', IDENTITES_FC.pierre, brest, ['papiers']);
  await nouvelUsager('pierreQuimper', IDENTITES_FC.pierre, quimper, ['famille']);
  await nouvelUsager('sansMandat', IDENTITES_FC.angela, null, []);
  await nouvelUsager('revoque', { ...IDENTITES_FC.angela, given_name: 'Révoquée' }, brest, ['famille']);
  await t.db('autorisations').where({ id: autorisations.revoque.famille }).update({ revoked_at: t.db.fn.now() });
  await nouvelUsager('expire', { ...IDENTITES_FC.angela, given_name: 'Expirée' }, brest, ['famille']);
  await t.db('mandats').where({ id: mandats.expire }).update({ status: 'expired', ended_at: t.db.fn.now() });
  aidant = new HttpClient(app.url);
  await loginHttp(aidant, mail.catcher, 'marie.le-gall@brest.fr', secrets['marie.le-gall@brest.fr']);
});

afterAll(async () => {
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

const tokensOf = (callback: string, demande: DemandeFc, client = fc) =>
  client.callback(FC.callback, client.callbackParams(callback), { state: demande.state, nonce: demande.nonce, response_type: 'code' });

async function flux(usager: string, demarche: Demarche, o: { repScope?: string[] | null; client?: BaseClient } = {}): Promise<{ demande: DemandeFc; tokens: TokenSet }> {
  const client = o.client ?? fc;
  const demande = demandeFranceConnect(client, { repScope: o.repScope === undefined ? [demarche] : o.repScope });
  const callback = await choisir(aidant, app.url, demande, { usagerId: usagers[usager].id, demarche });
  return { demande, tokens: await tokensOf(callback, demande, client) };
}

/** The usager page of a new authorization for this browser; returns its uid and HTML. */
async function pageUsagers(http: HttpClient, demande: DemandeFc): Promise<{ uid: string; html: string; status: number }> {
  const res = await suivre(http, demande.url, app.url);
  return { uid: uidOf(res.path), html: res.body, status: res.status };
}

const radios = (html: string, name: string) => [...html.matchAll(new RegExp(`name="${name}" value="([^"]+)"`, 'g'))].map((m) => m[1]);
const redirectParams = (location: string) => Object.fromEntries(new URL(location).searchParams);
const journalUses = () => t.db('journal').where({ action: 'use_autorisation' }).orderBy('id');

describe('discovery and endpoints', () => {
  test('discovery: the issuer is the registered URL, endpoints keep their trailing slash, JWKS shows public keys only', async () => {
    const res = await fetch(`${app.url}/.well-known/openid-configuration`);
    const meta = await res.json();
    expect(meta).toMatchObject({
      issuer: app.url,
      authorization_endpoint: `${app.url}/authorize/`,
      token_endpoint: `${app.url}/token/`,
      userinfo_endpoint: `${app.url}/userinfo/`,
      end_session_endpoint: `${app.url}/logout/`,
      acr_values_supported: ['eidas1'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      claims_parameter_supported: true,
    });
    // Asymmetric algorithms are offered for the keys configured (development: one EC P-256 key).
    expect(meta.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['HS256', 'ES256']));
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['sub', 'given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username', 'rep_scope', 'acr']));
    for (const absent of ['registration_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'pushed_authorization_request_endpoint', 'device_authorization_endpoint']) {
      expect(meta[absent]).toBeUndefined();
    }
    const jwks = await (await fetch(meta.jwks_uri)).json();
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key[secret]).toBeUndefined();
    expect(new Set(jwks.keys.map((k: { kid: string }) => k.kid)).size).toBe(jwks.keys.length);
  });

  test('each legacy path (with its trailing slash) is answered by the provider', async () => {
    const authorize = await fetch(`${app.url}/authorize/`, { redirect: 'manual' });
    expect(authorize.status).toBe(400);
    expect(await authorize.text()).toContain('Code de l’erreur : invalid_request');
    const token = await fetch(`${app.url}/token/`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code' }) });
    expect([400, 401]).toContain(token.status);
    expect((await token.json()).error).toMatch(/^invalid_/);
    const userinfo = await fetch(`${app.url}/userinfo/`);
    expect(userinfo.status).toBe(401);
    expect((await userinfo.json()).error).toBe('invalid_token');
    const logout = await fetch(`${app.url}/logout/`, { redirect: 'manual' });
    expect(logout.status).toBe(303);
    expect((await fetch(`${app.url}/jwks/`)).status).toBe(200);
  });
});

describe('full flow', () => {
  test('authorize (FranceConnect v2 parameters) → usager and démarche → token → userinfo, journaled once', async () => {
    const before = (await journalUses()).length;
    const { demande, tokens } = await flux('angela', 'famille');
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(app.settings.ttl.AccessToken);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.access_token).toMatch(/^[\x21-\x7e]+$/);
    const idToken = claimsOf(tokens.id_token!);
    expect(idToken).toMatchObject({ iss: app.url, aud: FC.clientId, sub: usagers.angela.sub, nonce: demande.nonce, acr: 'eidas1', rep_scope: ['famille'] });
    expect(typeof idToken.auth_time).toBe('number');
    expect((idToken.exp as number) - (idToken.iat as number)).toBeLessThanOrEqual(300);
    for (const identityClaim of ['given_name', 'family_name', 'email', 'birthdate', 'gender', 'birthplace', 'birthcountry']) expect(idToken[identityClaim]).toBeUndefined();
    expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0], 'base64url').toString()).alg).toBe('HS256');

    expect(await fc.userinfo(tokens)).toEqual({ sub: usagers.angela.sub, ...IDENTITES_FC.angela });
    const uses = await journalUses();
    expect(uses.length).toBe(before + 1);
    const marie = await t.db('aidants').where({ email: 'marie.le-gall@brest.fr' }).first();
    expect(uses.at(-1)).toMatchObject({
      aidant_id: marie.id, structure_id: brest, usager_id: usagers.angela.id, mandat_id: mandats.angela, demarche: 'famille',
      autorisation_id: autorisations.angela.famille, oidc_client_id: FC.clientId,
      access_token: createHash('sha256').update(tokens.access_token!).digest('hex'),
    });
    // A second userinfo call for the same authorization adds nothing.
    await fc.userinfo(tokens);
    expect((await journalUses()).length).toBe(before + 1);
    // The aidant's selection itself journals nothing (as the public service).
    expect(await t.db('journal').whereIn('action', ['create_attestation', 'franceconnect_usager']).count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  test('the code and the tokens are stored hashed: the database holds nothing one could present', async () => {
    const { tokens } = await flux('angela', 'argent');
    const stored = await t.db('oidc_payloads').whereIn('type', ['AccessToken', 'AuthorizationCode']).select('id', 'payload');
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      expect(row.id).not.toBe(tokens.access_token);
      expect(JSON.stringify(row.payload)).not.toContain(tokens.access_token);
    }
  });

  test('discovery, ID token ES256 (verified through the JWKS) and userinfo as an HS256 JWT', async () => {
    const other = await startOidcApp({ db: t.db, mailer: mail.mailer }, { FC_AS_FI_ID_TOKEN_ALG: 'ES256', FC_AS_FI_USERINFO_ALG: 'HS256' });
    try {
      const client = await clientFranceConnect(other.url, { discovery: true, idTokenAlg: 'ES256', userinfoAlg: 'HS256' });
      expect(client.issuer.metadata.issuer).toBe(other.url);
      const browser = new HttpClient(other.url);
      await loginHttp(browser, mail.catcher, 'yann.morvan@brest.fr', secrets['yann.morvan@brest.fr']);
      const demande = demandeFranceConnect(client, { repScope: ['famille'] });
      const callback = await choisir(browser, other.url, demande, { usagerId: usagers.julie.id, demarche: 'famille' });
      const tokens = await tokensOf(callback, demande, client);
      expect(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0], 'base64url').toString()).alg).toBe('ES256');
      const raw = await fetch(`${other.url}/userinfo/`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(raw.headers.get('content-type')).toContain('application/jwt');
      expect(await client.userinfo(tokens)).toMatchObject({ sub: usagers.julie.sub, ...IDENTITES_FC.julie, iss: other.url, aud: FC.clientId });
    } finally {
      await other.close();
    }
  });
});

describe('the authorization request', () => {
  const erreurVersFc = async (demande: DemandeFc) => {
    // An anonymous browser: the request is refused before anyone is asked to log in.
    const res = await suivre(new HttpClient(app.url), demande.url, app.url);
    expect(res.location?.startsWith(FC.callback)).toBe(true);
    return redirectParams(res.location!);
  };

  test('acr_values other than eidas1 → invalid_request back to FranceConnect with its state', async () => {
    const demande = demandeFranceConnect(fc, { acr: 'eidas2' });
    expect(await erreurVersFc(demande)).toMatchObject({ error: 'invalid_request', state: demande.state, iss: app.url });
  });

  test('a missing required scope (birth) → invalid_request with state', async () => {
    const demande = demandeFranceConnect(fc, { scope: 'openid profile email' });
    expect(await erreurVersFc(demande)).toMatchObject({ error: 'invalid_request', state: demande.state, error_description: 'missing scope: birth' });
  });

  test('FranceConnect v1 scopes (address, phone) are tolerated and add nothing', async () => {
    const demande = demandeFranceConnect(fc, { scope: 'openid profile email address phone birth', repScope: null });
    const callback = await choisir(aidant, app.url, demande, { usagerId: usagers.henry.id, demarche: 'social' });
    expect(await fc.userinfo(await tokensOf(callback, demande))).toEqual({ sub: usagers.henry.sub, ...IDENTITES_FC.henry });
  });

  test('a nonce missing, or a rep_scope naming no démarche → invalid_request', async () => {
    const sansNonce = demandeFranceConnect(fc);
    sansNonce.url = sansNonce.url.replace(/&nonce=[0-9a-f]+/, '');
    expect(await erreurVersFc(sansNonce)).toMatchObject({ error: 'invalid_request', state: sansNonce.state });
    const inconnue = demandeFranceConnect(fc, { repScope: ['impots-locaux'] });
    expect(await erreurVersFc(inconnue)).toMatchObject({ error: 'invalid_request', state: inconnue.state });
  });

  test('an unknown client or an unregistered redirect_uri → a French error page, never a redirect', async () => {
    const inconnu = demandeFranceConnect(fc);
    for (const url of [inconnu.url.replace(`client_id=${FC.clientId}`, 'client_id=inconnu'), inconnu.url.replace(encodeURIComponent(FC.callback), encodeURIComponent('https://pirate.example/cb'))]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Demande de connexion invalide');
    }
  });
});

describe('the aidant', () => {
  test('not logged in: the interaction sends to the login, then resumes', async () => {
    const browser = new HttpClient(app.url);
    const demande = demandeFranceConnect(fc);
    const res = await suivre(browser, demande.url, app.url);
    const uid = uidOf(pathOf(new URL(res.location!).searchParams.get('suivant')!));
    expect(pathOf(res.location!)).toBe(`/connexion?suivant=${encodeURIComponent(`/interaction/${uid}`)}`);
    const back = await loginPuisRetour(browser, mail.catcher, res.location!, 'yann.morvan@brest.fr', secrets['yann.morvan@brest.fr']);
    expect(back).toBe(`/interaction/${uid}`);
    const page = await browser.get(back);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('DUBOIS Angela Claire Louise');
  });

  test('activity older than 15 minutes: a fresh code is asked, then the interaction resumes', async () => {
    const browser = new HttpClient(app.url);
    await loginHttp(browser, mail.catcher, 'yann.morvan@brest.fr', secrets['yann.morvan@brest.fr']);
    const yann = await t.db('aidants').where({ email: 'yann.morvan@brest.fr' }).first('id');
    await t.db('sessions').whereRaw(`(sess->>'aidantId')::int = ?`, [yann.id]).update({ sess: t.db.raw(`jsonb_set(sess, '{lastActivityCheckAt}', '0')`) });
    const demande = demandeFranceConnect(fc);
    const res = await suivre(browser, demande.url, app.url);
    const suivant = new URL(res.location!).searchParams.get('suivant')!;
    expect(pathOf(res.location!)).toBe(`/verification?suivant=${encodeURIComponent(suivant)}`);
    const form = await (await browser.get(pathOf(res.location!))).text();
    const done = await browser.postForm(pathOf(res.location!), { code: await totpCode(secrets['yann.morvan@brest.fr']) }, csrfFrom(form));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(suivant);
    expect((await browser.get(suivant)).status).toBe(200);
  });

  test('an account that may not act for usagers (référent only) gets a French page, FranceConnect access_denied', async () => {
    const { aidant: referent, totpSecret } = await createAccount(t.db, { email: 'anne.kerjean@brest.fr', structureId: brest, referent: true, can_create_mandats: false });
    await t.db('aidants').where({ id: referent.id }).update({ referent_non_aidant: true });
    const browser = new HttpClient(app.url);
    await loginHttp(browser, mail.catcher, 'anne.kerjean@brest.fr', totpSecret);
    const demande = demandeFranceConnect(fc);
    const page = await pageUsagers(browser, demande);
    expect(page.status).toBe(403);
    expect(page.html).toContain('Vous ne pouvez pas agir pour un usager');
    const forged = await browser.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usagers.angela.id), demarche: 'famille' }, csrfFrom(page.html));
    expect(forged.status).toBe(403);
    const back = await browser.postForm(`/interaction/${page.uid}/annuler`, { motif: 'aidant_non_habilite' }, csrfFrom(page.html));
    const fin = await suivre(browser, back.headers.get('location')!, app.url);
    expect(redirectParams(fin.location!)).toMatchObject({ error: 'access_denied', state: demande.state, error_description: 'Ce compte ne peut pas agir pour un usager' });
  });

  test('only usagers with a usable mandat with the structure are listed, never preselected', async () => {
    const { html } = await pageUsagers(aidant, demandeFranceConnect(fc, { repScope: null }));
    expect(radios(html, 'usager').map(Number).sort()).toEqual([usagers.angela.id, usagers.julie.id, usagers.henry.id, usagers.jean.id, usagers.pierre.id].sort());
    expect(html).not.toMatch(/name="usager"[^>]*checked/);
    expect(html).not.toContain('Révoquée');
    expect(html).not.toContain('Expirée');
  });

  test('the name search ignores accents and case', async () => {
    const { uid } = await pageUsagers(aidant, demandeFranceConnect(fc, { repScope: null }));
    const html = await (await aidant.get(`/interaction/${uid}?recherche=${encodeURIComponent('seguin')}`)).text();
    expect(radios(html, 'usager')).toEqual([String(usagers.henry.id)]);
    const none = await (await aidant.get(`/interaction/${uid}?recherche=zzz`)).text();
    expect(radios(none, 'usager')).toEqual([]);
    expect(none).toContain('Aucune personne ne correspond');
  });

  test('forged choices are refused and change nothing: another structure’s usager, no mandat, a démarche not covered', async () => {
    const page = await pageUsagers(aidant, demandeFranceConnect(fc, { repScope: null }));
    const csrf = csrfFrom(page.html);
    const before = await snapshotCounts(t.db);
    expect((await aidant.get(`/interaction/${page.uid}/demarche?usager=${usagers.pierreQuimper.id}`)).status).toBe(404);
    expect((await aidant.get(`/interaction/${page.uid}/demarche?usager=abc`)).status).toBe(404);
    for (const [usager, demarche] of [['pierreQuimper', 'famille'], ['sansMandat', 'famille'], ['revoque', 'famille'], ['expire', 'famille'], ['angela', 'justice'], ['julie', 'logement'], ['angela', 'inconnue']]) {
      const res = await aidant.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usagers[usager].id), demarche }, csrf);
      expect({ usager, demarche, status: res.status }).toEqual({ usager, demarche, status: 404 });
    }
    const sansDemarche = await aidant.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usagers.angela.id) }, csrf);
    expect(sansDemarche.status).toBe(400);
    expect(await sansDemarche.text()).toContain('Choisissez la démarche');
    const sansCsrf = await aidant.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usagers.angela.id), demarche: 'famille', _csrf: 'faux' });
    expect(sansCsrf.status).toBe(403);
    const { sessions: _s, rate_limits: _r, ...after } = await snapshotCounts(t.db);
    const { sessions: _s2, rate_limits: _r2, ...beforeCounts } = before;
    expect(after).toEqual(beforeCounts);
  });

  test('an aidant of another structure sees none of ours and cannot pick one by forging the form', async () => {
    const loic = new HttpClient(app.url);
    await loginHttp(loic, mail.catcher, 'loic.tanguy@quimper.fr', secrets['loic.tanguy@quimper.fr']);
    const page = await pageUsagers(loic, demandeFranceConnect(fc));
    expect(radios(page.html, 'usager')).toEqual([String(usagers.pierreQuimper.id)]);
    expect((await loic.get(`/interaction/${page.uid}/demarche?usager=${usagers.angela.id}`)).status).toBe(404);
    const forged = await loic.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usagers.angela.id), demarche: 'famille' }, csrfFrom(page.html));
    expect(forged.status).toBe(404);
    expect(await t.db('oidc_choix').where({ usager_id: usagers.angela.id }).whereIn('aidant_id', t.db('aidants').where({ email: 'loic.tanguy@quimper.fr' }).select('id'))).toEqual([]);
  });

  test('a stranger without the browser’s interaction cookie gets the expired page, not the request', async () => {
    const page = await pageUsagers(aidant, demandeFranceConnect(fc));
    const stranger = new HttpClient(app.url);
    const res = await stranger.get(`/interaction/${page.uid}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Cette demande de connexion a expiré');
  });

  test.each<[string, string[] | null, string[]]>([
    ['no rep_scope: autorisations ∩ allowed', null, ['famille', 'argent']],
    ['rep_scope argent', ['argent'], ['argent']],
    ['rep_scope famille + logement (logement not allowed)', ['famille', 'logement'], ['famille']],
    ['FranceConnect label Famille-Scolarité', ['Famille-Scolarité'], ['famille']],
  ])('démarches offered = autorisations ∩ allowed ∩ rep_scope (%s)', async (_label, repScope, offered) => {
    const page = await pageUsagers(aidant, demandeFranceConnect(fc, { repScope }));
    const demarches = await (await aidant.get(`/interaction/${page.uid}/demarche?usager=${usagers.julie.id}`)).text();
    expect(radios(demarches, 'demarche')).toEqual(offered);
  });

  test('rep_scope is echoed as FranceConnect sent it (label)', async () => {
    const { tokens } = await flux('julie', 'famille', { repScope: ['Famille-Scolarité'] });
    expect(claimsOf(tokens.id_token!).rep_scope).toEqual(['Famille-Scolarité']);
  });

  test('no usable mandat for the requested démarche: a French page, then access_denied with state', async () => {
    const demande = demandeFranceConnect(fc, { repScope: ['logement'] });
    const page = await pageUsagers(aidant, demande);
    expect(page.status).toBe(403);
    expect(page.html).toContain('Aucun mandat ne permet cette démarche');
    const back = await aidant.postForm(`/interaction/${page.uid}/annuler`, { motif: 'aucun_mandat' }, csrfFrom(page.html));
    const fin = await suivre(aidant, back.headers.get('location')!, app.url);
    expect(redirectParams(fin.location!)).toMatchObject({ error: 'access_denied', state: demande.state, error_description: 'Aucun mandat en cours pour cette demande' });
  });

  test('cancel → error=access_denied&state=… at FranceConnect', async () => {
    const demande = demandeFranceConnect(fc);
    const page = await pageUsagers(aidant, demande);
    const back = await aidant.postForm(`/interaction/${page.uid}/annuler`, {}, csrfFrom(page.html));
    expect(back.status).toBe(303);
    const fin = await suivre(aidant, back.headers.get('location')!, app.url);
    expect(redirectParams(fin.location!)).toEqual({ error: 'access_denied', error_description: "L'aidant a interrompu la connexion", state: demande.state, iss: app.url });
  });

  test('every refusal reaches FranceConnect in French, in the characters RFC 6749 allows in error_description', () => {
    for (const texte of Object.values(REFUS)) expect(texte).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
    expect(REFUS.annulation).toMatch(/^L'aidant /);
  });

  test('the previous usager is never reused: each authorization asks again', async () => {
    await flux('angela', 'famille');
    // No provider session outlives an authorization: nothing remembers the usager in this browser.
    expect(await t.db('oidc_payloads').where({ type: 'Session' }).count({ n: '*' }).first()).toEqual({ n: 0 });
    const second = await pageUsagers(aidant, demandeFranceConnect(fc));
    expect(second.status).toBe(200);
    expect(second.html).toContain('pour qui agissez-vous');
    expect(second.html).not.toMatch(/checked/);
  });
});

describe('rep_scope', () => {
  test('in the ID token (an array) iff FranceConnect asked for it', async () => {
    const avec = await flux('angela', 'argent', { repScope: ['argent', 'famille'] });
    expect(claimsOf(avec.tokens.id_token!).rep_scope).toEqual(['argent']);
    const sans = await flux('angela', 'argent', { repScope: null });
    expect(claimsOf(sans.tokens.id_token!)).not.toHaveProperty('rep_scope');
    expect(await fc.userinfo(sans.tokens)).not.toHaveProperty('rep_scope');
  });
});

describe('codes and tokens', () => {
  const codeOf = (callback: string) => new URL(callback).searchParams.get('code')!;

  test('a code is single-use: a replay → invalid_grant, and the tokens it gave are revoked', async () => {
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usagers.angela.id, demarche: 'famille' });
    const tokens = await tokensOf(callback, demande);
    await expect(fc.grant({ grant_type: 'authorization_code', code: codeOf(callback), redirect_uri: FC.callback })).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(fc.userinfo(tokens)).rejects.toMatchObject({ error: 'invalid_token' });
  });

  test('a late code → invalid_grant (the code lives 60 s at most)', async () => {
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usagers.angela.id, demarche: 'famille' });
    const [code] = await t.db('oidc_payloads').where({ type: 'AuthorizationCode' }).orderBy('expires_at', 'desc').limit(1).select('payload');
    expect(code.payload.exp - code.payload.iat).toBeLessThanOrEqual(60);
    await t.db('oidc_payloads').where({ type: 'AuthorizationCode' }).update({ expires_at: t.db.raw(`now() - interval '1 second'`) });
    await expect(tokensOf(callback, demande)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('a code is bound to its redirect_uri', async () => {
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usagers.angela.id, demarche: 'famille' });
    await expect(fc.grant({ grant_type: 'authorization_code', code: codeOf(callback), redirect_uri: 'https://fc.example.test/autre' })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('client_secret_post with a wrong secret → 401 invalid_client', async () => {
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usagers.angela.id, demarche: 'famille' });
    const res = await fetch(`${app.url}/token/`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: codeOf(callback), redirect_uri: FC.callback, client_id: FC.clientId, client_secret: 'un-autre-secret-de-plus-de-trente-deux-caracteres' }),
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_client');
    const sansSecret = await fetch(`${app.url}/token/`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: codeOf(callback), redirect_uri: FC.callback, client_id: FC.clientId }),
    });
    expect(sansSecret.status).toBe(401);
    expect((await sansSecret.json()).error).toBe('invalid_client');
  });

  test('a tampered nonce makes the relying party refuse the ID token', async () => {
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usagers.angela.id, demarche: 'famille' });
    await expect(fc.callback(FC.callback, fc.callbackParams(callback), { state: demande.state, nonce: 'a'.repeat(64), response_type: 'code' })).rejects.toThrow(/nonce mismatch/);
  });

  test('autorisation revoked between selection and token → invalid_grant', async () => {
    const usager = await creerUsager(t.db, IDENTITES_FC.angela);
    const m = await creerMandat(t.db, { structureId: brest, usagerId: usager.id, demarches: ['famille'] });
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usager.id, demarche: 'famille' });
    await t.db('autorisations').where({ id: m.autorisations.famille }).update({ revoked_at: t.db.fn.now() });
    await expect(tokensOf(callback, demande)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('mandat expired between selection and token → invalid_grant; between token and userinfo → invalid_token', async () => {
    const usager = await creerUsager(t.db, IDENTITES_FC.angela);
    const m = await creerMandat(t.db, { structureId: brest, usagerId: usager.id, demarches: ['famille'] });
    const demande = demandeFranceConnect(fc);
    const callback = await choisir(aidant, app.url, demande, { usagerId: usager.id, demarche: 'famille' });
    await t.db('mandats').where({ id: m.mandatId }).update({ expires_at: t.db.raw(`created_at + interval '1 millisecond'`) });
    await expect(tokensOf(callback, demande)).rejects.toMatchObject({ error: 'invalid_grant' });

    const usager2 = await creerUsager(t.db, IDENTITES_FC.angela);
    const m2 = await creerMandat(t.db, { structureId: brest, usagerId: usager2.id, demarches: ['famille'] });
    const demande2 = demandeFranceConnect(fc);
    const tokens = await tokensOf(await choisir(aidant, app.url, demande2, { usagerId: usager2.id, demarche: 'famille' }), demande2);
    await t.db('mandats').where({ id: m2.mandatId }).update({ status: 'expired', ended_at: t.db.fn.now() });
    const before = (await journalUses()).length;
    await expect(fc.userinfo(tokens)).rejects.toMatchObject({ error: 'invalid_token' });
    expect((await journalUses()).length).toBe(before);
  });

  test('an expired access token → 401 invalid_token', async () => {
    const { tokens } = await flux('angela', 'famille');
    await t.db('oidc_payloads').where({ type: 'AccessToken' }).update({ expires_at: t.db.raw(`now() - interval '1 second'`) });
    const res = await fetch(`${app.url}/userinfo/`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_token');
  });
});

describe('the identity sent', () => {
  // FranceConnect's rules (api/franceconnect/README.md#identité-pivot), written out independently of db/domain.
  const regleFc = (u: Record<string, unknown>) => ({
    noms: [u.given_name, u.family_name].every((v) => typeof v === 'string' && v.length >= 1 && v.length <= 256),
    birthdate: /^[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[0-9]|[12][0-9]|3[01])|00-00)$/.test(String(u.birthdate)),
    gender: ['female', 'male'].includes(String(u.gender)),
    birthcountry: /^99[0-9]{3}$/.test(String(u.birthcountry)),
    birthplace: u.birthcountry === '99100' ? /^(?:[0-9]{2}|2A|2B)[0-9]{3}$/.test(String(u.birthplace)) : u.birthplace === '',
    email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(u.email)),
    rien_d_autre: Object.keys(u).every((k) => ['sub', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'].includes(k)),
  });

  test.each([
    ['angela', 'famille', IDENTITES_FC.angela],
    ['pierre', 'papiers', IDENTITES_FC.pierre],
    ['julie (Corsica, accents)', 'argent', IDENTITES_FC.julie],
    ['henry (born abroad)', 'social', IDENTITES_FC.henry],
    ['jean (born abroad, unknown day and month)', 'travail', IDENTITES_FC.jean],
  ] as const)('%s: byte-identical to what FranceConnect gave, valid by its rules', async (label, demarche, identite) => {
    const nom = label.split(' ')[0];
    const { tokens } = await flux(nom, demarche);
    const userinfo = await fc.userinfo(tokens);
    expect(userinfo).toEqual({ sub: usagers[nom].sub, ...identite });
    expect(Object.values(regleFc(userinfo)).every(Boolean)).toBe(true);
    expect(erreursIdentitePivot(userinfo as never)).toEqual([]);
  });

  test('the sub is stable: the same usager twice gives the same sub', async () => {
    const a = await flux('henry', 'social');
    const b = await flux('henry', 'social');
    expect(claimsOf(a.tokens.id_token!).sub).toBe(usagers.henry.sub);
    expect(claimsOf(b.tokens.id_token!).sub).toBe(usagers.henry.sub);
  });

  test('an identity FranceConnect would refuse is not sent: the aidant is told why', async () => {
    const usager = await creerUsager(t.db, IDENTITES_FC.angela);
    await t.db('usagers').where({ id: usager.id }).update({ email: null });
    await creerMandat(t.db, { structureId: brest, usagerId: usager.id, demarches: ['famille'] });
    const page = await pageUsagers(aidant, demandeFranceConnect(fc));
    const res = await aidant.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usager.id), demarche: 'famille' }, csrfFrom(page.html));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('L’identité de cette personne est incomplète');
  });
});

describe('logout', () => {
  test('with an expired id_token_hint: 303 to FranceConnect’s post-logout URI with its state, no click', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hint = jwtHs256({ iss: app.url, aud: FC.clientId, sub: usagers.angela.sub, iat: now - 3600, exp: now - 3000, nonce: 'n' });
    const state = 'e'.repeat(64);
    const url = fc.endSessionUrl({ id_token_hint: hint, post_logout_redirect_uri: FC.postLogout, state });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${FC.postLogout}?state=${state}`);
  });

  test('after a real authorization, in the aidant’s browser', async () => {
    const { tokens } = await flux('angela', 'famille');
    const state = 'f'.repeat(64);
    const res = await aidant.get(pathOf(fc.endSessionUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: FC.postLogout, state })));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${FC.postLogout}?state=${state}`);
  });

  test('an unregistered post_logout_redirect_uri or a forged hint → an error page, no redirect', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hint = jwtHs256({ iss: app.url, aud: FC.clientId, sub: 'x', iat: now, exp: now + 60 });
    const pirate = await fetch(fc.endSessionUrl({ id_token_hint: hint, post_logout_redirect_uri: 'https://pirate.example/out', state: 's' }), { redirect: 'manual' });
    expect(pirate.status).toBe(400);
    const forged = jwtHs256({ iss: app.url, aud: FC.clientId, sub: 'x', iat: now, exp: now + 60 }, 'un-autre-secret-de-plus-de-trente-deux-caracteres');
    const res = await fetch(fc.endSessionUrl({ id_token_hint: forged, post_logout_redirect_uri: FC.postLogout, state: 's' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('behind TLS', () => {
  test('X-Forwarded-Proto: https from a trusted proxy (TRUST_PROXY) makes the provider’s cookies Secure', async () => {
    // Only from TRUST_PROXY: an untrusted client's headers are ignored (tests/integration/revue-securite.test.ts).
    const behind = await startOidcApp({ db: t.db, trustProxy: 'loopback' });
    try {
      const demande = demandeFranceConnect(await clientFranceConnect(behind.url));
      const res = await fetch(demande.url, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(303);
      const cookies = res.headers.getSetCookie().filter((c) => c.startsWith('ac_oidc_'));
      expect(cookies.length).toBeGreaterThan(0);
      for (const c of cookies) expect(c.toLowerCase()).toContain('; secure');
      const plain = await fetch(demande.url, { redirect: 'manual' });
      for (const c of plain.headers.getSetCookie().filter((x) => x.startsWith('ac_oidc_'))) expect(c.toLowerCase()).not.toContain('; secure');
    } finally {
      await behind.close();
    }
  });
});
