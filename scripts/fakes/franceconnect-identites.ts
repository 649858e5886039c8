// Test identities of the local FranceConnect sandbox, taken from FranceConnect's own integration mock
// (france-connect/sources, docker/volumes/fcp-low/mocks/idp/databases/citizen/base.csv): same logins and the
// same pivot identities, so a person used to FranceConnect's integration environment finds them again.
import { createHash } from 'node:crypto';
import type { IdentitePivot } from '../../db/domain/usager.ts';

export interface IdentiteTestFranceConnect {
  /** The login of FranceConnect's mock (the value the sandbox's page posts). */
  identifiant: string;
  /** What the case illustrates, shown on the sandbox's page. */
  cas: string;
  /** FranceConnect's `sub` for this person: 64 hex characters + `v1`, stable across restarts. */
  sub: string;
  pivot: IdentitePivot;
}

/** A stable FranceConnect-like `sub` (FranceConnect's are per service; one fake service is enough here). */
export function subFranceConnectTest(identifiant: string): string {
  return createHash('sha256').update(`franceconnect-bac-a-sable:${identifiant}`).digest('hex') + 'v1';
}

function identite(identifiant: string, cas: string, pivot: IdentitePivot): IdentiteTestFranceConnect {
  return { identifiant, cas, sub: subFranceConnectTest(identifiant), pivot };
}

export const IDENTITES_TEST_FRANCECONNECT: readonly IdentiteTestFranceConnect[] = Object.freeze([
  identite('test', 'Cas simple, née à Paris 7e', {
    given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female',
    birthplace: '75107', birthcountry: '99100', email: 'wossewodda-3728@yopmail.com',
  }),
  identite('avec_nom_dusage', "Avec un nom d'usage", {
    given_name: 'Pierre', family_name: 'MERCIER', preferred_username: 'DUBOIS', birthdate: '1969-03-17', gender: 'male',
    birthplace: '95277', birthcountry: '99100', email: 'ymmyffarapp-1777@yopmail.com',
  }),
  identite('plusieurs_prénoms_3', 'Plusieurs prénoms', {
    given_name: 'Jean Philippe Arnaud', family_name: 'DUBIGNOT', birthdate: '1943-06-15', gender: 'male',
    birthplace: '75109', birthcountry: '99100', email: 'ecuhebup-9337@yopmail.com',
  }),
  identite('carac_speciaux', 'Caractères accentués, née en Haute-Corse (2B002)', {
    given_name: 'JulieéàèùòœæŒÆ', family_name: 'DURANTéàèùòœæŒÆ', birthdate: '1972-06-14', gender: 'female',
    birthplace: '2B002', birthcountry: '99100', email: 'test@yopmail.com',
  }),
  identite('caractères_spéciaux', 'Nom et prénoms accentués', {
    given_name: 'Joëlle Françoise', family_name: 'DUBINÔRE', birthdate: '1992-08-15', gender: 'female',
    birthplace: '75117', birthcountry: '99100', email: 'effannopiq-4009@yopmail.com',
  }),
  identite('nom_50+_caractères', 'Nom de plus de 50 caractères', {
    given_name: 'Bertrand Cyril', family_name: 'AZERTYUIOPMLKJHGFDSQWXCVBNAZERTYUIOPMLKJHGFDSQWXCVBN', birthdate: '2000-03-01', gender: 'male',
    birthplace: '75119', birthcountry: '99100', email: 'cyxoxudaj-2393@yopmail.com',
  }),
  identite('naissance_Espagne', "Née à l'étranger (Espagne), avec un nom d'usage", {
    given_name: 'Marphisa', family_name: 'CHEVAL', preferred_username: 'POULAIN', birthdate: '1982-02-24', gender: 'female',
    birthplace: '', birthcountry: '99134', email: 'yttenneje-5416@yopmail.com',
  }),
  identite('étranger_présumé_né_jour_et_mois', "Né à l'étranger, jour et mois de naissance inconnus", {
    given_name: 'Jean', family_name: 'TARGE', birthdate: '1992-00-00', gender: 'male',
    birthplace: '', birthcountry: '99217', email: 'jean-targe@yopmail.com',
  }),
  identite('étranger_présumé_né_jour', "Né à l'étranger, jour de naissance inconnu", {
    given_name: 'Jean', family_name: 'FLEURET', birthdate: '1992-11-00', gender: 'male',
    birthplace: '', birthcountry: '99217', email: 'jean-fleuret@yopmail.com',
  }),
]);
