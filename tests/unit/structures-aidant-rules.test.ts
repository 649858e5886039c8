// The rules of several structures per aidant (db/domain/structures-aidant.ts).
import { describe, expect, test } from '@jest/globals';
import { idStructure, refusRetrait, structureCouranteApresRetrait } from '../../db/domain/structures-aidant.ts';

describe('structures of an aidant', () => {
  test('ids from forms and URLs: positive integers only', () => {
    expect(idStructure('12')).toBe(12);
    expect(idStructure(' 7 ')).toBe(7);
    for (const v of ['0', '-1', '1.5', 'abc', '', '1 or 1=1', '1234567890', 12, null, undefined, ['1']]) expect(idStructure(v)).toBeNull();
  });

  test('the current structure moves only when it is the one removed', () => {
    const restantes = [{ id: 3 }, { id: 5 }];
    expect(structureCouranteApresRetrait(3, 9, restantes)).toBe(3);
    expect(structureCouranteApresRetrait(9, 9, restantes)).toBe(3);
    expect(structureCouranteApresRetrait(null, 9, restantes)).toBe(3);
    expect(structureCouranteApresRetrait(9, 9, [])).toBeNull();
  });

  test('a structure keeps an active référent; a référent does not remove their own last structure', () => {
    expect(refusRetrait({ cibleEstReferente: true, autresReferentsActifs: 0, soiMeme: false, autresStructuresActives: 2 })).toBe('dernier-referent');
    expect(refusRetrait({ cibleEstReferente: true, autresReferentsActifs: 1, soiMeme: true, autresStructuresActives: 1 })).toBeNull();
    expect(refusRetrait({ cibleEstReferente: false, autresReferentsActifs: 0, soiMeme: false, autresStructuresActives: 0 })).toBeNull();
    expect(refusRetrait({ cibleEstReferente: true, autresReferentsActifs: 1, soiMeme: true, autresStructuresActives: 0 })).toBe('soi-meme-sans-structure');
  });
});
