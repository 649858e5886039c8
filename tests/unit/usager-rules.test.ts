import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { dateNaissanceValide, hashSaltFromEnv, subUsager, validerIdentitePivot, type IdentitePivot } from '../../db/domain/usager.ts';

const ANGELA: IdentitePivot = {
  given_name: 'Angela Claire Louise',
  family_name: 'DUBOIS',
  birthdate: '1962-08-24',
  gender: 'female',
  birthplace: '75107',
  birthcountry: '99100',
  email: 'wossewodda-3728@yopmail.com',
};

function erreurs(claims: unknown): string[] {
  const r = validerIdentitePivot(claims);
  return r.ok ? [] : r.erreurs;
}

describe('pivot identity received from FranceConnect', () => {
  test('a valid identity is kept exactly, other claims are dropped', () => {
    const r = validerIdentitePivot({ ...ANGELA, sub: 'abc', creation_date: '2020-01-01', phone_number: '0123' });
    expect(r).toEqual({ ok: true, identite: ANGELA });
    if (r.ok) expect(Object.keys(r.identite)).not.toContain('sub');
  });

  test('names are never normalised: accents, case, hyphens and spaces stay as sent', () => {
    const claims = { ...ANGELA, given_name: 'JulieéàèùòœæŒÆ  Anne-Laure', family_name: 'DURANTéàèùòœæŒÆ', preferred_username: 'de la Fontaine' };
    const r = validerIdentitePivot(claims);
    expect(r.ok && r.identite).toEqual(claims);
  });

  test('names: 1 to 256 characters (counted as characters, not UTF-16 units)', () => {
    expect(erreurs({ ...ANGELA, given_name: '' })).toEqual([expect.stringMatching(/^given_name/)]);
    expect(erreurs({ ...ANGELA, family_name: '   ' })).toEqual([expect.stringMatching(/^family_name/)]);
    expect(erreurs({ ...ANGELA, family_name: 'A'.repeat(256) })).toEqual([]);
    expect(erreurs({ ...ANGELA, family_name: 'A'.repeat(257) })).toEqual([expect.stringMatching(/^family_name/)]);
    expect(erreurs({ ...ANGELA, family_name: '𝔄'.repeat(256) })).toEqual([]);
    expect(erreurs({ ...ANGELA, given_name: ['Angela'] })).toEqual([expect.stringMatching(/^given_name/)]);
  });

  test('usage name is optional; null is treated as absent; a non-string is refused', () => {
    const sans = validerIdentitePivot({ ...ANGELA, preferred_username: null });
    expect(sans.ok && 'preferred_username' in sans.identite).toBe(false);
    const vide = validerIdentitePivot({ ...ANGELA, preferred_username: '' });
    expect(vide.ok && vide.identite.preferred_username).toBe('');
    expect(erreurs({ ...ANGELA, preferred_username: 42 })).toEqual([expect.stringMatching(/^preferred_username/)]);
  });

  test('birth dates: full, or partly unknown (YYYY-MM-00, YYYY-00-00); real calendar dates only', () => {
    for (const ok of ['1962-08-24', '1992-11-00', '1992-00-00', '2000-02-29']) expect(dateNaissanceValide(ok)).toBe(true);
    for (const ko of ['1962-8-24', '24/08/1962', '1962-13-01', '1962-02-30', '1900-02-29', '1992-00-05', '1962-08-24T00:00:00Z', '1700-01-01', 19620824]) {
      expect(dateNaissanceValide(ko)).toBe(false);
    }
    expect(erreurs({ ...ANGELA, birthdate: '1962-02-30' })).toEqual([expect.stringMatching(/^birthdate/)]);
  });

  test('gender: female or male only', () => {
    expect(erreurs({ ...ANGELA, gender: 'male' })).toEqual([]);
    for (const g of ['unspecified', 'F', '', undefined]) expect(erreurs({ ...ANGELA, gender: g })).toEqual([expect.stringMatching(/^gender/)]);
  });

  test('born in France: a 5-character INSEE commune code is required (Corsica 2A/2B, overseas)', () => {
    for (const lieu of ['75107', '2B002', '2A004', '97601', '98729']) expect(erreurs({ ...ANGELA, birthplace: lieu })).toEqual([]);
    for (const lieu of ['', null, undefined, '7510', '751070', '2C002', '2b002', 'Paris']) {
      expect(erreurs({ ...ANGELA, birthplace: lieu })).toEqual([expect.stringMatching(/^birthplace/)]);
    }
  });

  test('born abroad: birthplace empty as sent ("" or null, absent kept as null), never a commune code', () => {
    const espagne = { ...ANGELA, birthplace: '', birthcountry: '99134' };
    const r = validerIdentitePivot(espagne);
    expect(r.ok && r.identite).toEqual(espagne);
    const nul = validerIdentitePivot({ ...espagne, birthplace: null });
    expect(nul.ok && nul.identite.birthplace).toBeNull();
    const absent = validerIdentitePivot({ ...espagne, birthplace: undefined });
    expect(absent.ok && absent.identite.birthplace).toBeNull();
    expect(erreurs({ ...espagne, birthplace: '90900' })).toEqual([expect.stringMatching(/^birthplace/)]);
    expect(erreurs({ ...espagne, birthplace: 'Alger' })).toEqual([expect.stringMatching(/^birthplace/)]);
  });

  test('birth country: INSEE 99xxx code', () => {
    for (const pays of ['France', '100', '991000', '12345', null]) {
      expect(erreurs({ ...ANGELA, birthcountry: pays })).toEqual([expect.stringMatching(/^birthcountry/)]);
    }
  });

  test('email: required and valid, kept as sent', () => {
    const r = validerIdentitePivot({ ...ANGELA, email: 'Angela.Dubois@Exemple.FR' });
    expect(r.ok && r.identite.email).toBe('Angela.Dubois@Exemple.FR');
    for (const email of ['', undefined, 'pas-un-email', `${'a'.repeat(250)}@b.fr`]) expect(erreurs({ ...ANGELA, email })).toEqual([expect.stringMatching(/^email/)]);
  });

  test('every error is reported at once; non-objects are refused', () => {
    expect(erreurs({})).toHaveLength(6);
    expect(erreurs(null)).toHaveLength(1);
    expect(erreurs('{"given_name":"x"}')).toHaveLength(1);
    expect(erreurs([ANGELA])).toHaveLength(1);
  });
});

