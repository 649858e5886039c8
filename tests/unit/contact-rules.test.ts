import { describe, expect, test } from '@jest/globals';
import { emailValide, mobileE164, normaliserEmail } from '../../db/domain/contact.ts';

describe('emails and mobiles typed by people', () => {
  test('emails: spaces and case do not matter; the format is checked', () => {
    expect(normaliserEmail('  Marie.Curie@MAIRIE.fr ')).toBe('marie.curie@mairie.fr');
    expect(normaliserEmail(['a@b.fr'])).toBe('');
    expect(emailValide('prenom.nom@structure.fr')).toBe(true);
    expect(emailValide('pas-un-email')).toBe(false);
    expect(emailValide('a@b.c')).toBe(false);
  });
  test('French mobiles in E.164; landlines and other values refused', () => {
    expect(mobileE164('06 12 34 56 78')).toBe('+33612345678');
    expect(mobileE164('+33 7.12.34.56.78')).toBe('+33712345678');
    expect(mobileE164('0033612345678')).toBe('+33612345678');
    expect(mobileE164('01 23 45 67 89')).toBeNull();
    expect(mobileE164(612345678)).toBeNull();
  });
});
