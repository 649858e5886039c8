// Signing keys and cookie keys of the identity provider, from configuration. Private JWKs (RSA ≥ 2048 bits
// or EC P-256) with unique `kid`s come from OIDC_JWKS; cookie keys from OIDC_COOKIE_KEYS. Rotation: append
// the new key, deploy, then move it first (the first key signs, all keys verify). Development gets fixed
// keys so that `npm start` works and tokens survive a restart; production refuses to start with them.
import { createECDH, createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';

export class OidcConfigError extends Error {}

export type PrivateJwk = JsonWebKey & { kid: string; kty: 'RSA' | 'EC'; alg?: string; use?: string };

export interface OidcKeys {
  jwks: { keys: PrivateJwk[] };
  cookieKeys: string[];
}

const DEV_PREFIX = 'dev-';
/** The development cookie key: public, so refused in production. */
export const DEV_COOKIE_KEY = 'dev-cookie-key-aidants-connect-not-for-production';

/**
 * A fixed EC P-256 key derived from a public seed: the same in every development process without a
 * private key file in the repository; public by construction, hence refused in production.
 */
export function devEcKey(): PrivateJwk {
  const d = createHash('sha256').update('aidants-connect: development identity provider key').digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey(); // 0x04 || x || y
  return {
    kty: 'EC', crv: 'P-256', kid: `${DEV_PREFIX}es256`, use: 'sig', alg: 'ES256',
    d: d.toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url'),
  };
}

function devRsaKey(): PrivateJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as JsonWebKey), kty: 'RSA', kid: `${DEV_PREFIX}rs256`, use: 'sig', alg: 'RS256' };
}

const needsRsa = (alg: string) => /^(RS|PS)\d{3}$/.test(alg);
const needsEc = (alg: string) => alg === 'ES256';

function parseJwks(raw: string): PrivateJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new OidcConfigError('OIDC_JWKS doit être un JSON : {"keys":[…]} de clés privées JWK.');
  }
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || !keys.length) throw new OidcConfigError('OIDC_JWKS ne contient aucune clé.');
  const kids = new Set<string>();
  return keys.map((k: PrivateJwk, i) => {
    if (!k || typeof k !== 'object' || typeof k.kid !== 'string' || !k.kid) throw new OidcConfigError(`OIDC_JWKS : la clé n° ${i + 1} n'a pas de kid.`);
    if (kids.has(k.kid)) throw new OidcConfigError(`OIDC_JWKS : le kid « ${k.kid} » apparaît deux fois.`);
    kids.add(k.kid);
    if (k.kty !== 'RSA' && k.kty !== 'EC') throw new OidcConfigError(`OIDC_JWKS : la clé « ${k.kid} » doit être RSA ou EC (les clés symétriques sont refusées).`);
    if (!k.d) throw new OidcConfigError(`OIDC_JWKS : la clé « ${k.kid} » doit être privée (champ d).`);
    let details;
    try {
      details = createPrivateKey({ key: k, format: 'jwk' }).asymmetricKeyDetails;
    } catch {
      throw new OidcConfigError(`OIDC_JWKS : la clé « ${k.kid} » est illisible.`);
    }
    if (k.kty === 'RSA' && (details?.modulusLength ?? 0) < 2048) throw new OidcConfigError(`OIDC_JWKS : la clé RSA « ${k.kid} » doit faire au moins 2048 bits.`);
    if (k.kty === 'EC' && details?.namedCurve !== 'prime256v1') throw new OidcConfigError(`OIDC_JWKS : la clé EC « ${k.kid} » doit être sur la courbe P-256.`);
    return k;
  });
}

export function isDevKey(k: PrivateJwk): boolean {
  return k.kid.startsWith(DEV_PREFIX) || (k.kty === 'EC' && k.d === devEcKey().d);
}

/** Keys for the configured algorithms; throws OidcConfigError with a French sentence when unusable. */
export function oidcKeysFromEnv(env: NodeJS.ProcessEnv, opts: { production: boolean; algs: string[] }): OidcKeys {
  let keys: PrivateJwk[];
  if (env.OIDC_JWKS) {
    keys = parseJwks(env.OIDC_JWKS);
  } else if (opts.production) {
    throw new OidcConfigError('OIDC_JWKS doit être défini en production (clés privées JWK du fournisseur d’identité).');
  } else {
    keys = [devEcKey(), ...(opts.algs.some(needsRsa) ? [devRsaKey()] : [])];
  }
  if (opts.production && keys.some(isDevKey)) throw new OidcConfigError('OIDC_JWKS contient une clé de développement : refusé en production.');
  for (const alg of opts.algs) {
    if (needsRsa(alg) && !keys.some((k) => k.kty === 'RSA')) throw new OidcConfigError(`L’algorithme ${alg} demande une clé RSA dans OIDC_JWKS.`);
    if (needsEc(alg) && !keys.some((k) => k.kty === 'EC')) throw new OidcConfigError(`L’algorithme ${alg} demande une clé EC P-256 dans OIDC_JWKS.`);
  }

  let cookieKeys: string[];
  if (env.OIDC_COOKIE_KEYS) {
    cookieKeys = env.OIDC_COOKIE_KEYS.split(',').map((s) => s.trim()).filter(Boolean);
    if (!cookieKeys.length) throw new OidcConfigError('OIDC_COOKIE_KEYS ne contient aucune clé.');
  } else if (opts.production) {
    throw new OidcConfigError('OIDC_COOKIE_KEYS doit être défini en production (clés des cookies du fournisseur d’identité, séparées par des virgules).');
  } else {
    cookieKeys = [DEV_COOKIE_KEY];
  }
  if (opts.production && cookieKeys.some((k) => k.length < 32 || k === DEV_COOKIE_KEY)) {
    throw new OidcConfigError('OIDC_COOKIE_KEYS : chaque clé doit faire au moins 32 caractères et ne pas être la clé de développement.');
  }
  return { jwks: { keys }, cookieKeys };
}

/** The public half of the keys, as the JWKS endpoint must show them (for tests and checks). */
export function publicJwk(k: PrivateJwk): Record<string, unknown> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = k;
  return pub;
}
