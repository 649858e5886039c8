import { describe, expect, test } from '@jest/globals';
import { accord, dateEnFrancais, dateNaissance, de, dureeEnFrancais, majuscule, neLe, nombre } from '../../db/domain/francais.ts';
import { validerRaisonDesactivation } from '../../db/domain/desactivation.ts';
import { elementsManquants, validerCertifications } from '../../db/domain/demande-habilitation.ts';
import { motifFormationImpossible } from '../../db/domain/habilitation.ts';

describe('French wording', () => {
  test('counts: singular for 0 and 1, plural from 2', () => {
    expect(nombre(1, 'structure active', 'structures actives')).toBe('1 structure active');
    expect(nombre(0, 'demande', 'demandes')).toBe('0 demande');
    expect(nombre(3, 'ligne enregistrée', 'lignes enregistrées')).toBe('3 lignes enregistrées');
    expect(accord(2, 'correspond', 'correspondent')).toBe('correspondent');
  });

  test('"de" elides before a vowel or a mute h', () => {
    expect(de('Inès Martin')).toBe("d'Inès Martin");
    expect(de('Élodie')).toBe("d'Élodie");
    expect(de('Hugo Perrin')).toBe("d'Hugo Perrin");
    expect(de('Paul Durand')).toBe('de Paul Durand');
  });

  test('a birthdate says only what FranceConnect knows', () => {
    expect(neLe('1948-03-12')).toBe('né(e) le 12/03/1948');
    expect(neLe('1948-06-00')).toBe('né(e) en juin 1948');
    expect(neLe('1948-00-00')).toBe('né(e) en 1948');
    expect(majuscule(neLe('1948-00-00'))).toBe('Né(e) en 1948');
    expect(dateNaissance('1948-00-00')).toBe('1948 (jour et mois inconnus)');
    expect(de('Angela DUBOIS')).toBe("d'Angela DUBOIS");
  });

  test('dates as people write them, in Paris time, with "1er"', () => {
    expect(dateEnFrancais(Date.parse('2026-06-01T10:00:00Z'))).toBe('1er juin 2026');
    expect(dateEnFrancais(Date.parse('2026-07-13T23:30:00Z'))).toBe('14 juillet 2026');
    expect(dateEnFrancais('2026-03-12')).toBe('12 mars 2026');
  });

  test('waiting times say the real remaining time, rounded up', () => {
    expect(dureeEnFrancais(29_400)).toBe('30 secondes');
    expect(dureeEnFrancais(1_000)).toBe('1 seconde');
    expect(dureeEnFrancais(60_000)).toBe('1 minute');
    expect(dureeEnFrancais(61_000)).toBe('2 minutes');
    expect(dureeEnFrancais(3_600_000)).toBe('1 heure');
    expect(dureeEnFrancais(4_500_000)).toBe('1 heure 15 minutes');
  });
});

describe('rules behind the pages', () => {
  test('a deactivation needs a known reason, and a précision for "autre"', () => {
    expect(validerRaisonDesactivation(undefined, '')).toEqual({ erreurs: { raison: 'Choisissez la raison de la désactivation.' } });
    expect(validerRaisonDesactivation('inconnue', '')).toEqual({ erreurs: { raison: 'Choisissez la raison de la désactivation.' } });
    expect(validerRaisonDesactivation('autre', '  ')).toEqual({ erreurs: { precision: 'Précisez la raison de la désactivation.' } });
    expect(validerRaisonDesactivation('depart', '')).toEqual({ texte: 'A quitté la structure' });
    expect(validerRaisonDesactivation('autre', ' Fin de\ncontrat ')).toEqual({ texte: 'Autre raison : Fin de contrat' });
  });

  test('each unticked engagement has its own message', () => {
    const { erreurs } = validerCertifications({});
    expect(Object.keys(erreurs)).toHaveLength(5);
    expect(new Set(Object.values(erreurs)).size).toBe(5);
  });

  test('what is missing before sending names its step', () => {
    expect(elementsManquants({ siret: '1', structure_name: 'x', referent_email: 'a@b.fr' }, 0)).toEqual([{ texte: 'au moins un aidant à habiliter', etape: 'aidants' }]);
    expect(elementsManquants({ siret: '1', structure_name: 'x', referent_email: 'a@b.fr', referent_is_aidant: true }, 0)).toEqual([]);
  });

  test('training and Pix: what each aidant status says instead of "adresse inconnue"', () => {
    expect(motifFormationImpossible(null)?.resultat).toBe('Adresse inconnue');
    expect(motifFormationImpossible({ status: 'validated', demande_status: 'VALIDATED' })?.resultat).toBe('Déjà activé');
    expect(motifFormationImpossible({ status: 'waiting_list', demande_status: null })?.resultat).toBe("En liste d'attente");
    expect(motifFormationImpossible({ status: 'cancelled_by_referent', demande_status: 'VALIDATED' })?.resultat).toBe('Retiré');
    expect(motifFormationImpossible({ status: 'refused', demande_status: null })?.resultat).toBe('Refusé');
    expect(motifFormationImpossible({ status: 'new', demande_status: 'AC_VALIDATION_PROCESSING' })?.resultat).toBe('Demande non validée');
    expect(motifFormationImpossible({ status: 'processing', demande_status: 'VALIDATED' })).toBeNull();
    expect(motifFormationImpossible({ status: 'new', demande_status: null })).toBeNull();
  });
});
