// The canonical form of a journal row (db/domain/chaine-journal.ts): NULL columns left out, lengths in UTF-8
// bytes, the same text from a record and from a row read as an array; the anchor file's reading.
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { COLONNES_CHAINE_JOURNAL, HASH_INITIAL, hashLigne, lireAncre, messageRupture, sqlTexteCanonique, texteCanonique, texteCanoniqueTableau } from '../../db/domain/chaine-journal.ts';

describe('forme canonique', () => {
  const valeurs = { id: '42', chaine_rang: '7', action: 'connect_aidant', additional_information: 'été 🚀', is_remote_mandat: 'false', aidant_id: null, created_at: '2026-12-06T08:15:02.123456Z' };

  test('omits NULL columns, counts UTF-8 bytes, follows the list’s order', () => {
    expect(texteCanonique(valeurs)).toBe(
      'chaine_rang=1:7\nid=2:42\naction=14:connect_aidant\nadditional_information=10:été 🚀\nis_remote_mandat=5:false\ncreated_at=27:2026-12-06T08:15:02.123456Z\n',
    );
  });

  test('is the same from a row read as an array', () => {
    const ligne = ['x', 'y', ...COLONNES_CHAINE_JOURNAL.map((c) => (valeurs as Record<string, string | null>)[c.nom] ?? null)];
    expect(texteCanoniqueTableau(ligne, 2)).toBe(texteCanonique(valeurs));
  });

  test('a value cannot pass for another column: lengths delimit the values', () => {
    // Without the lengths, both would read "action=a\nadditional_information=b\n".
    expect(texteCanonique({ action: 'a\nadditional_information=1:b' })).toBe('action=28:a\nadditional_information=1:b\n');
    expect(texteCanonique({ action: 'a', additional_information: 'b' })).toBe('action=1:a\nadditional_information=1:b\n');
  });

  test('hash = SHA-256(previous hash, newline, canonical form)', () => {
    expect(hashLigne(HASH_INITIAL, 'id=1:1\n')).toBe(createHash('sha256').update(`${'0'.repeat(64)}\nid=1:1\n`).digest('hex'));
  });

  test('the SQL form names every column once, NULLs left out by coalesce', () => {
    const sql = sqlTexteCanonique(COLONNES_CHAINE_JOURNAL, 'new');
    for (const c of COLONNES_CHAINE_JOURNAL) expect(sql).toContain(`'${c.nom}=' ||`);
    expect(sql).toContain(`to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  });
});

describe('ancre', () => {
  test('reads a valid anchor and refuses the rest with a French message', () => {
    expect(lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 3, hash: 'a'.repeat(64), ecriteA: 'x' }))).toEqual({ date: '2026-12-06', lignes: 3, hash: 'a'.repeat(64), ecriteA: 'x' });
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 3, hash: 'A'.repeat(64) }))).toThrow(/hash/);
    expect(() => lireAncre('[]')).toThrow(/date/);
  });

  test('a broken row is named in words', () => {
    expect(messageRupture({ raison: 'rang', id: 12, rang: 9 })).toBe('la ligne n°\u00a012 (rang 9) ne suit pas le rang précédent : une ligne a été supprimée avant elle');
  });
});
