// The FranceConnect client (openid-client, the library FranceConnect itself uses): identifies a usager at
// mandat creation (api/franceconnect/README.md#client-franceconnect). Everything FranceConnect returns is checked before use: state, the
// code exchange (client_secret_post), the ID token (signature through FranceConnect's JWKS, iss, aud, exp,
// nonce, acr), the userinfo subject and the pivot identity.
import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { validerIdentitePivot, type IdentitePivot } from '../../db/domain/usager.ts';
import { estIssuerLocal, type FranceConnectConfig } from './config.ts';
import { FranceConnectError } from './errors.ts';

/** Each pivot claim is a scope of its own at FranceConnect. */
export const SCOPES_FRANCECONNECT = 'openid email gender birthdate birthplace given_name family_name birthcountry preferred_username';
/** FranceConnect (not FranceConnect+) authenticates at the eIDAS "low" level; anything else is not FranceConnect. */
export const ACR_FRANCECONNECT = 'eidas1';

export interface ResultatFranceConnect {
  /** FranceConnect's `sub` for this usager (to hash with subUsager before storing). */
  fcSub: string;
  identite: IdentitePivot;
  /** For the end-session request (id_token_hint). */
  idToken: string;
}

export interface FranceConnectClient {
  /** Where the aidant's browser is sent (the pages' CSP allows forms to end there). */
  readonly origin: string;
  authorizationUrl(p: { state: string; nonce: string }): Promise<string>;
  /**
   * Verifies state, code exchange, ID token (signature, iss, aud, exp, nonce, acr=eidas1), fetches userinfo,
   * validates the pivot identity. Only the query of `currentUrl` is read (the callback path is ours). Throws
   * FranceConnectError.
   */
  callback(currentUrl: URL, expected: { state: string; nonce: string }): Promise<ResultatFranceConnect>;
  logoutUrl(p: { idToken: string; state: string }): Promise<string>;
  /** The same client with the espace usager's URIs (issue 21); null when the configuration has none. */
  readonly espaceUsager: FranceConnectClient | null;
}

