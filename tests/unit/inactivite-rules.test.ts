import { describe, expect, test } from '@jest/globals';
import {
  cleInactivite,
  connexionPlusRecente,
  DELAI_AVERTISSEMENT_INACTIVITE_MS,
  DELAI_DESACTIVATION_INACTIVITE_MS,
  JOUR_MS,
} from '../../db/domain/inactivite.ts';
import { courrielAvertissement, courrielDesactivationAidant, courrielDesactivationReferent, dateEnFrancais } from '../../db/courriels/inactivite.ts';

describe("règle d'inactivité", () => {
  test('5 months then 1 month, a month being 30 days', () => {
    expect(DELAI_AVERTISSEMENT_INACTIVITE_MS).toBe(150 * JOUR_MS);
    expect(DELAI_DESACTIVATION_INACTIVITE_MS).toBe(30 * JOUR_MS);
  });

  test('only a login strictly after the reference point starts a new cycle', () => {
    const reference = Date.parse('2026-03-01T08:00:00Z');
    expect(connexionPlusRecente(null, reference)).toBe(false);
    expect(connexionPlusRecente(new Date(reference), reference)).toBe(false);
    expect(connexionPlusRecente(new Date(reference - 1), reference)).toBe(false);
    expect(connexionPlusRecente(new Date(reference + 1), reference)).toBe(true);
  });

  test('idempotency keys name the aidant, the cycle and the step', () => {
    expect(cleInactivite(42, 1_700_000_000_000, 'avertissement')).toBe('inactivite-42-1700000000000-avertissement');
    expect(cleInactivite(42, 1_700_000_000_000, 'desactivation', 'referent-7')).toBe('inactivite-42-1700000000000-desactivation-referent-7');
    expect(cleInactivite(42, 1, 'avertissement')).not.toBe(cleInactivite(42, 2, 'avertissement'));
  });
});

describe("courriels d'inactivité", () => {
  const lienConnexion = 'https://aidantsconnect.beta.gouv.fr/connexion';
  const referenceMs = Date.parse('2026-01-15T10:00:00Z');

  test('dates are written in French, in Paris time', () => {
    expect(dateEnFrancais(Date.parse('2026-07-13T23:30:00Z'))).toBe('14 juillet 2026');
  });

  test('the warning asks to log in before the announced date, with the link', () => {
    const c = courrielAvertissement({ prenom: 'Karim', referenceMs, desactivationPrevueMs: Date.parse('2026-07-14T10:00:00Z'), lienConnexion });
    expect(c.subject).toBe('Réactivez votre compte Aidants Connect');
    expect(c.text).toContain('Bonjour Karim,');
    expect(c.text).toContain('depuis le 15 janvier 2026');
    expect(c.text).toContain("d'ici le 14 juillet 2026");
    expect(c.text).toContain(lienConnexion);
  });

  test('the deactivation notices send the aidant to their référent, and the référent to their space', () => {
    const aidant = courrielDesactivationAidant({ prenom: 'Léa', referenceMs, lienConnexion });
    expect(aidant.subject).toBe('Votre compte Aidants Connect a été désactivé');
    expect(aidant.text).toMatch(/contactez le référent Aidants Connect de votre structure/);
    const referent = courrielDesactivationReferent({
      prenomReferent: 'Sophie',
      aidant: { prenom: 'Léa', nom: 'Dubois', email: 'lea.dubois@saint-denis.fr' },
      referenceMs,
      lienReactivation: 'https://aidantsconnect.beta.gouv.fr/espace-referent/aidants/42',
    });
    expect(referent.subject).toBe('Compte Aidants Connect désactivé : Léa Dubois');
    expect(referent.text).toContain('lea.dubois@saint-denis.fr');
    expect(referent.text).toContain('espace référent');
    expect(referent.text).toContain('https://aidantsconnect.beta.gouv.fr/espace-referent/aidants/42');
  });
});
