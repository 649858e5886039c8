import { describe, expect, test } from '@jest/globals';
import { createFranceConnectClient, estIssuerLocal, franceConnectConfigFromEnv, FranceConnectError, MESSAGES_FRANCECONNECT } from '../../api/franceconnect/index.ts';

describe('FranceConnect configuration', () => {
  test('the local sandbox by default, with our two URIs', () => {
    expect(franceConnectConfigFromEnv('https://aidantsconnect.beta.gouv.fr/', {})).toEqual({
      issuer: 'http://127.0.0.1:1100',
      clientId: 'aidants-connect-local',
      clientSecret: expect.stringMatching(/^.{32,}$/),
      redirectUri: 'https://aidantsconnect.beta.gouv.fr/mandats/nouveau/franceconnect',
      postLogoutRedirectUri: 'https://aidantsconnect.beta.gouv.fr/mandats/nouveau/recapitulatif',
      espaceUsager: {
        redirectUri: 'https://aidantsconnect.beta.gouv.fr/espace-usager/franceconnect',
        postLogoutRedirectUri: 'https://aidantsconnect.beta.gouv.fr/espace-usager/deconnecte',
      },
    });
    expect(franceConnectConfigFromEnv('http://127.0.0.1:3000', { FC_FAKE_PORT: '1234' }).issuer).toBe('http://127.0.0.1:1234');
  });

  test('a real FranceConnect from the environment, issuer kept byte for byte; all three required in production', () => {
    const env = { NODE_ENV: 'production', FC_ISSUER: 'https://oidc.franceconnect.gouv.fr/api/v2', FC_CLIENT_ID: 'id', FC_CLIENT_SECRET: 's'.repeat(64) };
    expect(franceConnectConfigFromEnv('https://x.fr', env)).toMatchObject({ issuer: env.FC_ISSUER, clientId: 'id', clientSecret: env.FC_CLIENT_SECRET });
    expect(() => franceConnectConfigFromEnv('https://x.fr', { NODE_ENV: 'production' })).toThrow(/FC_ISSUER, FC_CLIENT_ID, FC_CLIENT_SECRET/);
    expect(() => franceConnectConfigFromEnv('https://x.fr', { ...env, FC_CLIENT_SECRET: '' })).toThrow(/FC_CLIENT_SECRET doit/);
  });

  test('http only for an issuer on this machine', async () => {
    expect(estIssuerLocal('http://127.0.0.1:1100')).toBe(true);
    expect(estIssuerLocal('http://localhost:1100/api/v2')).toBe(true);
    expect(estIssuerLocal('http://fcp.integ01.dev-franceconnect.fr/api/v2')).toBe(false);
    expect(estIssuerLocal('https://127.0.0.1')).toBe(false);
    expect(estIssuerLocal('pas une url')).toBe(false);
    // Refused before any request is sent.
    const client = createFranceConnectClient({ issuer: 'http://franceconnect.invalid/api/v2', clientId: 'a', clientSecret: 'b', redirectUri: 'http://x/cb', postLogoutRedirectUri: 'http://x/r' });
    const err = await client.authorizationUrl({ state: 's', nonce: 'n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FranceConnectError);
    expect((err as FranceConnectError).code).toBe('indisponible');
    expect((err as FranceConnectError).detail).toMatch(/HTTPS/);
  });

  test('each error has a French message for the aidant', () => {
    for (const [code, message] of Object.entries(MESSAGES_FRANCECONNECT)) {
      const e = new FranceConnectError(code as FranceConnectError['code'], 'detail technique');
      expect(e.message).toBe(message);
      expect(e.detail).toBe('detail technique');
    }
  });
});
