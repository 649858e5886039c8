// The habilitation rules: SIRET checksum (with La Poste's exception), generic emails, transitions, Pix and
// peer trainers, the fingerprint of a resubmission.
import { describe, expect, test } from '@jest/globals';
import { siretValide, erreurSiret } from '../../db/domain/siret.ts';
import { actionPossible, decisionsPossibles, emailGenerique, emailProfessionnelValide, erreurScorePix, formateurPairEligible, SEUIL_SCORE_PIX } from '../../db/domain/habilitation.ts';
import { empreinteDemande, validerStructure } from '../../db/domain/demande-habilitation.ts';
import { mobileE164 } from '../../db/domain/contact.ts';

describe('habilitation rules', () => {
  test('SIRET: Luhn key, La Poste exception, French messages', () => {
    expect(siretValide('732 829 320 00074')).toBe(true);
    expect(siretValide('73282932000075')).toBe(false);
    expect(siretValide('35600000000048')).toBe(true); // La Poste head office (Luhn)
    expect(siretValide('35600000049837')).toBe(true); // a La Poste establishment: digit sum divisible by 5
    expect(erreurSiret('1234')).toMatch(/14 chiffres/);
    expect(erreurSiret('12345678901234')).toMatch(/clé de contrôle/);
  });

  test('generic mailboxes are refused, nominative ones accepted', () => {
    for (const e of ['contact@mairie.fr', 'accueil@ccas.fr', 'accueil.mairie@ville.fr', 'france-services93@x.fr', 'Secretariat@x.fr']) expect(emailGenerique(e)).toBe(true);
    for (const e of ['marie.dupont@mairie.fr', 'p.durand@ccas.fr', 'jcontact@x.fr']) expect(emailProfessionnelValide(e)).toBe(true);
  });

  test('transitions and decisions per status', () => {
    expect(decisionsPossibles('AC_VALIDATION_PROCESSING')).toEqual(['valider', 'demander_modifications', 'refuser']);
    expect(decisionsPossibles('CHANGES_REQUIRED')).toEqual(['refuser']);
    expect(decisionsPossibles('CLOSED')).toEqual([]);
    expect(actionPossible('CHANGES_REQUIRED', 'resoumettre')).toBe(true);
  });

  test('Pix threshold and peer trainers', () => {
    expect(erreurScorePix(SEUIL_SCORE_PIX)).toBeNull();
    expect(erreurScorePix(SEUIL_SCORE_PIX - 1)).toMatch(/insuffisant/);
    expect(formateurPairEligible({ actif: true, nombreMandats: 5 })).toBe(true);
    expect(formateurPairEligible({ actif: true, nombreMandats: 4 })).toBe(false);
    expect(formateurPairEligible(null)).toBe(false);
  });

  test('structure step, mobile numbers and fingerprint', () => {
    expect(validerStructure({ siret: '73282932000074', structure_name: 'X', structure_type: 'association', address: 'a', postal_code: '75001', city: 'Paris', is_public: 'non' }).erreurs)
      .toEqual({ partner_administration: expect.stringContaining('administration partenaire'), free_support_certified: expect.stringContaining('gratuit') });
    expect(mobileE164('06 12 34 56 78')).toBe('+33612345678');
    expect(mobileE164('01 23 45 67 89')).toBeNull();
    const a = [{ email: 'a.b@x.fr', first_name: 'A', last_name: 'B', profession: 'P' }];
    expect(empreinteDemande({ siret: '1' }, a)).toBe(empreinteDemande({ siret: '1' }, a));
    expect(empreinteDemande({ siret: '1' }, a)).not.toBe(empreinteDemande({ siret: '2' }, a));
  });
});
