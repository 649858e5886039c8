import { describe, expect, test } from '@jest/globals';
import { courrielRappelExpiration } from '../../db/courriels/mandat.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { rappelAvantExpiration, RAPPEL_AVANT_EXPIRATION_MS } from '../../db/domain/mandat.ts';
import { cleVieMandat, issueDuMandat, prefixeRappelsMandat, rappelUtile, type EtatMandat } from '../../db/domain/vie-mandat.ts';

const creation = Date.parse('2026-03-01T09:00:00Z');
const expiration = new Date(creation + 365 * JOUR_MS);
const actif: EtatMandat = { status: 'active', ended_at: null, expires_at: expiration };
const jour = (n: number) => new Date(creation + n * JOUR_MS);

describe('vie du mandat', () => {
  test('active until its expiry, then expired at its expiry date (not when a worker noticed)', () => {
    expect(issueDuMandat(actif, [null, null], creation + 364 * JOUR_MS)).toEqual({ statut: 'active', expiresAtMs: expiration.getTime() });
    expect(issueDuMandat(actif, [null], expiration.getTime() + 3 * JOUR_MS)).toEqual({ statut: 'expired', finMs: expiration.getTime(), aEcrire: true });
  });
  test('a status already written wins and is only read back', () => {
    const revoque: EtatMandat = { status: 'revoked', ended_at: jour(10), expires_at: expiration };
    expect(issueDuMandat(revoque, [jour(10)], creation + 11 * JOUR_MS)).toEqual({ statut: 'revoked', finMs: jour(10).getTime(), aEcrire: false });
    const expire: EtatMandat = { status: 'expired', ended_at: expiration, expires_at: expiration };
    expect(issueDuMandat(expire, [null], creation + 400 * JOUR_MS)).toEqual({ statut: 'expired', finMs: expiration.getTime(), aEcrire: false });
  });
  test('every autorisation revoked (one by one or superseded): ended at the last revocation', () => {
    expect(issueDuMandat(actif, [jour(3), null], creation + 5 * JOUR_MS).statut).toBe('active');
    expect(issueDuMandat(actif, [jour(3), jour(7)], creation + 8 * JOUR_MS)).toEqual({ statut: 'revoked', finMs: jour(7).getTime(), aEcrire: true });
    // Revoked after its expiry changes nothing: it had expired.
    expect(issueDuMandat(actif, [jour(370)], creation + 371 * JOUR_MS)).toEqual({ statut: 'expired', finMs: expiration.getTime(), aEcrire: true });
  });
  test('the reminder is for a mandat still in force, 30 days before expiry of 182- and 365-day mandats only', () => {
    expect(rappelUtile(actif, [null], creation + 335 * JOUR_MS)).toBe(true);
    expect(rappelUtile(actif, [jour(3)], creation + 335 * JOUR_MS)).toBe(false);
    expect(rappelUtile({ ...actif, status: 'revoked', ended_at: jour(3) }, [jour(3)], creation + 335 * JOUR_MS)).toBe(false);
    expect(rappelAvantExpiration('LONG')).toBe(RAPPEL_AVANT_EXPIRATION_MS);
    expect(rappelAvantExpiration('SEMESTER')).toBe(30 * JOUR_MS);
    expect(rappelAvantExpiration('MONTH')).toBeNull();
    expect(rappelAvantExpiration('SHORT')).toBeNull();
  });
  test('keys name ids only', () => {
    expect(cleVieMandat(12, 'fin')).toBe('mandat-12-fin');
    expect(cleVieMandat(12, 'rappel', 7)).toBe('mandat-12-rappel-7');
    expect(cleVieMandat(12, 'rappel', 7).startsWith(prefixeRappelsMandat(12))).toBe(true);
    expect(cleVieMandat(123, 'rappel', 7).startsWith(prefixeRappelsMandat(12))).toBe(false);
  });
  test('the reminder email names the usager and the expiry date, in French', () => {
    const c = courrielRappelExpiration({
      prenomAidant: 'Karim', usager: { prenom: 'Angela Claire', nom: 'Dubois' }, structure: 'France Services de Saint-Denis',
      expiresAtMs: Date.parse('2027-03-01T09:00:00Z'), lienUsager: 'https://aidants.test/usagers/42',
    });
    expect(c.subject).toBe('Un mandat arrive à échéance le 1er mars 2027');
    expect(c.text).toContain('Bonjour Karim,');
    expect(c.text).toContain('Le mandat confié par Angela Claire Dubois à France Services de Saint-Denis expire le 1er mars 2027.');
    expect(c.text).toContain('https://aidants.test/usagers/42');
  });
});
