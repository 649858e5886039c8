// Configuration of the identity provider: development defaults work as is; production refuses to start with
// development keys or secrets, short secrets, plain-http addresses, weak or duplicated keys.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { oidcSettingsFromEnv, OidcConfigError, DEV_CLIENT_SECRET } from '../../api/oidc/configuration.ts';
import { devEcKey, DEV_COOKIE_KEY, oidcKeysFromEnv, publicJwk } from '../../api/oidc/keys.ts';

const rsa = (bits: number, kid: string) => ({ ...(generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' }) as JsonWebKey), kid });
const ec = (kid: string, namedCurve = 'prime256v1') => ({ ...(generateKeyPairSync('ec', { namedCurve }).privateKey.export({ format: 'jwk' }) as JsonWebKey), kid });

const production = {
  OIDC_ISSUER: 'https://aidantsconnect.beta.gouv.fr',
  FC_AS_FI_CLIENT_ID: 'fc-prod',
  FC_AS_FI_CLIENT_SECRET: 's'.repeat(48),
  FC_AS_FI_REDIRECT_URIS: 'https://app.franceconnect.gouv.fr/api/v2/oidc-callback',
  FC_AS_FI_POST_LOGOUT_REDIRECT_URIS: 'https://app.franceconnect.gouv.fr/api/v2/client/logout-callback',
  OIDC_JWKS: JSON.stringify({ keys: [ec('prod-2026-ec')] }),
  OIDC_COOKIE_KEYS: 'c'.repeat(40),
};
const settings = (env: NodeJS.ProcessEnv, prod = true) => oidcSettingsFromEnv(env, { publicUrl: 'https://aidantsconnect.beta.gouv.fr', production: prod });

describe('development', () => {
  test('defaults: HS256 ID token, JSON userinfo, the local relying party, a fixed EC key and cookie key', () => {
    const s = oidcSettingsFromEnv({}, { publicUrl: 'http://127.0.0.1:3000', production: false });
    expect(s.issuer).toBe('http://127.0.0.1:3000');
    expect(s.client).toMatchObject({ idTokenAlg: 'HS256', userinfoAlg: null, redirectUris: ['http://127.0.0.1:1095/api/v2/oidc-callback'] });
    expect(s.client.clientSecret.length).toBeGreaterThanOrEqual(32);
    expect(s.keys.jwks.keys).toEqual([devEcKey()]);
    expect(s.keys.cookieKeys).toEqual([DEV_COOKIE_KEY]);
  });
  test('the development EC key is the same in every process', () => {
    expect(devEcKey()).toEqual(devEcKey());
  });
  test('RS256 asked in development: an RSA key is made', () => {
    const s = oidcSettingsFromEnv({ FC_AS_FI_ID_TOKEN_ALG: 'RS256' }, { publicUrl: 'http://127.0.0.1:3000', production: false });
    expect(s.keys.jwks.keys.map((k) => k.kty).sort()).toEqual(['EC', 'RSA']);
  });
});

describe('production', () => {
  test('a complete configuration is accepted', () => {
    const s = settings(production);
    expect(s.issuer).toBe('https://aidantsconnect.beta.gouv.fr');
    expect(s.keys.jwks.keys[0].kid).toBe('prod-2026-ec');
  });
  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['no keys', { OIDC_JWKS: undefined }, /OIDC_JWKS doit être défini/],
    ['development key', { OIDC_JWKS: JSON.stringify([devEcKey()]) }, /clé de développement/],
    ['development key under another kid', { OIDC_JWKS: JSON.stringify([{ ...devEcKey(), kid: 'k1' }]) }, /clé de développement/],
    ['RSA under 2048 bits', { OIDC_JWKS: JSON.stringify([rsa(1024, 'k1')]) }, /au moins 2048 bits/],
    ['EC not on P-256', { OIDC_JWKS: JSON.stringify([ec('k1', 'secp384r1')]) }, /P-256/],
    ['duplicated kid', { OIDC_JWKS: JSON.stringify([ec('k1'), ec('k1')]) }, /apparaît deux fois/],
    ['public key only', { OIDC_JWKS: JSON.stringify([publicJwk(ec('k1') as never)]) }, /doit être privée/],
    ['symmetric key', { OIDC_JWKS: JSON.stringify([{ kty: 'oct', k: 'abc', kid: 'k1' }]) }, /RSA ou EC/],
    ['no kid', { OIDC_JWKS: JSON.stringify([{ ...ec('x'), kid: undefined }]) }, /pas de kid/],
    ['not JSON', { OIDC_JWKS: 'keys' }, /doit être un JSON/],
    ['RS256 without an RSA key', { FC_AS_FI_ID_TOKEN_ALG: 'RS256' }, /clé RSA/],
    ['no cookie keys', { OIDC_COOKIE_KEYS: undefined }, /OIDC_COOKIE_KEYS doit être défini/],
    ['development cookie key', { OIDC_COOKIE_KEYS: DEV_COOKIE_KEY }, /clé de développement/],
    ['short cookie key', { OIDC_COOKIE_KEYS: 'court' }, /32 caractères/],
    ['short client secret', { FC_AS_FI_CLIENT_SECRET: 'trop-court' }, /32 caractères/],
    ['development client secret', { FC_AS_FI_CLIENT_SECRET: DEV_CLIENT_SECRET }, /développement/],
    ['no client id', { FC_AS_FI_CLIENT_ID: undefined }, /FC_AS_FI_CLIENT_ID/],
    ['http redirect URI', { FC_AS_FI_REDIRECT_URIS: 'http://fc.example/cb' }, /FC_AS_FI_REDIRECT_URIS/],
    ['http issuer', { OIDC_ISSUER: 'http://aidantsconnect.beta.gouv.fr' }, /OIDC_ISSUER/],
    ['unknown algorithm', { FC_AS_FI_ID_TOKEN_ALG: 'none' }, /FC_AS_FI_ID_TOKEN_ALG/],
    ['unknown userinfo algorithm', { FC_AS_FI_USERINFO_ALG: 'HS512' }, /FC_AS_FI_USERINFO_ALG/],
  ])('refused: %s', (_label, change, message) => {
    expect(() => settings({ ...production, ...change })).toThrow(OidcConfigError);
    expect(() => settings({ ...production, ...change })).toThrow(message);
  });
  test('keys rotate: several keys with unique kids are accepted, in order', () => {
    const keys = oidcKeysFromEnv({ ...production, OIDC_JWKS: JSON.stringify({ keys: [ec('2026'), rsa(2048, '2025')] }), OIDC_COOKIE_KEYS: `${'n'.repeat(32)},${'o'.repeat(32)}` }, { production: true, algs: ['HS256'] });
    expect(keys.jwks.keys.map((k) => k.kid)).toEqual(['2026', '2025']);
    expect(keys.cookieKeys).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
  });
});
