// Sealing secrets at rest: AES-256-GCM under the configured key, bound to what the value is for; a key
// listed second still opens old values (rotation), a tampered or misused value is refused.
import { describe, expect, test } from '@jest/globals';
import { configureSecrets, generateSecretsKey, isSealed, parseSecretsKeys, reseal, seal, sealedKeyId, unseal, UnsealError } from '../../db/secrets.ts';

describe('secrets at rest', () => {
  test('a sealed value reveals nothing of the secret and opens only for its purpose', () => {
    configureSecrets(generateSecretsKey('k1'));
    const sealed = seal('totp_devices.secret', 'JBSWY3DPEHPK3PXP');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(seal('totp_devices.secret', 'JBSWY3DPEHPK3PXP')).not.toBe(sealed); // fresh IV each time
    expect(unseal('totp_devices.secret', sealed)).toBe('JBSWY3DPEHPK3PXP');
    // A sealed card seed copied into a device's secret column is refused.
    expect(() => unseal('totp_cards.seed', sealed)).toThrow(UnsealError);
  });

  test('a tampered value, a clear value or an unknown key is refused', () => {
    configureSecrets(generateSecretsKey('k1'));
    const sealed = seal('outbox.secrets', '{"lien":"x"}');
    const [p, id, data] = sealed.split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[14] ^= 1;
    expect(() => unseal('outbox.secrets', `${p}.${id}.${flipped.toString('base64url')}`)).toThrow(UnsealError);
    expect(() => unseal('outbox.secrets', '{"lien":"x"}')).toThrow(/non chiffrée/);
    configureSecrets(generateSecretsKey('k2'));
    expect(() => unseal('outbox.secrets', sealed)).toThrow(/clé « k1 » absente/);
  });

  test('rotation: the new key seals, the old one still opens, reseal moves values to the new key', () => {
    const old = generateSecretsKey('ancienne');
    configureSecrets(old);
    const before = seal('totp_cards.seed', 'abcdef');
    const fresh = generateSecretsKey('nouvelle');
    configureSecrets(`${fresh},${old}`);
    expect(unseal('totp_cards.seed', before)).toBe('abcdef');
    const after = reseal('totp_cards.seed', before);
    expect(sealedKeyId(after)).toBe('nouvelle');
    configureSecrets(fresh);
    expect(unseal('totp_cards.seed', after)).toBe('abcdef');
  });

  test('a badly written SECRETS_KEYS is explained', () => {
    expect(() => parseSecretsKeys('k1:dHJvcC1jb3VydGU=')).toThrow(/32 octets/);
    expect(() => parseSecretsKeys('')).toThrow(/vide/);
    expect(() => parseSecretsKeys('mauvais id!:' + Buffer.alloc(32).toString('base64'))).toThrow(/identifiant/);
  });
});
