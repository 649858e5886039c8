// Configuration of Aidants Connect as FranceConnect's identity provider (api/franceconnect/README.md#fournisseur-didentité): the legacy
// endpoints with their trailing slash, the FranceConnect client from the environment, lifetimes, claims
// of the pivot identity, acr eidas1, features off unless needed, and an interaction policy that asks the
// aidant to choose a usager on every authorization (a browser may serve several usagers).
import { errors, interactionPolicy, type Configuration, type FindAccount, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../../db/connection.ts';
import { ACR_FRANCECONNECT, erreurDemandeFranceConnect, lireRepScope } from '../../db/domain/fournisseur-identite.ts';
import { oidcKeysFromEnv, OidcConfigError, type OidcKeys } from './keys.ts';
import { pgAdapterFactory } from './adapter.ts';

export { OidcConfigError };

export interface FranceConnectClient {
  clientId: string;
  /** Kept in clear in memory only: HS256 ID tokens are keyed with it. ≥ 32 characters. */
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  idTokenAlg: string;
  /** null: JSON userinfo; else a signed JWT (application/jwt). */
  userinfoAlg: string | null;
}

/** Lifetimes in seconds (api/franceconnect/README.md#durées-de-vie). */
export interface OidcTtl {
  AuthorizationCode: number;
  AccessToken: number;
  IdToken: number;
  Interaction: number;
  Session: number;
  Grant: number;
}

export const DUREES_OIDC: OidcTtl = {
  AuthorizationCode: 60,
  AccessToken: 120,
  IdToken: 120,
  // The aidant may log in inside it (email + code + magic link).
  Interaction: 30 * 60,
  Session: 30 * 60,
  Grant: 10 * 60,
};

export interface OidcSettings {
  issuer: string;
  client: FranceConnectClient;
  keys: OidcKeys;
  ttl: OidcTtl;
  production: boolean;
}

const ALGS = ['HS256', 'RS256', 'PS256', 'ES256'];
export const DEV_CLIENT_SECRET = 'dev-secret-franceconnect-local-not-for-production';
export const DEV_CLIENT_ID = 'franceconnect-local';
/** Port of the local relying party that plays FranceConnect in development (scripts/fakes/fournisseur-service-fake.ts). */
export const DEV_FOURNISSEUR_SERVICE_PORT = 1095;

const list = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter(Boolean);

function validUrl(value: string, production: boolean): boolean {
  try {
    const url = new URL(value);
    return production ? url.protocol === 'https:' : url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Settings from the environment, with development defaults; throws OidcConfigError (French) when unusable. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv, opts: { publicUrl: string; production: boolean }): OidcSettings {
  const { production } = opts;
  const issuer = env.OIDC_ISSUER || opts.publicUrl;
  if (!validUrl(issuer, production)) throw new OidcConfigError(`OIDC_ISSUER doit être une adresse ${production ? 'https' : 'http(s)'} (reçu : ${issuer}).`);

  const devRp = `http://127.0.0.1:${env.FOURNISSEUR_SERVICE_FAKE_PORT ?? DEV_FOURNISSEUR_SERVICE_PORT}`;
  const clientId = env.FC_AS_FI_CLIENT_ID || (production ? '' : DEV_CLIENT_ID);
  const clientSecret = env.FC_AS_FI_CLIENT_SECRET || (production ? '' : DEV_CLIENT_SECRET);
  const redirectUris = env.FC_AS_FI_REDIRECT_URIS ? list(env.FC_AS_FI_REDIRECT_URIS) : production ? [] : [`${devRp}/api/v2/oidc-callback`];
  const postLogoutRedirectUris = env.FC_AS_FI_POST_LOGOUT_REDIRECT_URIS
    ? list(env.FC_AS_FI_POST_LOGOUT_REDIRECT_URIS)
    : production ? [] : [`${devRp}/api/v2/client/logout-callback`];
  const idTokenAlg = env.FC_AS_FI_ID_TOKEN_ALG || 'HS256';
  const userinfoAlg = env.FC_AS_FI_USERINFO_ALG || null;

  if (!clientId) throw new OidcConfigError('FC_AS_FI_CLIENT_ID doit être défini (identifiant de FranceConnect chez nous).');
  if (clientSecret.length < 32) throw new OidcConfigError('FC_AS_FI_CLIENT_SECRET doit faire au moins 32 caractères.');
  if (production && clientSecret === DEV_CLIENT_SECRET) throw new OidcConfigError('FC_AS_FI_CLIENT_SECRET est celui de développement : refusé en production.');
  if (!redirectUris.length || !redirectUris.every((u) => validUrl(u, production))) {
    throw new OidcConfigError(`FC_AS_FI_REDIRECT_URIS doit lister les adresses de retour de FranceConnect${production ? ' (https)' : ''}.`);
  }
  if (!postLogoutRedirectUris.every((u) => validUrl(u, production))) {
    throw new OidcConfigError('FC_AS_FI_POST_LOGOUT_REDIRECT_URIS contient une adresse invalide.');
  }
  if (!ALGS.includes(idTokenAlg)) throw new OidcConfigError(`FC_AS_FI_ID_TOKEN_ALG doit valoir ${ALGS.join(', ')}.`);
  if (userinfoAlg && !ALGS.includes(userinfoAlg)) throw new OidcConfigError(`FC_AS_FI_USERINFO_ALG doit être vide (JSON) ou valoir ${ALGS.join(', ')}.`);

  const keys = oidcKeysFromEnv(env, { production, algs: [idTokenAlg, ...(userinfoAlg ? [userinfoAlg] : [])] });
  return {
    issuer,
    client: { clientId, clientSecret, redirectUris, postLogoutRedirectUris, idTokenAlg, userinfoAlg },
    keys,
    ttl: DUREES_OIDC,
    production,
  };
}

/**
 * Interaction policy: the base login and consent prompts, plus two checks on the login prompt.
 * - FranceConnect's request must be well-formed (acr, scopes, state, nonce, rep_scope): otherwise the error
 *   goes back to FranceConnect's callback at once, with `state`, before anyone is asked to log in.
 * - Every authorization asks the aidant to choose, unless it is resuming with that choice.
 */
export function politiqueInteractions(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(
    new interactionPolicy.Check('demande_franceconnect', 'the request must be a FranceConnect v2 request', (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params!;
      const repScope = lireRepScope(params.claims);
      const erreur = erreurDemandeFranceConnect({ acr_values: params.acr_values, scope: params.scope, state: params.state, nonce: params.nonce, repScope: repScope.valeurs });
      if (erreur) throw new errors.InvalidRequest(erreur.message);
      return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  login.checks.add(
    new interactionPolicy.Check('choix_usager', 'the aidant chooses the usager and the démarche', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

/** The two pages oidc-provider renders itself (web/oidc/pages.ts), given by the process that builds the provider. */
export interface PagesFournisseurIdentite {
  deconnexion(): string;
  erreur(out: { error: string; error_description?: string }): string;
}

export function providerConfiguration(settings: OidcSettings, deps: { db: Db; findAccount: FindAccount; pages: PagesFournisseurIdentite }): Configuration {
  const { client, ttl } = settings;
  return {
    adapter: pgAdapterFactory(deps.db),
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        // FranceConnect reads the answer in the query (issue 18, item 9); provider.ts refuses other modes first.
        response_modes: ['query'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: client.idTokenAlg as never,
        ...(client.userinfoAlg ? { userinfo_signed_response_alg: client.userinfoAlg as never } : {}),
      },
    ],
    clientAuthMethods: ['client_secret_post'],
    jwks: settings.keys.jwks as Configuration['jwks'],
    cookies: {
      keys: settings.keys.cookieKeys,
      names: { session: 'ac_oidc_session', interaction: 'ac_oidc_interaction', resume: 'ac_oidc_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    routes: {
      authorization: '/authorize/',
      token: '/token/',
      userinfo: '/userinfo/',
      end_session: '/logout/',
      jwks: '/jwks/',
    },
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'email', 'birth'],
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate', 'gender', 'preferred_username'],
      birth: ['birthplace', 'birthcountry'],
      email: ['email'],
      rep_scope: null,
      acr: null,
      auth_time: null,
      iss: null,
    },
    acrValues: [ACR_FRANCECONNECT],
    conformIdTokenClaims: true,
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The logout is answered by a redirect before any page (provider.ts); these pages are the fallback.
        logoutSource: async (ctx) => {
          ctx.body = deps.pages.deconnexion();
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = deps.pages.deconnexion();
        },
      },
      jwtUserinfo: { enabled: true },
      userinfo: { enabled: true },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      registration: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      encryption: { enabled: false },
      backchannelLogout: { enabled: false },
    },
    enabledJWA: {
      idTokenSigningAlgValues: ALGS as never,
      userinfoSigningAlgValues: ALGS as never,
    },
    pkce: { required: () => false },
    // No issueRefreshToken: overriding it makes oidc-provider register and advertise the refresh_token grant;
    // by default it issues none to a client without that grant and without offline_access (issue 18, item 9).
    // Codes and tokens do not die with the provider's browser session, which ends right after each authorization.
    expiresWithSession: async () => false,
    ttl: { ...ttl },
    interactions: {
      policy: politiqueInteractions(),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    findAccount: deps.findAccount,
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = deps.pages.erreur(out);
    },
    allowOmittingSingleRegisteredRedirectUri: false,
  };
}
