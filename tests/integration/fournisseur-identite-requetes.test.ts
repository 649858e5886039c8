// Issue 19, the identity provider's flow (README « Fournisseur d’identité de FranceConnect »): the SQL queries
// each step costs, counted (a count, not a timing), and what was changed to lower them still does what it
// must: the démarche page shows the usager page's list but the submit checks again; an unchanged session is
// not written again, yet its activity time and expiry still move on after a minute and still end it.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { BaseClient } from 'openid-client-5';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient, TEST_SESSION_SECRET } from '../../scripts/fixtures/web.ts';
import {
  FC, IDENTITES_FC, clientFranceConnect, creerMandat, creerUsager, demandeFranceConnect, pathOf, startOidcApp, type OidcApp,
} from '../../scripts/fixtures/fournisseur-identite.ts';
import { DUREE_SESSION_MS } from '../../db/domain/authentification.ts';

let t: TestDb;
let app: OidcApp;
let fc: BaseClient;
let aidantId: number;
let usager: { id: number; sub: string };
let autorisationFamille: number;
let sql: string[] = [];
const compter = (q: { sql: string }) => sql.push(q.sql);

beforeAll(async () => {
  t = await createTestDb();
  app = await startOidcApp({ db: t.db });
  fc = await clientFranceConnect(app.url);
  const structureId = await createStructure(t.db, { name: 'France Services de Morlaix' });
  aidantId = (await createAccount(t.db, { email: 'anne.queré@morlaix.fr', structureId, withDevice: false })).aidant.id;
  usager = await creerUsager(t.db, IDENTITES_FC.angela);
  autorisationFamille = (await creerMandat(t.db, { structureId, usagerId: usager.id, demarches: ['famille', 'argent'] })).autorisations.famille!;
  t.db.on('query', compter);
});

afterAll(async () => {
  t?.db.off('query', compter);
  await app?.close();
  await t?.drop();
});

beforeEach(() => {
  sql = [];
});

/** A browser where the aidant is logged in: its session row (activity `activiteIlYA` ms ago) and cookie. */
async function navigateurConnecte(o: { activiteIlYA?: number; expireDans?: number } = {}): Promise<{ http: HttpClient; sid: string }> {
  const sid = randomBytes(24).toString('base64url');
  const expires = new Date(Date.now() + (o.expireDans ?? DUREE_SESSION_MS));
  const { session_version } = await t.db('aidants').where({ id: aidantId }).first('session_version');
  const sess = {
    cookie: { originalMaxAge: DUREE_SESSION_MS, expires: expires.toISOString(), httpOnly: true, path: '/', sameSite: 'lax', secure: false },
    aidantId, sessionVersion: session_version, loginAt: Date.now(), lastActivityCheckAt: Date.now() - (o.activiteIlYA ?? 0), csrfToken: randomBytes(32).toString('base64url'),
  };
  await t.db('sessions').insert({ sid, sess: JSON.stringify(sess), expires_at: expires });
  const http = new HttpClient(app.url);
  http.setCookie('ac_session', encodeURIComponent(`s:${sid}.${createHmac('sha256', TEST_SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '')}`));
  return { http, sid };
}

/** The queries one request sent. */
async function requetes<T>(fn: () => Promise<T>): Promise<{ resultat: T; n: number; sql: string[] }> {
  sql = [];
  const resultat = await fn();
  return { resultat, n: sql.length, sql: [...sql] };
}

/** Authorize, answered by a redirect to the usager page: its uid. */
async function autoriser(http: HttpClient, demande = demandeFranceConnect(fc)): Promise<{ uid: string; demande: typeof demande }> {
  const res = await http.get(pathOf(demande.url));
  expect(res.status).toBe(303);
  return { uid: pathOf(res.headers.get('location')!).split('/')[2], demande };
}

const ligneSession = async (sid: string) => t.db('sessions').where({ sid }).first();

