// The identity provider under test: the app listening on loopback with the provider's issuer = its own URL,
// FranceConnect's client registered like production (v2 callbacks, client_secret_post, HS256), usagers with
// FranceConnect's own test identities, mandats and autorisations inserted directly, and an independent
// relying party (openid-client 5.7.0, FranceConnect's version) configured like FranceConnect.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Issuer, type BaseClient } from 'openid-client-5';
import type { Db } from '../../db/connection.ts';
import { createApp, type AppDeps } from '../../api/app.ts';
import type { Mailer } from '../../activities/ports/mailer.ts';
import { startOutboxRelay } from '../../workers/outbox-relay.ts';
import { oidcSettingsFromEnv, type OidcSettings } from '../../api/oidc/configuration.ts';
import { createOidcProvider, type OidcInstance } from '../../api/oidc/provider.ts';
import { pagesFournisseurIdentite } from '../../web/oidc/pages.ts';
import { logger } from '../../api/logger.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import type { IdentitePivot } from '../../db/domain/identite-pivot.ts';
import { csrfFrom, HttpClient } from './web.ts';
import { totpCode } from './auth.ts';
import type { MailCatcher } from './mail.ts';

export const FC = {
  clientId: 'franceconnect-v2-integration',
  clientSecret: 'un-secret-de-test-franceconnect-de-plus-de-32-caracteres',
  callback: 'https://fc.example.test/api/v2/oidc-callback',
  postLogout: 'https://fc.example.test/api/v2/client/logout-callback',
  scope: 'openid profile email birth',
};

