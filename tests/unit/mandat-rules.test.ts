import { describe, expect, test } from '@jest/globals';
import { dateExpirationMandat, datePurgeMandat, estDureeMandat, DUREES_MANDAT } from '../../db/domain/mandat.ts';
import { estDemarche, TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';

describe('règles du mandat', () => {
  test('the four durations of the public service', () => {
    expect(Object.fromEntries(Object.entries(DUREES_MANDAT).map(([k, v]) => [k, v.jours]))).toEqual({ SHORT: 1, MONTH: 31, SEMESTER: 182, LONG: 365 });
  });
  test('expiry is creation + N days', () => {
    const created = new Date('2026-01-31T10:00:00Z');
    expect(dateExpirationMandat(created, 'MONTH').toISOString()).toBe('2026-03-03T10:00:00.000Z');
    expect(dateExpirationMandat(created, 'SHORT').toISOString()).toBe('2026-02-01T10:00:00.000Z');
  });
  test('purge is 6 calendar years after the end', () => {
    expect(datePurgeMandat(new Date('2026-02-28T00:00:00Z')).toISOString()).toBe('2032-02-28T00:00:00.000Z');
  });
  test('unknown durations and démarches are refused', () => {
    expect(estDureeMandat('EUS_03_20')).toBe(false);
    expect(estDureeMandat('toString')).toBe(false);
    expect(estDemarche('argent')).toBe(true);
    expect(estDemarche('constructor')).toBe(false);
    expect(TOUTES_LES_DEMARCHES).toHaveLength(10);
  });
});