describe('queries per step of a flow (aidant already logged in)', () => {
  test('usager page 3, démarche page 2 (the list is not read again), submit 5, token 4, userinfo 3', async () => {
    const { http, sid } = await navigateurConnecte();
    const avant = await ligneSession(sid);
    const { uid, demande } = await autoriser(http);

    const liste = await requetes(() => http.get(`/interaction/${uid}`));
    expect(liste.resultat.status).toBe(200);
    // The session with its account; the pending interaction; the usager list.
    expect(liste.n).toBe(3);
    expect(liste.sql.filter((q) => /from "?sessions"? as s/.test(q))).toHaveLength(1);

    const page = await requetes(() => http.get(`/interaction/${uid}/demarche?usager=${usager.id}`));
    expect(page.resultat.status).toBe(200);
    // The session with its account; the interaction. The démarches come from the usager page's list.
    expect(page.n).toBe(2);
    const html = await page.resultat.text();
    expect(html).toContain('value="famille"');
    // The service asked for « famille » only (rep_scope): the list kept says so too.
    expect(html).not.toContain('value="argent"');

    const choix = await requetes(() => http.postForm(`/interaction/${uid}/demarche`, { usager: String(usager.id), demarche: 'famille' }, csrfFrom(html)));
    expect(choix.resultat.status).toBe(303);
    // Session and account; interaction; the autorisation checked again; grant and choice in one statement; the interaction's answer.
    expect(choix.n).toBe(5);
    expect(choix.sql.some((q) => /with grant_ecrit as/.test(q))).toBe(true);
    const grant = await t.db('oidc_choix').where({ autorisation_id: autorisationFamille }).orderBy('created_at', 'desc').first();
    expect(await t.db('oidc_payloads').where({ type: 'Grant', id: grant.grant_id }).first()).toBeDefined();

    // Nothing in the session changed (activity time of the same minute): never written again.
    expect((await ligneSession(sid)).sess).toEqual(avant.sess);
    expect(new Date((await ligneSession(sid)).expires_at).getTime()).toBe(new Date(avant.expires_at).getTime());

    let callback = pathOf(choix.resultat.headers.get('location')!);
    for (let i = 0; i < 3 && !callback.startsWith('https://'); i++) {
      const res = await http.get(callback);
      const location = res.headers.get('location')!;
      callback = location.startsWith(FC.callback) ? location : pathOf(location);
    }
    const jetons = await requetes(() => fc.callback(FC.callback, fc.callbackParams(callback), { state: demande.state, nonce: demande.nonce, response_type: 'code' }));
    // The code, the grant with the aidant's choice (one query), the code consumed, the access token.
    expect(jetons.n).toBe(4);
    const identite = await requetes(() => fc.userinfo(jetons.resultat));
    expect(identite.resultat.sub).toBe(usager.sub);
    // The access token, the grant with the choice, the journal row.
    expect(identite.n).toBe(3);
  });
});

describe('the démarche page shows the usager page’s list; the submit checks again', () => {
  test('an autorisation revoked between the two pages is refused at the submit, and nothing is written', async () => {
    const { http } = await navigateurConnecte();
    const { uid } = await autoriser(http);
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    await t.db('autorisations').where({ id: autorisationFamille }).update({ revoked_at: t.db.fn.now() });
    try {
      const page = await http.get(`/interaction/${uid}/demarche?usager=${usager.id}`);
      expect(page.status).toBe(200);
      const choixAvant = await t.db('oidc_choix').count({ n: '*' }).first();
      const refus = await http.postForm(`/interaction/${uid}/demarche`, { usager: String(usager.id), demarche: 'famille' }, csrfFrom(await page.text()));
      expect(refus.status).toBe(404);
      expect(await t.db('oidc_choix').count({ n: '*' }).first()).toEqual(choixAvant);
    } finally {
      await t.db('autorisations').where({ id: autorisationFamille }).update({ revoked_at: null });
    }
  });

  test('a request naming no démarche: every démarche of the usager, from the list too', async () => {
    const { http } = await navigateurConnecte();
    const { uid } = await autoriser(http, demandeFranceConnect(fc, { repScope: null }));
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    const page = await requetes(() => http.get(`/interaction/${uid}/demarche?usager=${usager.id}`));
    expect(page.n).toBe(2);
    const html = await page.resultat.text();
    expect(html).toContain('value="famille"');
    expect(html).toContain('value="argent"');
  });

  test('without the usager page (another web instance, or the list gone), the démarche page reads the database', async () => {
    const { http } = await navigateurConnecte();
    const { uid } = await autoriser(http);
    const page = await requetes(() => http.get(`/interaction/${uid}/demarche?usager=${usager.id}`));
    expect(page.resultat.status).toBe(200);
    expect(page.n).toBe(3);
    expect(await page.resultat.text()).toContain('value="famille"');
    // A usager outside the list: read from the database too, and refused there.
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    expect((await http.get(`/interaction/${uid}/demarche?usager=999999`)).status).toBe(404);
  });
});