describe("the usager's sub", () => {
  test('hex SHA-256 of the FranceConnect sub followed by the salt (as the public service computes it)', () => {
    const fcSub = 'b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1';
    const attendu = createHash('sha256').update(`${fcSub}sel-secret-de-test`).digest('hex');
    expect(subUsager(fcSub, 'sel-secret-de-test')).toBe(attendu);
    expect(subUsager(fcSub, 'sel-secret-de-test')).toMatch(/^[0-9a-f]{64}$/);
    expect(subUsager(fcSub, 'un-autre-sel-secret')).not.toBe(attendu);
    expect(subUsager(`${fcSub}x`, 'sel-secret-de-test')).not.toBe(attendu);
  });

  test('salt: required and long enough in production, a fixed development value otherwise', () => {
    expect(() => hashSaltFromEnv({ NODE_ENV: 'production' })).toThrow(/FC_AS_FI_HASH_SALT/);
    expect(() => hashSaltFromEnv({ NODE_ENV: 'production', FC_AS_FI_HASH_SALT: 'court' })).toThrow(/FC_AS_FI_HASH_SALT/);
    expect(hashSaltFromEnv({ NODE_ENV: 'production', FC_AS_FI_HASH_SALT: 'un-sel-de-production-assez-long' })).toBe('un-sel-de-production-assez-long');
    expect(hashSaltFromEnv({})).toBe(hashSaltFromEnv({ NODE_ENV: 'test' }));
    expect(hashSaltFromEnv({}).length).toBeGreaterThanOrEqual(16);
    expect(hashSaltFromEnv({ FC_AS_FI_HASH_SALT: 'sel-local' })).toBe('sel-local');
  });
});
