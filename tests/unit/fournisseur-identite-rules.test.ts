// Rules of the identity provider: FranceConnect's request, rep_scope names, démarches offered, who may act,
// and FranceConnect's format rules for the pivot identity.
import { describe, expect, test } from '@jest/globals';
import {
  aidantPeutAgir, demarcheDeRepScope, demarchesProposees, erreurDemandeFranceConnect, lireRepScope, repScopePourDemarche,
} from '../../db/domain/fournisseur-identite.ts';
import { claimsIdentitePivot, dateNaissanceValide, erreursIdentitePivot } from '../../db/domain/identite-pivot.ts';

const ok = { acr_values: 'eidas1', scope: 'openid profile email birth', state: 'a'.repeat(64), nonce: 'b'.repeat(64), repScope: ['famille'] };

describe('FranceConnect’s authorization request', () => {
  test('a v2 request is accepted; v1 extra scopes too', () => {
    expect(erreurDemandeFranceConnect(ok)).toBeNull();
    expect(erreurDemandeFranceConnect({ ...ok, scope: 'openid profile email address phone birth' })).toBeNull();
  });
  test.each([
    [{ acr_values: 'eidas2' }, 'acr_values'],
    [{ acr_values: 'eidas1 eidas2' }, 'acr_values'],
    [{ acr_values: undefined }, 'acr_values'],
    [{ scope: 'openid profile email' }, 'scope'],
    [{ scope: 'openid birth email' }, 'scope'],
    [{ state: undefined }, 'state'],
    [{ state: 'a b' }, 'state'],
    [{ nonce: '' }, 'nonce'],
    [{ nonce: 'x'.repeat(513) }, 'nonce'],
    [{ repScope: ['famille', 'cantine'] }, 'rep_scope'],
  ])('%j → %s', (change, champ) => {
    expect(erreurDemandeFranceConnect({ ...ok, ...change })?.champ).toBe(champ);
  });
});

describe('rep_scope', () => {
  test('démarche keys and FranceConnect labels name the same démarche', () => {
    expect(demarcheDeRepScope('famille')).toBe('famille');
    expect(demarcheDeRepScope('Famille-Scolarité')).toBe('famille');
    expect(demarcheDeRepScope('Papiers-Citoyenneté-Élections')).toBe('papiers');
    expect(demarcheDeRepScope('Argent - Impôts - Consommation')).toBe('argent');
    expect(demarcheDeRepScope('cantine')).toBeNull();
    expect(demarcheDeRepScope(42)).toBeNull();
  });
  test('read from the claims parameter', () => {
    expect(lireRepScope(undefined)).toEqual({ demande: false, valeurs: null });
    expect(lireRepScope('{"id_token":{"rep_scope":{"essential":true,"values":["famille","argent"]}}}')).toEqual({ demande: true, valeurs: ['famille', 'argent'] });
    expect(lireRepScope({ id_token: { rep_scope: { essential: true, value: 'social' } } })).toEqual({ demande: true, valeurs: ['social'] });
    expect(lireRepScope({ id_token: { rep_scope: null } })).toEqual({ demande: true, valeurs: null });
    expect(lireRepScope('{not json')).toEqual({ demande: false, valeurs: null });
  });
  test('the value echoed is the one FranceConnect sent', () => {
    expect(repScopePourDemarche('famille', ['Famille-Scolarité', 'argent'])).toBe('Famille-Scolarité');
    expect(repScopePourDemarche('argent', ['Famille-Scolarité', 'argent'])).toBe('argent');
    expect(repScopePourDemarche('social', ['argent'])).toBeNull();
  });
  test('démarches offered: autorisations ∩ structure ∩ request, in display order', () => {
    expect(demarchesProposees(['argent', 'famille', 'logement'], ['famille', 'argent'], null)).toEqual(['famille', 'argent']);
    expect(demarchesProposees(['argent', 'famille'], ['famille', 'argent'], ['argent'])).toEqual(['argent']);
    expect(demarchesProposees(['logement'], ['famille'], ['logement'])).toEqual([]);
  });
});

test('who may act for a usager', () => {
  const aidant = { is_active: true, referent_non_aidant: false, can_create_mandats: true, current_structure_id: 3 };
  expect(aidantPeutAgir(aidant)).toBe(true);
  expect(aidantPeutAgir({ ...aidant, is_active: false })).toBe(false);
  expect(aidantPeutAgir({ ...aidant, referent_non_aidant: true })).toBe(false);
  expect(aidantPeutAgir({ ...aidant, current_structure_id: null })).toBe(false);
  expect(aidantPeutAgir({ ...aidant, can_create_mandats: false })).toBe(false);
});

describe('pivot identity (FranceConnect’s rules)', () => {
  const angela = { given_name: 'Angela Claire Louise', family_name: 'DUBOIS', preferred_username: null, birthdate: '1962-08-24', gender: 'female', birthplace: '75107', birthcountry: '99100', email: 'wossewodda-3728@yopmail.com' };
  test('valid identities: France, Corsica, born abroad, partial dates', () => {
    expect(erreursIdentitePivot(angela)).toEqual([]);
    expect(erreursIdentitePivot({ ...angela, birthplace: '2B002' })).toEqual([]);
    expect(erreursIdentitePivot({ ...angela, birthplace: '2A004' })).toEqual([]);
    expect(erreursIdentitePivot({ ...angela, birthplace: null, birthcountry: '99139' })).toEqual([]);
    expect(erreursIdentitePivot({ ...angela, birthplace: '', birthcountry: '99217', birthdate: '1992-00-00' })).toEqual([]);
    expect(erreursIdentitePivot({ ...angela, birthdate: '1992-11-00' })).toEqual([]);
  });
  test.each([
    [{ given_name: '' }, 'given_name'],
    [{ family_name: 'X'.repeat(257) }, 'family_name'],
    [{ birthdate: '1962-02-30' }, 'birthdate'],
    [{ birthdate: '1962-00-12' }, 'birthdate'],
    [{ birthdate: '24/08/1962' }, 'birthdate'],
    [{ gender: 'unspecified' }, 'gender'],
    [{ birthplace: null }, 'birthplace'],
    [{ birthplace: '2C002' }, 'birthplace'],
    [{ birthplace: 'None', birthcountry: '99139' }, 'birthplace'],
    [{ birthplace: '90900', birthcountry: '99352' }, 'birthplace'],
    [{ birthcountry: '100' }, 'birthcountry'],
    [{ email: null }, 'email'],
    [{ email: 'pas-une-adresse' }, 'email'],
  ])('%j → %s refused', (change, champ) => {
    expect(erreursIdentitePivot({ ...angela, ...change })).toContain(champ);
  });
  test('claims sent: as stored, birthplace "" when born abroad, no empty usage name', () => {
    expect(claimsIdentitePivot({ ...angela, birthplace: null, birthcountry: '99139' })).toEqual({
      given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female', birthplace: '', birthcountry: '99139', email: 'wossewodda-3728@yopmail.com',
    });
    expect(claimsIdentitePivot({ ...angela, preferred_username: 'MARTIN' }).preferred_username).toBe('MARTIN');
  });
  test('dates of birth', () => {
    expect(dateNaissanceValide('2000-02-29')).toBe(true);
    expect(dateNaissanceValide('1900-02-29')).toBe(false);
    expect(dateNaissanceValide('1962-13-01')).toBe(false);
  });
});
