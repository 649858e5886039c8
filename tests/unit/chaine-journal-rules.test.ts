// The canonical form of a journal row (db/domain/chaine-journal.ts): NULL columns left out, lengths in UTF-8
// bytes, the same text from a record and from a row read as an array; the anchor file's reading.
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { COLONNES_CHAINE_JOURNAL, COLONNES_FORME_2, HASH_INITIAL, sqlTexteForme2, texteForme2, texteForme2Tableau, NOMBRE_VOIES_JOURNAL, hashLigne, lireAncre, messageRupture, racineChaine, sqlTexteCanonique, texteCanonique, texteCanoniqueTableau } from '../../db/domain/chaine-journal.ts';

describe('forme 2', () => {
  test('written as PostgreSQL writes a row: NULL as nothing, quotes where record_out puts them, trailing NULLs and the closing parenthesis cut', () => {
    expect(texteForme2(['2', '0', '7', '42', 'connect_aidant', null, 'a,b', '', 'dit "non"', 'c:\\x', '(x)', 'un espace', 'tab\t', 'f', null, null])).toBe(
      '(2,0,7,42,connect_aidant,,"a,b","","dit ""non""","c:\\\\x","(x)","un espace","tab\t",f',
    );
    expect(texteForme2(['2', null, null])).toBe('(2');
    expect(texteForme2(['2', 'été 🚀', 'NULL', 'été'])).toBe('(2,"été 🚀",NULL,été');
  });

  test('the form first, then the columns in form 1’s order; the SQL writes a row literal of them, dates in UTC', () => {
    expect(COLONNES_FORME_2.map((c) => c.nom)).toEqual(['chaine_forme', ...COLONNES_CHAINE_JOURNAL.map((c) => c.nom).filter((n) => n !== 'chaine_forme')]);
    const sql = sqlTexteForme2('new');
    expect(sql).toMatch(/^rtrim\(row\(new\.chaine_forme, new\.chaine_voie, new\.chaine_rang, new\.id, /);
    expect(sql).toContain(`to_char(new.created_at at time zone 'UTC'`);
  });

  test('from a row read by the verifier: booleans t/f, the raw lane and rank, form 1’s extra columns left out', () => {
    const valeurs: Record<string, string | null> = { id: '9', action: 'use_autorisation', is_remote_mandat: 'true', additional_information: 'x', chaine_voie: null, chaine_rang: '3', chaine_forme: '2' };
    const ligne = ['i', 'v', ...COLONNES_CHAINE_JOURNAL.map((c) => valeurs[c.nom] ?? null)];
    expect(texteForme2Tableau(ligne, 2, 0, 3)).toBe('(2,0,3,9,use_autorisation,,,,,,,,,,x,t');
  });
});

describe('forme canonique', () => {
  const valeurs = { id: '42', chaine_rang: '7', action: 'connect_aidant', additional_information: 'été 🚀', is_remote_mandat: 'false', aidant_id: null, created_at: '2026-12-06T08:15:02.123456Z' };

  test('omits NULL columns, counts UTF-8 bytes, follows the list’s order', () => {
    expect(texteCanonique(valeurs)).toBe(
      'chaine_rang=1:7\nid=2:42\naction=14:connect_aidant\nadditional_information=10:été 🚀\nis_remote_mandat=5:false\ncreated_at=27:2026-12-06T08:15:02.123456Z\n',
    );
  });

  test('a lane other than 0 comes first; lane 0 is left out (as NULL), so rows chained before lanes keep their form', () => {
    expect(texteCanonique({ ...valeurs, chaine_voie: '3' })).toBe(`chaine_voie=1:3\n${texteCanonique(valeurs)}`);
    expect(sqlTexteCanonique(COLONNES_CHAINE_JOURNAL.slice(0, 1), 'new')).toContain('nullif(new.chaine_voie, 0)::text');
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

  test('the SQL form names every column once, NULL pieces left out by concat', () => {
    const sql = sqlTexteCanonique(COLONNES_CHAINE_JOURNAL, 'new');
    for (const c of COLONNES_CHAINE_JOURNAL) expect(sql).toContain(`'${c.nom}=' ||`);
    expect(sql).toContain(`to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  });
});

describe('ancre', () => {
  test('reads a valid anchor and refuses the rest with a French message', () => {
    expect(lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 3, hash: 'a'.repeat(64), ecriteA: 'x' }))).toEqual({ date: '2026-12-06', lignes: 3, hash: 'a'.repeat(64), voies: [{ voie: 0, rang: 3, hash: 'a'.repeat(64) }], ecriteA: 'x' });
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 3, hash: 'A'.repeat(64) }))).toThrow(/hash/);
    expect(() => lireAncre('[]')).toThrow(/date/);
  });

  test('an anchor of lanes: the sum of their ranks and their root, checked; an anchor written before lanes is lane 0', () => {
    const voies = [{ voie: 0, rang: 5, hash: 'a'.repeat(64) }, { voie: 3, rang: 2, hash: 'b'.repeat(64) }];
    const racine = racineChaine(voies);
    expect(racine).toBe(createHash('sha256').update(`0:5:${'a'.repeat(64)}\n3:2:${'b'.repeat(64)}\n`).digest('hex'));
    expect(racineChaine([voies[1], voies[0]])).toBe(racine);
    expect(racineChaine([voies[0]])).toBe('a'.repeat(64));
    expect(racineChaine([])).toBe(HASH_INITIAL);
    expect(lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 7, hash: racine, voies: [voies[1], voies[0]] })).voies).toEqual(voies);
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 8, hash: racine, voies }))).toThrow(/cohérent/);
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 7, hash: 'c'.repeat(64), voies }))).toThrow(/cohérent/);
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 7, hash: racine, voies: [...voies, voies[1]] }))).toThrow(/une fois chacune/);
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 7, hash: racine, voies: [{ ...voies[0], voie: NOMBRE_VOIES_JOURNAL }] }))).toThrow(/voie de 0 à 7/);
    expect(lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 0, hash: HASH_INITIAL })).voies).toEqual([]);
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: 0, hash: 'a'.repeat(64) }))).toThrow(/cohérent/);
  });

  test('a broken row is named in words, with its lane when not 0', () => {
    expect(messageRupture({ raison: 'rang', id: 12, rang: 9, voie: 0 })).toBe('la ligne n°\u00a012 (rang 9) ne suit pas le rang précédent : une ligne a été supprimée avant elle');
    expect(messageRupture({ raison: 'contenu', id: 12, rang: 9, voie: 3 })).toBe('la ligne n°\u00a012 (voie 3, rang 9) a été modifiée : son contenu ne correspond plus à son empreinte');
    expect(messageRupture({ raison: 'ancre_absente', id: null, rang: null, voie: 5 })).toBe('le journal compte moins de lignes dans la voie 5 que l’ancre archivée : des lignes ont été supprimées');
  });
});