/** FranceConnect's test identities (france-connect/sources, fcp-low mocks, citizen/base.csv), as FC sends them. */
export const IDENTITES_FC = {
  angela: { given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female', birthplace: '75107', birthcountry: '99100', email: 'wossewodda-3728@yopmail.com' },
  pierre: { given_name: 'Pierre', family_name: 'MERCIER', preferred_username: 'DUBOIS', birthdate: '1969-03-17', gender: 'male', birthplace: '95277', birthcountry: '99100', email: 'ymmyffarapp-1777@yopmail.com' },
  julie: { given_name: 'JulieéàèùòœæŒÆ', family_name: 'DURANTéàèùòœæŒÆ', birthdate: '1972-06-14', gender: 'female', birthplace: '2B002', birthcountry: '99100', email: 'test@yopmail.com' },
  henry: { given_name: 'Henry', family_name: 'SÉGUIN', birthdate: '1955-06-19', gender: 'male', birthplace: '', birthcountry: '99139', email: 'sanellaffilu-1962@yopmail.com' },
  jean: { given_name: 'Jean', family_name: 'TARGE', birthdate: '1992-00-00', gender: 'male', birthplace: '', birthcountry: '99217', email: 'jean-targe@yopmail.com' },
} satisfies Record<string, Omit<IdentitePivot, 'preferred_username'> & { preferred_username?: string }>;

export type IdentiteFc = (typeof IDENTITES_FC)[keyof typeof IDENTITES_FC];

/** A usager as mandat creation stores it: the pivot identity unchanged, `sub` = hex SHA-256(FC sub + salt). */
export async function creerUsager(db: Db, identite: IdentiteFc): Promise<{ id: number; sub: string }> {
  const sub = createHash('sha256').update(`fc-sub-${randomBytes(8).toString('hex')}` + 'sel-de-test').digest('hex');
  const [row] = await db('usagers')
    .insert({ ...identite, preferred_username: 'preferred_username' in identite ? identite.preferred_username : null, birthplace: identite.birthplace || null, sub })
    .returning(['id', 'sub']);
  return row;
}

/** An active mandat of a structure for a usager, one autorisation per démarche. */
export async function creerMandat(
  db: Db,
  o: { structureId: number; usagerId: number; aidantId?: number; demarches: Demarche[]; expiresAt?: Date },
): Promise<{ mandatId: number; autorisations: Partial<Record<Demarche, number>> }> {
  const [mandat] = await db('mandats')
    .insert({
      structure_id: o.structureId,
      usager_id: o.usagerId,
      aidant_id: o.aidantId ?? null,
      expires_at: o.expiresAt ?? new Date(Date.now() + 365 * 24 * 3600 * 1000),
      duree_keyword: 'LONG',
      status: 'active',
    })
    .returning('id');
  const autorisations: Partial<Record<Demarche, number>> = {};
  for (const demarche of o.demarches) {
    const [a] = await db('autorisations').insert({ mandat_id: mandat.id, demarche }).returning('id');
    autorisations[demarche] = a.id;
  }
  return { mandatId: mandat.id, autorisations };
}

export interface OidcApp {
  url: string;
  oidc: OidcInstance;
  settings: OidcSettings;
  close(): Promise<void>;
}

/** Starts the app with the identity provider; the issuer is the listening URL (known only once listening). */
export async function startOidcApp(
  { mailer, ...deps }: Omit<AppDeps, 'sessionSecret' | 'oidc' | 'temporal'> & Partial<Pick<AppDeps, 'temporal'>> & { mailer?: Mailer },
  env: NodeJS.ProcessEnv = {},
): Promise<OidcApp> {
  let handler: ((req: unknown, res: unknown) => void) | null = null;
  const server: Server = createServer((req, res) => handler!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = oidcSettingsFromEnv(
    {
      FC_AS_FI_CLIENT_ID: FC.clientId,
      FC_AS_FI_CLIENT_SECRET: FC.clientSecret,
      FC_AS_FI_REDIRECT_URIS: FC.callback,
      FC_AS_FI_POST_LOGOUT_REDIRECT_URIS: FC.postLogout,
      ...env,
    },
    { publicUrl: url, production: false },
  );
  const oidc = createOidcProvider({ db: deps.db, settings, logger: logger.child({ test: true }), pages: pagesFournisseurIdentite });
  const app = createApp({
    sessionSecret: 'test-session-secret-that-is-long-enough',
    temporal: async () => { throw new Error('temporal is not configured in this test'); },
    publicUrl: url,
    ...deps,
    oidc,
  });
  handler = app as unknown as (req: unknown, res: unknown) => void;
  // The app only writes emails to the outbox: given a mailer, the worker's relay runs beside it.
  const relay = mailer ? startOutboxRelay({ db: deps.db, ports: { mailer }, sweepMs: 500 }) : null;
  return {
    url,
    oidc,
    settings,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await relay?.stop();
    },
  };
}

/** FranceConnect's client towards us: static endpoints (as FC's record of Aidants Connect) or discovery. */
export async function clientFranceConnect(url: string, o: { discovery?: boolean; secret?: string; idTokenAlg?: string; userinfoAlg?: string } = {}): Promise<BaseClient> {
  const issuer = o.discovery
    ? await Issuer.discover(url)
    : new Issuer({
        issuer: url,
        authorization_endpoint: `${url}/authorize/`,
        token_endpoint: `${url}/token/`,
        userinfo_endpoint: `${url}/userinfo/`,
        end_session_endpoint: `${url}/logout/`,
      });
  return new issuer.Client({
    client_id: FC.clientId,
    client_secret: o.secret ?? FC.clientSecret,
    redirect_uris: [FC.callback],
    post_logout_redirect_uris: [FC.postLogout],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: o.idTokenAlg ?? 'HS256',
    ...(o.userinfoAlg ? { userinfo_signed_response_alg: o.userinfoAlg } : {}),
  });
}

export interface DemandeFc {
  url: string;
  state: string;
  nonce: string;
}

/** An authorization URL as FranceConnect v2 builds it: prompt=login, 64-hex state and nonce, acr eidas1, rep_scope. */
export function demandeFranceConnect(client: BaseClient, o: { repScope?: string[] | null; scope?: string; acr?: string; extra?: Record<string, string> } = {}): DemandeFc {
  const state = randomBytes(32).toString('hex');
  const nonce = randomBytes(32).toString('hex');
  const repScope = o.repScope === undefined ? ['famille'] : o.repScope;
  const url = client.authorizationUrl({
    redirect_uri: FC.callback,
    scope: o.scope ?? FC.scope,
    acr_values: o.acr ?? 'eidas1',
    prompt: 'login',
    state,
    nonce,
    ...(repScope ? { claims: JSON.stringify({ id_token: { rep_scope: { essential: true, values: repScope } } }) } : {}),
    ...o.extra,
  });
  return { url, state, nonce };
}

/** Path and query of an absolute URL of the app (HttpClient speaks relative paths). */
export const pathOf = (url: string) => {
  const u = new URL(url, 'http://relative.invalid');
  return u.pathname + u.search;
};

/** Follows the provider's redirects from the authorization URL until a page of ours or FC's callback. */
export async function suivre(http: HttpClient, url: string, baseUrl: string): Promise<{ status: number; location: string | null; body: string; path: string }> {
  let path = pathOf(url);
  for (let i = 0; i < 10; i++) {
    const res = await http.get(path);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, baseUrl);
      if (next.origin !== baseUrl) return { status: res.status, location: next.href, body: '', path };
      path = next.pathname + next.search;
      if (next.pathname.startsWith('/connexion') || next.pathname.startsWith('/verification')) return { status: res.status, location: next.href, body: '', path };
      continue;
    }
    return { status: res.status, location, body: await res.text(), path };
  }
  throw new Error('too many redirects');
}