/** openid-client failures that say FranceConnect (or the network) is not answering properly. */
const CODES_INDISPONIBLE = new Set([
  'OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_HTTP_REQUEST_FORBIDDEN',
  'OAUTH_REQUEST_PROTOCOL_FORBIDDEN', 'OAUTH_MISSING_SERVER_METADATA', 'OAUTH_INVALID_SERVER_METADATA',
]);

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.name}${code ? ` ${String(code)}` : ''}: ${err.message}${cause}`;
}

function classify(err: unknown, step: string): FranceConnectError {
  if (err instanceof FranceConnectError) return err;
  const detail = `${step}: ${describe(err)}`;
  // A replayed or expired code: the callback URL was already used (back button, reload) or is too old.
  if (err instanceof oidc.ResponseBodyError) {
    return new FranceConnectError(err.error === 'invalid_grant' ? 'state_invalide' : 'indisponible', `${detail} [${err.error}]`, { cause: err });
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError || err instanceof TypeError) {
    return new FranceConnectError('indisponible', detail, { cause: err });
  }
  if (err instanceof oidc.ClientError && err.code && CODES_INDISPONIBLE.has(err.code)) {
    return new FranceConnectError('indisponible', detail, { cause: err });
  }
  // Signature, issuer, audience, expiry, nonce, subject: the response cannot be trusted.
  return new FranceConnectError('jeton_invalide', detail, { cause: err });
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The `state` of a return is the one the draft expects: only then may the return consume it (issue 18,
 * item 7) — a stray or attacker-induced GET with another state must not void the genuine return.
 */
export function stateCorrespond(recu: unknown, attendu: string): boolean {
  return typeof recu === 'string' && recu.length > 0 && attendu.length > 0 && sameString(recu, attendu);
}

export function createFranceConnectClient(config: FranceConnectConfig, decouverte?: () => Promise<oidc.Configuration>): FranceConnectClient {
  // Discovery once, lazily (the app starts even when FranceConnect is down); retried after a failure.
  // openid-client keeps FranceConnect's JWKS cached on this configuration and refreshes it on unknown keys.
  let configuration: Promise<oidc.Configuration> | null = null;
  const decouvrir = (): Promise<oidc.Configuration> => {
    configuration ??= oidc
      .discovery(
        new URL(config.issuer),
        config.clientId,
        { [oidc.clockTolerance]: 10 },
        oidc.ClientSecretPost(config.clientSecret),
        {
          timeout: 10,
          execute: [
            ...(estIssuerLocal(config.issuer) ? [oidc.allowInsecureRequests] : []),
            // The ID token comes straight from the token endpoint, where openid-client would only rely on TLS:
            // we also check its signature against FranceConnect's published keys.
            oidc.enableNonRepudiationChecks,
          ],
        },
      )
      .catch((err: unknown) => {
        configuration = null;
        throw new FranceConnectError('indisponible', `discovery ${config.issuer}: ${describe(err)}`, { cause: err });
      });
    return configuration;
  };
  const discover = decouverte ?? decouvrir;

  return {
    origin: new URL(config.issuer).origin,
    // Shares the discovery and FranceConnect's cached keys.
    espaceUsager: config.espaceUsager
      ? createFranceConnectClient({ ...config, ...config.espaceUsager, espaceUsager: undefined }, discover)
      : null,

    async authorizationUrl({ state, nonce }) {
      const c = await discover();
      return oidc.buildAuthorizationUrl(c, {
        redirect_uri: config.redirectUri,
        scope: SCOPES_FRANCECONNECT,
        state,
        nonce,
        acr_values: ACR_FRANCECONNECT,
        // Never reuse a FranceConnect session left in this browser: it may be another usager's.
        prompt: 'login',
      }).href;
    },

    async callback(currentUrl, expected) {
      const params = currentUrl.searchParams;
      const state = params.get('state');
      if (!state || !expected.state || !sameString(state, expected.state)) {
        throw new FranceConnectError('state_invalide', state ? 'state does not match' : 'no state in the callback');
      }
      const error = params.get('error');
      if (error) {
        const detail = `authorization error ${error}: ${params.get('error_description') ?? ''}`;
        throw new FranceConnectError(error === 'access_denied' ? 'access_denied' : 'indisponible', detail);
      }
      if (!params.get('code')) throw new FranceConnectError('state_invalide', 'no code in the callback');

      const c = await discover();
      // The redirect_uri sent with the code must be byte-identical to the registered one, whatever host
      // or proxy the request came through.
      const url = new URL(config.redirectUri);
      url.search = currentUrl.search;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(c, url, { expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true });
      } catch (err) {
        throw classify(err, 'token');
      }
      const claims = tokens.claims();
      if (!claims || !tokens.id_token) throw new FranceConnectError('jeton_invalide', 'no ID token');
      if (claims.acr !== ACR_FRANCECONNECT) {
        throw new FranceConnectError('jeton_invalide', `acr ${JSON.stringify(claims.acr)} instead of ${ACR_FRANCECONNECT}`);
      }
      let userinfo: oidc.UserInfoResponse;
      try {
        userinfo = await oidc.fetchUserInfo(c, tokens.access_token, claims.sub);
      } catch (err) {
        throw classify(err, 'userinfo');
      }
      const pivot = validerIdentitePivot(userinfo);
      if (!pivot.ok) throw new FranceConnectError('identite_invalide', `userinfo: ${pivot.erreurs.join(' ; ')}`);
      return { fcSub: claims.sub, identite: pivot.identite, idToken: tokens.id_token };
    },

    async logoutUrl({ idToken, state }) {
      const c = await discover();
      return oidc.buildEndSessionUrl(c, { id_token_hint: idToken, state, post_logout_redirect_uri: config.postLogoutRedirectUri }).href;
    },
  };
}
