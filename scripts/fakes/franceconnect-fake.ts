// A local FranceConnect sandbox for development and tests: a real OpenID Connect provider (oidc-provider) that
// behaves like FranceConnect towards a service: authorize → a page listing test identities (or cancel →
// error=access_denied) → code → token (client_secret_post) → ES256-signed ID token with acr=eidas1 (JWKS
// published) → userinfo with the pivot claims of the granted scopes → end-session redirecting back with state.
// Storage is in memory: it is a dev/test fake. Started by `npm start` (scripts/processes/franceconnect.ts) and by
// the tests (tests/helpers/franceconnect.ts).
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import Provider, { errors, interactionPolicy, type ClientMetadata, type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { IDENTITES_TEST_FRANCECONNECT, type IdentiteTestFranceConnect } from './franceconnect-identites.ts';
import { pageChoixIdentite, pageDeconnecte, pageDeconnexion, pageErreur } from './franceconnect-pages.ts';
import { createMemoryStore } from './oidc-memory-store.ts';

export { IDENTITES_TEST_FRANCECONNECT, type IdentiteTestFranceConnect } from './franceconnect-identites.ts';

export interface ClientFranceConnectFake {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface FranceConnectFakeOptions {
  port?: number;
  host?: string;
  clients: ClientFranceConnectFake[];
  /** Identities listed on the login page (default: FranceConnect's test identities). */
  identites?: readonly IdentiteTestFranceConnect[];
  /** `acr` of the ID tokens (default `eidas1`; null: none). For robustness tests. */
  acr?: string | null;
  /** `kid` of the signing key (default: random). Two fakes with the same kid sign with different keys. */
  kid?: string;
}

export interface FranceConnectFake {
  issuer: string;
  url: string;
  /** Registers one more service (e.g. once the app's port is known). */
  registerClient(client: ClientFranceConnectFake): void;
  stop(): Promise<void>;
}

/** FranceConnect v2's paths (its issuer being `…/api/v2`); the client finds them by discovery anyway. */
const ROUTES = {
  authorization: '/api/v2/authorize',
  token: '/api/v2/token',
  userinfo: '/api/v2/userinfo',
  end_session: '/api/v2/session/end',
  jwks: '/api/v2/jwks',
};

/** FranceConnect's claims, each also requestable as a scope of its own (as FranceConnect allows). */
const CLAIMS_PIVOT = ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'] as const;

const dsfrDist = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');

function clientMetadata(c: ClientFranceConnectFake): ClientMetadata {
  return {
    client_id: c.clientId,
    client_secret: c.clientSecret,
    client_name: c.clientId,
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };
}

function signingKey(kid: string): JWK {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'ES256', use: 'sig' };
}

export async function startFranceConnectFake(opts: FranceConnectFakeOptions): Promise<FranceConnectFake> {
  const host = opts.host ?? '127.0.0.1';
  const identites = opts.identites ?? IDENTITES_TEST_FRANCECONNECT;
  const acr = opts.acr === undefined ? 'eidas1' : opts.acr;
  const store = createMemoryStore();

  // The issuer contains the port: listen first (port 0 = any free port), then build the provider.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const issuer = `http://${host}:${port}`;

  // FranceConnect asks for the identity on every authorization: a browser may serve several usagers.
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('franceconnect_toujours', "FranceConnect demande l'identité à chaque autorisation", (ctx) =>
      (ctx.oidc as unknown as { result?: { login?: unknown } }).result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
    0,
  );

  const configuration: Configuration = {
    adapter: (model: string) => store.adapter(model),
    clients: opts.clients.map(clientMetadata),
    jwks: { keys: [signingKey(opts.kid ?? `fc-bac-a-sable-${randomBytes(6).toString('hex')}`)] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid'],
    acrValues: [...new Set(['eidas1', ...(acr ? [acr] : [])])],
    claims: {
      openid: ['sub'],
      ...Object.fromEntries(CLAIMS_PIVOT.map((c) => [c, [c]])),
      profile: ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender'],
      birth: ['birthplace', 'birthcountry'],
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = pageDeconnexion(form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = pageDeconnecte();
        },
      },
    },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_post'],
    pkce: { required: () => false },
    issueRefreshToken: async () => false,
    // FranceConnect's own lifetimes (core and mocks).
    ttl: { AuthorizationCode: 30, AccessToken: 60, IdToken: 60, Interaction: 1800, Session: 1800, Grant: 1800 },
    routes: ROUTES,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy },
    async findAccount(_ctx, sub) {
      const found = identites.find((i) => i.sub === sub);
      if (!found) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...found.pivot }) };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = pageErreur('Une erreur est survenue', `${out.error}${out.error_description ? ` : ${out.error_description}` : ''}`);
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: KoaContextWithOIDC, err: Error) => console.error('franceconnect: erreur interne', err));

  const app = express();
  app.disable('x-powered-by');
  app.use('/dsfr', express.static(dsfrDist, { index: false }));
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  // FranceConnect refuses an authorization request without state or nonce (an error page, not a redirect).
  app.get(ROUTES.authorization, (req, res, next) => {
    const { state, nonce } = req.query;
    if (typeof state !== 'string' || !state || typeof nonce !== 'string' || !nonce) {
      res.status(400).type('html').send(pageErreur('Requête invalide', 'Les paramètres « state » et « nonce » sont obligatoires.'));
      return;
    }
    next();
  });

  const details = async (req: Request, res: Response) => {
    const d = await provider.interactionDetails(req, res);
    if (d.uid !== req.params.uid) throw new errors.SessionNotFound('interaction mismatch');
    return d;
  };
  const page = async (req: Request, res: Response, erreur?: string) => {
    const d = await details(req, res);
    const client = await provider.Client.find(String(d.params.client_id));
    res.status(erreur ? 400 : 200).type('html').send(pageChoixIdentite({
      uid: d.uid,
      client: client?.clientName ?? String(d.params.client_id),
      scopes: String(d.params.scope ?? '').split(' ').filter(Boolean),
      identites,
      erreur,
    }));
  };

  app.get('/interaction/:uid', (req, res) => page(req, res));

  app.post('/interaction/:uid/connexion', form, async (req, res) => {
    const d = await details(req, res);
    const identite = identites.find((i) => i.identifiant === req.body?.identifiant);
    if (!identite) return page(req, res, 'Choisissez une des identités de test.');
    const grant = new provider.Grant({ accountId: identite.sub, clientId: String(d.params.client_id) });
    grant.addOIDCScope(String(d.params.scope ?? 'openid'));
    if (typeof d.params.claims === 'string') {
      const claims = JSON.parse(d.params.claims) as { id_token?: object; userinfo?: object };
      grant.addOIDCClaims([...Object.keys(claims.id_token ?? {}), ...Object.keys(claims.userinfo ?? {})]);
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, {
      login: { accountId: identite.sub, ...(acr ? { acr } : {}), amr: ['pwd'], remember: false },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
  });

  app.post('/interaction/:uid/annuler', form, async (req, res) => {
    await details(req, res);
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: "L'usager a annulé la connexion FranceConnect." }, { mergeWithLastSubmission: false });
  });

  app.use(provider.callback());

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof errors.SessionNotFound) {
      res.status(400).type('html').send(pageErreur('Connexion expirée', "Cette connexion FranceConnect n'est plus valable : recommencez depuis le service."));
      return;
    }
    console.error('franceconnect: erreur', err);
    res.status(500).type('html').send(pageErreur('Une erreur est survenue', 'Recommencez depuis le service.'));
  });

  // No keep-alive: a fake stopped and restarted on the same port (tests) must not leave clients holding
  // pooled sockets to the previous instance.
  server.on('request', (req, res) => {
    res.shouldKeepAlive = false;
    app(req, res);
  });

  return {
    issuer,
    url: issuer,
    registerClient(client) {
      store.put('Client', client.clientId, clientMetadata(client) as never);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
