// Rules of the printed proof: verification codes, the proof hash (db/domain/README.md#empreinte-de-preuve), the salt, published
// templates that never change, what the public page says, and its rate-limit arithmetic.
import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';
import { hashModele, MODELE_EN_VIGUEUR, MODELES_MANDAT, modeleMandat, remplir } from '../../db/domain/modeles-mandat/index.ts';
import {
  attestationSaltFromEnv, BITS_CODE, cleLimiteVerification, depasseLimite, etatMandatVerifie, formaterCode, hashPreuve, initialesUsager,
  LIMITE_VERIFICATIONS, nouveauCodeVerification, normaliserCode, prefixeAdresse, urlVerification, type ChampsPreuve,
} from '../../db/domain/preuve-mandat.ts';

describe('code de vérification', () => {
  test('16 characters of Crockford base 32: 80 bits, never guessable in practice', () => {
    expect(BITS_CODE).toBeGreaterThanOrEqual(60);
    const codes = new Set(Array.from({ length: 20_000 }, () => nouveauCodeVerification()));
    expect(codes.size).toBe(20_000);
    for (const code of [...codes].slice(0, 500)) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    // Every character of the alphabet shows up, evenly enough (uniform 5-bit draws).
    const compte = new Map<string, number>();
    for (const code of codes) for (const c of code) compte.set(c, (compte.get(c) ?? 0) + 1);
    expect(compte.size).toBe(32);
    const attendu = (20_000 * 16) / 32;
    for (const n of compte.values()) expect(Math.abs(n - attendu) / attendu).toBeLessThan(0.1);
  });

  test('grouped by 4 for reading aloud; typed forms are normalised', () => {
    expect(formaterCode('7K2M9QXDR4TBHW3N')).toBe('7K2M-9QXD-R4TB-HW3N');
    expect(normaliserCode('7K2M-9QXD-R4TB-HW3N')).toBe('7K2M9QXDR4TBHW3N');
    expect(normaliserCode(' 7k2m 9qxd r4tb hw3n ')).toBe('7K2M9QXDR4TBHW3N');
    // O read as 0, I and L as 1: the alphabet has none of them.
    expect(normaliserCode('OOOO-IIII-LLLL-1111')).toBe('0000111111111111');
    expect(normaliserCode('7K2M–9QXD–R4TB–HW3N')).toBe('7K2M9QXDR4TBHW3N');
    for (const faux of ['', '7K2M-9QXD-R4TB', '7K2M-9QXD-R4TB-HW3N-A', 'UUUU-9QXD-R4TB-HW3N', '7K2M-9QXD-R4TB-HW3!', null, 42, ['7K2M9QXDR4TBHW3N'], 'x'.repeat(100)]) {
      expect(normaliserCode(faux)).toBeNull();
    }
    expect(urlVerification('https://aidantsconnect.beta.gouv.fr/', '7K2M9QXDR4TBHW3N')).toBe('https://aidantsconnect.beta.gouv.fr/verifier/7K2M-9QXD-R4TB-HW3N');
  });
});

describe('empreinte de preuve (db/domain/README.md#empreinte-de-preuve)', () => {
  const champs: ChampsPreuve = {
    aidantId: 7, creeLe: new Date('2026-11-26T09:32:00.123Z'), demarches: ['papiers', 'argent', 'social'],
    expireLe: new Date('2027-11-26T09:32:00.123Z'), structureId: 3, hashModele: 'ab'.repeat(32), usagerSub: 'cd'.repeat(32),
  };

  test('SHA-256 of the values ordered by key name, joined by « ; », then the salt', () => {
    const attendu = createHash('sha256').update([
      '7', // aidant_id
      '2026-11-26T09:32:00.123Z', // creation_date
      'argent,papiers,social', // demarches_list, sorted
      '2027-11-26T09:32:00.123Z', // expiration_date
      '3', // organisation_id
      'ab'.repeat(32), // template_hash
      'cd'.repeat(32), // usager_sub
    ].join(';') + 'sel-secret').digest('hex');
    expect(hashPreuve(champs, 'sel-secret')).toBe(attendu);
  });

  test('the order of the démarches does not matter; every field and the salt do', () => {
    const base = hashPreuve(champs, 'sel');
    expect(hashPreuve({ ...champs, demarches: ['social', 'papiers', 'argent'] }, 'sel')).toBe(base);
    const variantes: Partial<ChampsPreuve>[] = [
      { aidantId: 8 }, { creeLe: new Date('2026-11-26T09:32:00.124Z') }, { demarches: ['papiers', 'argent'] },
      { expireLe: new Date('2027-11-27T09:32:00.123Z') }, { structureId: 4 }, { hashModele: 'ac'.repeat(32) }, { usagerSub: 'ce'.repeat(32) },
    ];
    for (const v of variantes) expect(hashPreuve({ ...champs, ...v }, 'sel')).not.toBe(base);
    expect(hashPreuve(champs, 'autre-sel')).not.toBe(base);
  });

  test('ATTESTATION_SALT is required in production, a fixed value elsewhere', () => {
    expect(() => attestationSaltFromEnv({ NODE_ENV: 'production' })).toThrow(/ATTESTATION_SALT doit être défini/);
    expect(() => attestationSaltFromEnv({ NODE_ENV: 'production', ATTESTATION_SALT: 'court' })).toThrow(/16 caractères/);
    expect(attestationSaltFromEnv({ NODE_ENV: 'production', ATTESTATION_SALT: 'un-sel-assez-long-pour-la-prod' })).toBe('un-sel-assez-long-pour-la-prod');
    expect(attestationSaltFromEnv({ NODE_ENV: 'development' })).toBe(attestationSaltFromEnv({}));
    expect(attestationSaltFromEnv({ ATTESTATION_SALT: 'sel-local' })).toBe('sel-local');
  });
});

