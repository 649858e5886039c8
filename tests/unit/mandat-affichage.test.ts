import { describe, expect, test } from '@jest/globals';
import { dateLongue, estRenouvelable, groupeMandat, phraseDuree, rappelAvantExpiration, DUREE_CONSERVATION_MANDAT_MS } from '../../db/domain/mandat.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { validerChoixMandat } from '../../api/mandats/brouillon.ts';
import { validerDemarchesStructure } from '../../api/structures/demarches.ts';

const maintenant = new Date('2026-11-26T10:00:00Z');
const dans = (jours: number) => new Date(maintenant.getTime() + jours * JOUR_MS);

describe('règles d’affichage et de renouvellement des mandats', () => {
  test('groups: active, ending within 30 days, expired, revoked — from the stored status', () => {
    expect(groupeMandat({ status: 'active', expires_at: dans(31) }, maintenant)).toBe('actif');
    expect(groupeMandat({ status: 'active', expires_at: dans(30) }, maintenant)).toBe('bientot');
    // The status written by the workflow wins over the clock.
    expect(groupeMandat({ status: 'active', expires_at: dans(-1) }, maintenant)).toBe('bientot');
    expect(groupeMandat({ status: 'expired', expires_at: dans(-1) }, maintenant)).toBe('expire');
    expect(groupeMandat({ status: 'revoked', expires_at: dans(100) }, maintenant)).toBe('revoque');
  });

  test('renewable while active or ended less than 365 days ago', () => {
    expect(estRenouvelable({ status: 'active', ended_at: null }, maintenant)).toBe(true);
    expect(estRenouvelable({ status: 'expired', ended_at: dans(-364) }, maintenant)).toBe(true);
    expect(estRenouvelable({ status: 'revoked', ended_at: dans(-365) }, maintenant)).toBe(false);
  });

  test('reminder only for 182- and 365-day mandats; retention at least 6 calendar years', () => {
    expect(rappelAvantExpiration('SHORT')).toBeNull();
    expect(rappelAvantExpiration('MONTH')).toBeNull();
    expect(rappelAvantExpiration('SEMESTER')).toBe(30 * JOUR_MS);
    expect(rappelAvantExpiration('LONG')).toBe(30 * JOUR_MS);
    // 2028 and 2032 are leap years: the longest 6-year span is 2,192 days.
    const fin = new Date('2027-03-01T00:00:00Z');
    const sixAns = new Date('2033-03-01T00:00:00Z');
    expect(fin.getTime() + DUREE_CONSERVATION_MANDAT_MS).toBeGreaterThanOrEqual(sixAns.getTime());
  });

  test('French dates and the duration sentence', () => {
    expect(dateLongue(new Date('2027-06-01T10:00:00Z'))).toBe('1er juin 2027');
    expect(phraseDuree('SHORT', new Date('2026-11-27T10:00:00Z'))).toBe('pour 1 jour, jusqu’au 27 novembre 2026');
    expect(phraseDuree('LONG', new Date('2027-11-26T10:00:00Z'))).toBe('pour 365 jours, jusqu’au 26 novembre 2027');
  });
});

describe('formulaire de création', () => {
  const autorisees = ['papiers', 'famille', 'argent'] as const;
  test('at least one démarche, all allowed for the structure, a known duration, an optional French mobile', () => {
    expect(validerChoixMandat({ demarches: ['papiers', 'argent', 'papiers'], duree: 'LONG', telephone: '06 12 34 56 78' }, [...autorisees]))
      .toMatchObject({ ok: true, choix: { demarches: ['papiers', 'argent'], duree: 'LONG', telephone: '+33612345678' } });
    expect(validerChoixMandat({ demarches: 'famille', duree: 'SHORT' }, [...autorisees])).toMatchObject({ ok: true, choix: { telephone: null } });
    expect(validerChoixMandat({ duree: 'LONG' }, [...autorisees])).toEqual({ ok: false, erreurs: { demarches: 'Choisissez au moins une démarche.' } });
    expect(validerChoixMandat({ demarches: ['justice'], duree: 'LONG' }, [...autorisees])).toMatchObject({ ok: false, erreurs: { demarches: expect.stringContaining('pas autorisée') } });
    expect(validerChoixMandat({ demarches: ['__proto__'], duree: 'toString' }, [...autorisees])).toMatchObject({ ok: false, erreurs: { demarches: expect.any(String), duree: expect.any(String) } });
    expect(validerChoixMandat({ demarches: 'papiers', duree: 'LONG', telephone: '01 23 45 67 89' }, [...autorisees])).toMatchObject({ ok: false, erreurs: { telephone: expect.any(String) } });
    expect(validerChoixMandat(undefined, [...autorisees])).toMatchObject({ ok: false });
  });

  test('a structure keeps at least one known démarche, stored in display order', () => {
    expect(validerDemarchesStructure(['argent', 'papiers'])).toEqual({ ok: true, demarches: ['papiers', 'argent'] });
    expect(validerDemarchesStructure(undefined)).toMatchObject({ ok: false });
    expect(validerDemarchesStructure(['papiers', 'magie'])).toMatchObject({ ok: false });
  });
});