/**
 * The aidant (already logged in) answers an authorization: the usager page, the démarche page, the final
 * POST, then the provider's redirect to FranceConnect's callback. Returns that callback URL.
 */
export async function choisir(http: HttpClient, baseUrl: string, demande: DemandeFc, choix: { usagerId: number; demarche: Demarche }): Promise<string> {
  const liste = await suivre(http, demande.url, baseUrl);
  if (liste.status !== 200 || !liste.path.startsWith('/interaction/')) throw new Error(`usager page expected, got ${liste.status} ${liste.path} ${liste.location}`);
  const uid = liste.path.split('/')[2].split('?')[0];
  const page = await http.get(`/interaction/${uid}/demarche?usager=${choix.usagerId}`);
  if (page.status !== 200) throw new Error(`démarche page: ${page.status}`);
  const html = await page.text();
  const done = await http.postForm(`/interaction/${uid}/demarche`, { usager: String(choix.usagerId), demarche: choix.demarche }, csrfFrom(html));
  if (done.status !== 303) throw new Error(`choice refused: ${done.status}`);
  const fin = await suivre(http, done.headers.get('location')!, baseUrl);
  if (!fin.location) throw new Error(`no redirect to FranceConnect: ${fin.status} ${fin.path}`);
  return fin.location;
}

/** The uid of the interaction a usager page belongs to. */
export const uidOf = (path: string) => path.split('/')[2].split('?')[0];

/** An HS256 JWT signed with the client secret (a forged or expired id_token_hint). */
export function jwtHs256(payload: Record<string, unknown>, secret = FC.clientSecret): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** Decodes a JWT's payload without checking it (the relying party already did). */
export const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/**
 * The login an interaction sends the aidant to (/connexion?suivant=/interaction/<uid>): email + TOTP, the
 * magic link from the mail catcher, and the redirect back. Returns where the login sends the browser.
 */
export async function loginPuisRetour(http: HttpClient, catcher: MailCatcher, loginUrl: string, email: string, totpSecret: string): Promise<string> {
  const path = pathOf(loginUrl);
  const form = await (await http.get(path)).text();
  const before = catcher.emails().length;
  const sent = await http.postForm(path, { email, code: await totpCode(totpSecret) }, csrfFrom(form));
  if (sent.status !== 200) throw new Error(`login refused: ${sent.status}`);
  const mail = await catcher.waitFor((m) => catcher.emails().indexOf(m) >= before && m.to.includes(email.toLowerCase()));
  const link = pathOf(mail.text.match(/https?:\/\/\S+\/connexion\/lien\/[A-Za-z0-9_-]+/)![0]);
  const confirm = await (await http.get(link)).text();
  const done = await http.postForm(link, {}, csrfFrom(confirm));
  if (done.status !== 303) throw new Error(`magic link refused: ${done.status}`);
  return done.headers.get('location')!;
}
