// Birthplaces and phone numbers as the aidant reads them to the usager (issue 18): names from the official
// geographic code (@etalab/decoupage-administratif, INSEE's country codes), numbers the French way.
import { describe, expect, test } from '@jest/globals';
import { dansLePays, lieuNaissance, neA, paysInsee } from '../../db/domain/lieu-naissance.ts';
import { telephoneLisible } from '../../db/domain/contact.ts';

describe('lieu de naissance', () => {
  test('a commune, an arrondissement municipal, Corsica, a merged commune’s old code', () => {
    expect(neA({ birthplace: '75107', birthcountry: '99100' })).toBe('né(e) à Paris 7e Arrondissement (75)');
    expect(neA({ birthplace: '95277', birthcountry: '99100' })).toBe('né(e) à Gonesse (95)');
    expect(neA({ birthplace: '2B002', birthcountry: '99100' })).toBe('né(e) à Aghione (2B)');
    expect(lieuNaissance({ birthplace: '69381', birthcountry: '99100' })).toBe('Lyon 1er Arrondissement (69)');
  });

  test('a country with its preposition', () => {
    expect(neA({ birthplace: '', birthcountry: '99134' })).toBe('né(e) en Espagne');
    expect(neA({ birthplace: null, birthcountry: '99217' })).toBe('né(e) au Japon');
    expect(neA({ birthplace: '', birthcountry: '99404' })).toBe('né(e) aux États-Unis');
    expect(neA({ birthplace: '', birthcountry: '99132' })).toBe('né(e) au Royaume-Uni');
    expect(neA({ birthplace: '', birthcountry: '99341' })).toBe('né(e) au Sénégal');
    expect(neA({ birthplace: '', birthcountry: '99352' })).toBe('né(e) en Algérie');
    expect(paysInsee('99100')).toEqual(['France']);
    expect(dansLePays('Cuba')).toBe('à Cuba');
    expect(dansLePays('Mexique')).toBe('au Mexique');
    expect(dansLePays('Iran')).toBe('en Iran');
  });

  test('an unknown code is written as a code, never guessed', () => {
    expect(neA({ birthplace: '', birthcountry: '99999' })).toBe('né(e) à l’étranger (pays de code INSEE 99999)');
    expect(neA({ birthplace: '00000', birthcountry: '99100' })).toBe('né(e) en France (commune de code INSEE 00000)');
  });
});

describe('numéros de téléphone', () => {
  test('always written the French way', () => {
    expect(telephoneLisible('+33698765432')).toBe('06 98 76 54 32');
    expect(telephoneLisible('0698765432')).toBe('06 98 76 54 32');
    expect(telephoneLisible('+33 1 44 55 66 77')).toBe('01 44 55 66 77');
    expect(telephoneLisible('+4915112345678')).toBe('+4915112345678');
  });
});
