// The web process refuses to start in production with the identity provider's development keys, cookie keys
// or client secret: one French sentence, exit code 1, before it listens or connects to anything.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { join } from 'node:path';
import { devEcKey } from '../../api/oidc/keys.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ec = { ...(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' }) as JsonWebKey), kid: 'prod-ec-1' };

const production = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  SESSION_SECRET: 'x'.repeat(40),
  PUBLIC_URL: 'https://aidantsconnect.beta.gouv.fr',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing',
  PORT: '0',
  FC_AS_FI_CLIENT_ID: 'fc',
  FC_AS_FI_CLIENT_SECRET: 's'.repeat(40),
  FC_AS_FI_REDIRECT_URIS: 'https://app.franceconnect.gouv.fr/api/v2/oidc-callback',
  OIDC_JWKS: JSON.stringify({ keys: [ec] }),
  OIDC_COOKIE_KEYS: 'c'.repeat(40),
};

function runWeb(env: Record<string, string | undefined>) {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...production, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return spawnSync(process.execPath, [join(ROOT, 'web/main.ts')], { cwd: ROOT, env: merged, encoding: 'utf8', timeout: 60_000 });
}

describe('identity provider configuration at startup (production)', () => {
  test.each<[string, Record<string, string | undefined>, RegExp]>([
    ['development signing key', { OIDC_JWKS: JSON.stringify([devEcKey()]) }, /OIDC_JWKS contient une clé de développement : refusé en production\./],
    ['no signing keys', { OIDC_JWKS: undefined }, /OIDC_JWKS doit être défini en production/],
    ['no cookie keys', { OIDC_COOKIE_KEYS: undefined }, /OIDC_COOKIE_KEYS doit être défini en production/],
    ['a short client secret', { FC_AS_FI_CLIENT_SECRET: 'court' }, /FC_AS_FI_CLIENT_SECRET doit faire au moins 32 caractères\./],
  ])('%s → refused in one sentence', (_label, env, message) => {
    const r = runWeb(env);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
