// The consent rule of remote mandats (db/domain/README.md#consentement-par-sms) and the texts the usager receives.
import { describe, expect, test } from '@jest/globals';
import {
  cleConsentement, codeDeLaReponse, estConsentement, estIdDemande, lireReponse, prefixeCleConsentement, texteSmsAccuse, texteSmsDemande, texteSmsRecapitulatif,
} from '../../db/domain/consentement.ts';
import { validerChoixMandat } from '../../api/mandats/brouillon.ts';
import { TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';

describe('la réponse « Oui »', () => {
  test.each(['Oui', 'oui', 'OUI', ' OUI ', 'oui.', 'Oui .', '  oui.  ', 'oUi', '\toui '])('« %s » is consent', (reponse) => {
    expect(estConsentement(reponse)).toBe(true);
  });
  test.each(['Oui !', 'oui..', 'Oui merci', 'Ouii', 'Non', 'non.', '', '.', 'O U I', 'ouï', 'oui?', 'Yes', 'Oui, je suis d’accord'])('« %s » is a refusal', (reponse) => {
    expect(estConsentement(reponse)).toBe(false);
  });
});

describe('les SMS', () => {
  test('the recap names the structure, the duration and the démarches', () => {
    const une = texteSmsRecapitulatif({ structure: 'France Services de Lille', duree: 'SHORT', demarches: ['argent'] });
    expect(une).toBe('Aidants Connect, bonjour.\n\nFrance Services de Lille va créer un mandat d’une journée (jusqu’à demain) en votre nom pour la démarche Argent - Impôts - Consommation.');
    const deux = texteSmsRecapitulatif({ structure: 'CCAS de Brest', duree: 'LONG', demarches: ['social', 'logement'] });
    expect(deux).toContain('un mandat de douze mois en votre nom pour les démarches suivantes :\n- Social - Santé\n- Logement');
    expect(texteSmsRecapitulatif({ structure: 'S', duree: 'MONTH', demarches: ['papiers'] })).toContain('d’un mois');
    expect(texteSmsRecapitulatif({ structure: 'S', duree: 'SEMESTER', demarches: ['papiers'] })).toContain('de six mois');
  });
  test('the consent request asks for « Oui <code> » (« Oui » for a request from before codes); the receipts say what was recorded', () => {
    expect(texteSmsDemande('4821')).toContain('Répondez « Oui 4821 » pour l’accepter.');
    expect(texteSmsDemande()).toContain('Répondez « Oui »');
    expect(texteSmsAccuse(true)).toContain('votre accord');
    expect(texteSmsAccuse(false)).toContain('votre refus');
  });
  test('outbox keys share the prefix the purge deletes', () => {
    const id = '0b6f2d1e-8a4c-4e7b-9f1a-2c3d4e5f6a7b';
    expect(estIdDemande(id)).toBe(true);
    expect(estIdDemande(id.toUpperCase())).toBe(false);
    expect(estIdDemande('1')).toBe(false);
    expect(cleConsentement(id, 'demande').startsWith(prefixeCleConsentement(id))).toBe(true);
  });
});

describe('le choix « à distance » du formulaire', () => {
  const base = { demarches: ['social'], duree: 'MONTH' };
  test('needs a French mobile and the certification', () => {
    expect(validerChoixMandat({ ...base, modalite: 'distance' }, TOUTES_LES_DEMARCHES)).toEqual({
      ok: false,
      erreurs: {
        telephone: 'Saisissez le mobile de l’usager : il y recevra les SMS de consentement.',
        certification: 'Cochez la case pour certifier que ce numéro est bien celui de l’usager.',
      },
    });
    expect(validerChoixMandat({ ...base, modalite: 'distance', telephone: '01 23 45 67 89', certification: 'oui' }, TOUTES_LES_DEMARCHES)).toMatchObject({ ok: false, erreurs: { telephone: expect.stringContaining('mobile français') } });
    expect(validerChoixMandat({ ...base, modalite: 'distance', telephone: '06 12 34 56 78', certification: 'oui' }, TOUTES_LES_DEMARCHES)).toEqual({
      ok: true, distance: true, choix: { demarches: ['social'], duree: 'MONTH', telephone: '+33612345678', langue: null },
    });
    // Issue 22: the usager's language goes with the consent request to the mandat.
    expect(validerChoixMandat({ ...base, modalite: 'distance', telephone: '06 12 34 56 78', certification: 'oui', langue: 'ar' }, TOUTES_LES_DEMARCHES))
      .toMatchObject({ ok: true, choix: { langue: 'ar' } });
  });
  test('in person stays as it was; renewal and unknown choices are refused', () => {
    expect(validerChoixMandat(base, TOUTES_LES_DEMARCHES)).toMatchObject({ ok: true, distance: false });
    expect(validerChoixMandat({ ...base, modalite: 'presence' }, TOUTES_LES_DEMARCHES)).toMatchObject({ ok: true, distance: false });
    expect(validerChoixMandat({ ...base, modalite: 'ailleurs' }, TOUTES_LES_DEMARCHES)).toMatchObject({ ok: false, erreurs: { modalite: expect.any(String) } });
    expect(validerChoixMandat({ ...base, modalite: 'distance', telephone: '0612345678', certification: 'oui' }, TOUTES_LES_DEMARCHES, { distancePossible: false }))
      .toMatchObject({ ok: false, erreurs: { modalite: 'Le renouvellement d’un mandat se fait en présence de l’usager.' } });
  });
});

describe('issue 18, item 1: an answer names its request by the code', () => {
  test.each(['Oui 4821', 'oui4821', '4821 oui', 'Oui, 4821', 'Oui 4821.', ' OUI  4821 ', '4821 - Oui'])('« %s » is consent for the request 4821', (reponse) => {
    expect(lireReponse(reponse, '4821')).toBe('consentement');
  });
  test.each(['Non 4821', 'Oui ! 4821', 'Oui 4821 merci', '4821'])('« %s » is a refusal of the request 4821', (reponse) => {
    expect(lireReponse(reponse, '4821')).toBe('refus');
  });
  test.each(['Oui', 'Oui 1234', 'oui 14821', 'Non'])('« %s » says nothing about the request 4821', (reponse) => {
    expect(lireReponse(reponse, '4821')).toBe('sans-code');
  });
  test('a request from before codes keeps the former rule; the code read is the first group of four digits', () => {
    expect(lireReponse('Oui', null)).toBe('consentement');
    expect(lireReponse('Oui 4821', null)).toBe('refus');
    expect(codeDeLaReponse('Oui 0042 et 4821')).toBe('0042');
    expect(codeDeLaReponse('Oui 12345')).toBeNull();
  });
});