describe('an unchanged session is written at most once a minute, and still ends', () => {
  test('an activity time older than a minute is written again (the 15 minutes start over)', async () => {
    const { http, sid } = await navigateurConnecte({ activiteIlYA: 2 * 60_000 });
    const { uid } = await autoriser(http);
    const debut = Date.now();
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    expect((await ligneSession(sid)).sess.lastActivityCheckAt).toBeGreaterThanOrEqual(debut);
  });

  test('an activity time of the same minute is kept as it is', async () => {
    const { http, sid } = await navigateurConnecte({ activiteIlYA: 20_000 });
    const avant = (await ligneSession(sid)).sess.lastActivityCheckAt;
    const { uid } = await autoriser(http);
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    expect((await ligneSession(sid)).sess.lastActivityCheckAt).toBe(avant);
  });

  test('after 15 minutes without activity, a fresh code is still asked', async () => {
    const { http } = await navigateurConnecte({ activiteIlYA: 16 * 60_000 });
    const { uid } = await autoriser(http);
    const res = await http.get(`/interaction/${uid}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/verification?suivant=${encodeURIComponent(`/interaction/${uid}`)}`);
  });

  test('the expiry is written again once it would move on by more than a minute', async () => {
    const { http, sid } = await navigateurConnecte({ expireDans: DUREE_SESSION_MS - 10 * 60_000 });
    const { uid } = await autoriser(http);
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    expect(new Date((await ligneSession(sid)).expires_at).getTime()).toBeGreaterThan(Date.now() + DUREE_SESSION_MS - 60_000);
  });

  test('an expiry less than a minute behind is not written again', async () => {
    const { http, sid } = await navigateurConnecte({ expireDans: DUREE_SESSION_MS - 20_000 });
    const avant = new Date((await ligneSession(sid)).expires_at).getTime();
    const { uid } = await autoriser(http);
    expect((await http.get(`/interaction/${uid}`)).status).toBe(200);
    expect(new Date((await ligneSession(sid)).expires_at).getTime()).toBe(avant);
  });

  test('an expired session is not read: the aidant logs in again', async () => {
    const { http, sid } = await navigateurConnecte();
    await t.db('sessions').where({ sid }).update({ expires_at: new Date(Date.now() - 1000) });
    const { uid } = await autoriser(http);
    const res = await http.get(`/interaction/${uid}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/connexion?suivant=${encodeURIComponent(`/interaction/${uid}`)}`);
  });

  test('a session changed by the request is stored before its redirect leaves', async () => {
    const { http, sid } = await navigateurConnecte();
    const { uid } = await autoriser(http);
    // No usager chosen: a notice for the next page, then the redirect.
    const res = await http.get(`/interaction/${uid}/demarche?usager=`);
    expect(res.status).toBe(303);
    expect((await ligneSession(sid)).sess.flash).toEqual([{ type: 'error', text: 'Choisissez la personne que vous accompagnez.' }]);
  });
});