describe('modèles de mandat', () => {
  test('a published template never changes: publish a new version instead', () => {
    // If this fails, a published text was edited: revert it and add a new version (db/domain/modeles-mandat/).
    expect(Object.fromEntries(Object.entries(MODELES_MANDAT).map(([v, m]) => [v, hashModele(m)]))).toEqual({
      '2026-03': '2df68c6a59cb43bb796e3046b0e3b3d7ed2d29ddd8a6e76280fb81cdb7feaeeb',
      '2026-11': '910795ad8b2eba94f2d0e841da0b8bb55d08f93d6229e853fc18c8e88b8b632f',
    });
  });

  test('new mandats use the latest version; each version is found by its id', () => {
    const versions = Object.keys(MODELES_MANDAT).sort();
    expect(MODELE_EN_VIGUEUR.version).toBe(versions.at(-1));
    for (const v of versions) expect(modeleMandat(v)!.version).toBe(v);
    expect(modeleMandat('1999-01')).toBeNull();
    expect(modeleMandat(null)).toBeNull();
  });

  test('every template describes every démarche, holds the mandatory mentions and only known placeholders', () => {
    const valeurs = { mandant: 'M', mandataire: 'S', aidant: 'A', duree: 'D', lieu: 'L', date: 'J', numero: 'N', creation: 'C', revocation: 'R' };
    for (const m of Object.values(MODELES_MANDAT)) {
      expect(Object.keys(m.demarches).sort()).toEqual([...TOUTES_LES_DEMARCHES].sort());
      const tout = [m.titre, m.phraseDuree, m.objet, ...m.sections.flatMap((s) => [s.titre, ...s.paragraphes]), m.faitA, ...m.attestationRevocation.paragraphes].join('\n');
      expect(remplir(tout, valeurs)).not.toMatch(/\{[a-z]+\}/);
      for (const mention of [/1984/, /révoquer/, /tutelle/, /curatelle/, /sauvegarde/, /données/i, /droits/, /aidant/i, /prend fin/]) expect(tout).toMatch(mention);
    }
  });

  test('placeholders are filled, unknown ones stay visible', () => {
    expect(remplir('{mandant} et {inconnu}', { mandant: 'Angela' })).toBe('Angela et {inconnu}');
  });
});

describe('page de vérification', () => {
  const maintenant = new Date('2027-01-10T12:00:00Z');
  const expire = new Date('2027-06-01T00:00:00Z');

  test('status from the database, but never valid past the expiry date', () => {
    expect(etatMandatVerifie({ status: 'active', expires_at: expire, ended_at: null }, maintenant)).toEqual({ etat: 'valide', depuis: expire });
    const passe = new Date('2027-01-10T11:59:59Z');
    expect(etatMandatVerifie({ status: 'active', expires_at: passe, ended_at: null }, maintenant)).toEqual({ etat: 'expire', depuis: passe });
    expect(etatMandatVerifie({ status: 'expired', expires_at: passe, ended_at: passe }, maintenant).etat).toBe('expire');
    const revoque = new Date('2026-12-24T10:00:00Z');
    expect(etatMandatVerifie({ status: 'revoked', expires_at: expire, ended_at: revoque }, maintenant)).toEqual({ etat: 'revoque', depuis: revoque });
  });

  test('the usager by initials only: first given name and birth name', () => {
    expect(initialesUsager({ given_name: 'Angela Claire Louise', family_name: 'DUBOIS' })).toBe('A. D.');
    expect(initialesUsager({ given_name: 'Marie-Thérèse', family_name: 'LEFÈVRE' })).toBe('M. L.');
    expect(initialesUsager({ given_name: 'élodie', family_name: 'ŁUKASZEWSKA' })).toBe('É. Ł.');
    expect(initialesUsager({ given_name: ' Jean', family_name: "d'Ormesson" })).toBe('J. D.');
  });
});

describe('limite de vérifications par adresse', () => {
  test('IPv4 as is (mapped ones too), IPv6 by its /64', () => {
    expect(prefixeAdresse('203.0.113.9')).toBe('203.0.113.9');
    expect(prefixeAdresse('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(prefixeAdresse('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(prefixeAdresse('2001:0db8:abcd:0012::1')).toBe('2001:db8:abcd:12::/64');
    expect(prefixeAdresse('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(prefixeAdresse('::1')).toBe('0:0:0:0::/64');
  });

  test('keys are hashed with the secret salt and shared by a /64', () => {
    const cle = cleLimiteVerification('2001:db8:abcd:12::1', 'sel');
    expect(cle).toMatch(/^[0-9a-f]{32}$/);
    expect(cleLimiteVerification('2001:db8:abcd:12:ffff::9', 'sel')).toBe(cle);
    expect(cleLimiteVerification('2001:db8:abcd:13::1', 'sel')).not.toBe(cle);
    expect(cleLimiteVerification('2001:db8:abcd:12::1', 'autre')).not.toBe(cle);
    expect(cle).not.toContain('2001');
  });

  test('sliding window: the previous window weighs by what is left of it', () => {
    const { nombre, fenetreMs } = LIMITE_VERIFICATIONS;
    expect(depasseLimite(nombre, 0, 0)).toBe(false);
    expect(depasseLimite(nombre + 1, 0, fenetreMs - 1)).toBe(true);
    // Just after a window full of checks, the next window allows almost nothing…
    expect(depasseLimite(2, nombre, fenetreMs * 0.01)).toBe(true);
    // …and halfway, about half.
    expect(depasseLimite(nombre / 2, nombre, fenetreMs / 2)).toBe(false);
    expect(depasseLimite(nombre / 2 + 1, nombre, fenetreMs / 2)).toBe(true);
  });
});
