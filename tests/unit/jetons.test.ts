// The one token fingerprint (db/domain/jetons.ts): its output is pinned, since the hashes already stored in
// magic_links, premieres_connexions and jetons_demandeur must still be found after any change.
import { describe, expect, test } from '@jest/globals';
import { empreinteJeton } from '../../db/domain/jetons.ts';

describe('empreinte des jetons', () => {
  test('SHA-256 en hexadécimal, stable pour une entrée connue', () => {
    expect(empreinteJeton('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(empreinteJeton('Vx3_jeton-base64url')).toMatch(/^[0-9a-f]{64}$/);
    expect(empreinteJeton('a')).not.toBe(empreinteJeton('b'));
  });
});
