// The journal's hash chain (issue 20): given by PostgreSQL at insert, intact under concurrent writers, broken
// at the right row when the owner role alters, deletes or reorders rows, and a rewrite of the whole chain
// caught by an anchor archived before it. The daily anchor is written once per day.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyDb, createTestDb, type TestDb } from '../helpers/db.ts';
import { etatChaine, journaliser, verifierChaine } from '../../db/queries/journal.ts';
import { migrateLatest, migrateUpTo } from '../../db/migrations/run.ts';
import { COLONNES_CHAINE_JOURNAL, COLONNES_FORME_2, HASH_INITIAL, NOMBRE_VOIES_JOURNAL, ancreDeLEtat, hashLigne, lireAncre, texteForme2 } from '../../db/domain/chaine-journal.ts';
import { createJournalActivities } from '../../activities/journal.ts';
import type { Db } from '../../db/connection.ts';

const bases: TestDb[] = [];
async function base(): Promise<TestDb> {
  const t = await createTestDb();
  bases.push(t);
  return t;
}
afterAll(async () => {
  for (const t of bases) await t.drop();
});

/** `n` rows of varied content (accents, NULLs, booleans, uuid), as the application writes them. */
async function ecrire(db: Db, n: number, prefixe = 'ligne'): Promise<void> {
  for (let i = 0; i < n; i++) {
    await journaliser(db, {
      action: i % 3 ? 'connect_aidant' : 'use_autorisation',
      demarche: i % 3 ? null : 'argent',
      additional_information: `${prefixe} ${i} — « été » 🚀`,
      usager_id: i % 2 ? i : null,
    });
  }
}

/** The owner role, with the append-only trigger lifted for one statement (what an intruder with the owner's rights can do). */
async function commeProprietaire(t: TestDb, sql: string, params: unknown[] = []): Promise<void> {
  await t.owner().transaction(async (trx) => {
    await trx.raw('alter table journal disable trigger journal_no_update_delete');
    await trx.raw(sql, params as never[]);
    await trx.raw('alter table journal enable trigger journal_no_update_delete');
  });
}

const ids = async (db: Db) => (await db('journal').orderBy('chaine_rang').select('id', 'chaine_rang')) as { id: number; chaine_rang: number }[];

describe('the chain given by PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await base();
  });

  test('hashes every column of the journal but the chain’s own', async () => {
    const colonnes = (await t.db('information_schema.columns').where({ table_schema: 'public', table_name: 'journal' }).pluck('column_name')) as string[];
    expect(colonnes.filter((c) => c !== 'hash' && c !== 'hash_precedent').sort()).toEqual(COLONNES_CHAINE_JOURNAL.map((c) => c.nom).sort());
  });

  test('each insert gets the next rank, the head’s hash and its own hash, whatever the writer put there', async () => {
    await t.db('journal').insert({ action: 'connect_aidant', chaine_rang: 999, hash_precedent: 'f'.repeat(64), hash: 'forgé', additional_information: 'première' });
    // Several rows in one statement, and an idempotent write that is ignored the second time.
    await t.db('journal').insert([{ action: 'connect_aidant' }, { action: 'activity_check_aidant', is_remote_mandat: true, consent_request_id: '6f1c3c1e-9a4b-4b7e-8d0e-2a9b8f3c1d2e' }]);
    await journaliser(t.db, { action: 'expire_mandat', mandat_id: 7, idempotency_key: 'cle-1' });
    await journaliser(t.db, { action: 'expire_mandat', mandat_id: 7, idempotency_key: 'cle-1' });
    const rows = await t.db('journal').orderBy('chaine_rang');
    expect(rows.map((r) => r.chaine_rang)).toEqual([1, 2, 3, 4]);
    expect(rows[0].hash_precedent).toBe(HASH_INITIAL);
    for (let i = 1; i < rows.length; i++) expect(rows[i].hash_precedent).toBe(rows[i - 1].hash);
    // The hash is form 2 of db/domain/chaine-journal.ts, written here by hand for the first row: form, lane, rank,
    // id, action, nine NULLs, the text, `f`, four NULLs, the date in UTC; the two NULLs at the end left out.
    const r = rows[0];
    const date = (await t.db.raw(`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as d from journal where id = ?`, [r.id])).rows[0].d;
    const canonique = `(2,0,1,${r.id},connect_aidant,,,,,,,,,,première,f,,,,,${date}`;
    expect(r.chaine_forme).toBe(2);
    expect((await t.db.raw('select journal_texte_canonique(j) as c from journal j where id = ?', [r.id])).rows[0].c).toBe(canonique);
    expect(r.hash).toBe(hashLigne(HASH_INITIAL, canonique));
    const valeurs = COLONNES_FORME_2.map((c) => ({ chaine_forme: '2', chaine_voie: '0', chaine_rang: '1', id: String(r.id), action: 'connect_aidant', additional_information: 'première', is_remote_mandat: 'f', created_at: date } as Record<string, string>)[c.nom] ?? null);
    expect(texteForme2(valeurs)).toBe(canonique);
    const v = await verifierChaine(t.db);
    expect(v).toMatchObject({ ok: true, lignes: 4, rupture: null, etat: { lignes: 4, racine: rows[3].hash, voies: [{ voie: 0, rang: 4, hash: rows[3].hash, id: rows[3].id }] } });
  });

  test('the application role still cannot rewrite the journal nor its chain', async () => {
    const denied = /permission denied/;
    await expect(t.db('journal').update({ hash: 'x' })).rejects.toThrow(denied);
    await expect(t.db('journal').where({ chaine_rang: 1 }).delete()).rejects.toThrow(denied);
    await expect(t.db.raw('alter table journal disable trigger journal_chaine')).rejects.toThrow(/must be owner/);
    await expect(t.db.raw('create or replace function journal_chainer() returns trigger language plpgsql as $$ begin return new; end $$')).rejects.toThrow(/must be owner|permission denied/);
  });
});

describe('8 concurrent writers', () => {
  test('leave an intact chain in several lanes instead of queuing, every row in it once', async () => {
    const t = await base();
    const ecrivains = 8;
    const parEcrivain = 60;
    await Promise.all(Array.from({ length: ecrivains }, async (_, w) => {
      for (let i = 0; i < parEcrivain; i += 3) {
        // Transactions of one to three rows, as the use cases write them (a row, then other work, then a row).
        await t.db.transaction(async (trx) => {
          await journaliser(trx, { action: 'create_autorisation', aidant_id: null, additional_information: `écrivain ${w} ligne ${i}` });
          await trx.raw('select pg_sleep(0.001)');
          await journaliser(trx, { action: 'create_autorisation', additional_information: `écrivain ${w} ligne ${i + 1}` });
          await journaliser(trx, { action: 'create_autorisation', additional_information: `écrivain ${w} ligne ${i + 2}` });
        });
      }
    }));
    const total = ecrivains * parEcrivain;
    const v = await verifierChaine(t.db, { taille: 37 });
    expect(v).toMatchObject({ ok: true, lignes: total, rupture: null });
    // Concurrent writers went to other lanes rather than wait (lane 0 first); in each lane, ranks 1, 2, 3… and
    // no two rows after the same one; a transaction's rows in one lane, one after the other.
    const rows = (await t.db('journal').orderBy(['chaine_voie', 'chaine_rang']).select('chaine_voie', 'chaine_rang', 'hash_precedent', 'additional_information')) as { chaine_voie: number; chaine_rang: number; hash_precedent: string; additional_information: string }[];
    const voies = [...new Set(rows.map((r) => r.chaine_voie))];
    expect(voies[0]).toBe(0);
    expect(voies.length).toBeGreaterThan(1);
    expect(Math.max(...voies)).toBeLessThan(NOMBRE_VOIES_JOURNAL);
    for (const voie of voies) {
      const rangs = rows.filter((r) => r.chaine_voie === voie).map((r) => r.chaine_rang);
      expect(rangs).toEqual(Array.from({ length: rangs.length }, (_, i) => i + 1));
    }
    expect(new Set(rows.map((r) => `${r.chaine_voie} ${r.hash_precedent}`)).size).toBe(total);
    const position = new Map(rows.map((r, i) => [r.additional_information, { voie: r.chaine_voie, i }]));
    for (let w = 0; w < ecrivains; w++) {
      for (let i = 0; i < parEcrivain; i += 3) {
        const [a, b, c] = [0, 1, 2].map((k) => position.get(`écrivain ${w} ligne ${i + k}`)!);
        expect([b.voie, c.voie]).toEqual([a.voie, a.voie]);
        expect([b.i, c.i]).toEqual([a.i + 1, a.i + 2]);
      }
    }
    expect(v.etat!.voies.map((x) => x.voie)).toEqual(voies);
  });
});

describe('lanes', () => {
  /** `n` rows in one transaction whose writer chose lane `voie` (the trigger honours journal.voie). */
  const dansVoie = (db: Db, voie: number, n: number, prefixe: string) => db.transaction(async (trx) => {
    await trx.raw(`select set_config('journal.voie', ?, true)`, [String(voie)]);
    for (let i = 0; i < n; i++) await journaliser(trx, { action: 'connect_aidant', additional_information: `${prefixe} ${i}` });
  });

  test('each lane a chain of its own, hashed with its lane; the anchor holds every lane’s head; tampering in a lane is named with it', async () => {
    const t = await base();
    await ecrire(t.db, 5);
    await dansVoie(t.db, 3, 4, 'voie trois');
    await dansVoie(t.db, 5, 2, 'voie cinq');
    await t.db.transaction(async (trx) => {
      await trx.raw(`select set_config('journal.voie', 'x', true)`); // not a lane: ignored, the first free lane
      await journaliser(trx, { action: 'connect_aidant', additional_information: 'voie libre' });
    });
    const etat = await etatChaine(t.db);
    expect(etat.voies.map((v) => [v.voie, v.rang])).toEqual([[0, 6], [3, 4], [5, 2]]);
    expect(etat.lignes).toBe(12);
    const premiere = await t.db('journal').where({ chaine_voie: 3, chaine_rang: 1 }).first();
    expect(premiere.hash_precedent).toBe(HASH_INITIAL);
    expect((await t.db.raw('select journal_texte_canonique(j) as c from journal j where id = ?', [premiere.id])).rows[0].c).toMatch(/^\(2,3,1,\d+,connect_aidant,/);
    // Through the file format, as the worker archives it.
    const ancre = lireAncre(JSON.stringify(ancreDeLEtat('2026-12-06', etat, '')));
    expect(ancre.voies.map((v) => v.voie)).toEqual([0, 3, 5]);
    expect(await verifierChaine(t.db, { ancre, taille: 3 })).toMatchObject({ ok: true, lignes: 12 });

    // Lane 5 deleted whole: the chain alone is intact, not against the anchor.
    await commeProprietaire(t, 'delete from journal where chaine_voie = 5');
    expect(await verifierChaine(t.db)).toMatchObject({ ok: true, lignes: 10 });
    expect((await verifierChaine(t.db, { ancre })).rupture).toEqual({ raison: 'ancre_absente', id: null, rang: null, voie: 5 });
    // A row moved from lane 3 to lane 4: lane 3 misses a rank, named there.
    const deuxieme = await t.db('journal').where({ chaine_voie: 3, chaine_rang: 2 }).first('id');
    await commeProprietaire(t, 'update journal set chaine_voie = 4 where id = ?', [deuxieme.id]);
    const troisieme = await t.db('journal').where({ chaine_voie: 3, chaine_rang: 3 }).first('id');
    expect((await verifierChaine(t.db)).rupture).toEqual({ raison: 'rang', id: troisieme.id, rang: 3, voie: 3 });
    // Put back, then altered in place.
    await commeProprietaire(t, 'update journal set chaine_voie = 3 where id = ?', [deuxieme.id]);
    await commeProprietaire(t, `update journal set additional_information = 'réécrit' where id = ?`, [deuxieme.id]);
    const v = await verifierChaine(t.db);
    expect(v).toMatchObject({ ok: false, intactesAvant: 7, rupture: { raison: 'contenu', id: deuxieme.id, rang: 2, voie: 3 } });
  });

  test('a writer under REPEATABLE READ whose lane moved after its snapshot is refused', async () => {
    const t = await base();
    await dansVoie(t.db, 2, 2, 'avant');
    const ancien = await t.db.transaction({ isolationLevel: 'repeatable read' });
    try {
      await ancien.raw(`select set_config('journal.voie', '2', true)`); // its snapshot is taken here
      await dansVoie(t.db, 2, 1, 'entre-temps');
      await expect(journaliser(ancien, { action: 'connect_aidant', additional_information: 'en retard' })).rejects.toThrow(/journal_chaine_rang|could not serialize/);
    } finally {
      await ancien.rollback().catch(() => undefined);
    }
    expect(await verifierChaine(t.db)).toMatchObject({ ok: true, lignes: 3 });
  });
});

describe('a writer under REPEATABLE READ', () => {
  test('whose snapshot predates the head is refused rather than forking the chain', async () => {
    const t = await base();
    await ecrire(t.db, 3);
    const ancien = await t.db.transaction({ isolationLevel: 'repeatable read' });
    try {
      await ancien('journal').count({ n: '*' }); // its snapshot is taken here
      await journaliser(t.db, { action: 'connect_aidant', additional_information: 'entre-temps' });
      await expect(journaliser(ancien, { action: 'connect_aidant', additional_information: 'en retard' })).rejects.toThrow(/journal_chaine_rang|could not serialize/);
    } finally {
      await ancien.rollback().catch(() => undefined);
    }
    expect(await verifierChaine(t.db)).toMatchObject({ ok: true, lignes: 4 });
  });
});

describe('tampering as the owner role', () => {
  test('a row altered in place is named', async () => {
    const t = await base();
    await ecrire(t.db, 30);
    const cible = (await ids(t.db))[11];
    await commeProprietaire(t, `update journal set additional_information = 'réécrit' where id = ?`, [cible.id]);
    const v = await verifierChaine(t.db, { taille: 7 });
    expect(v).toMatchObject({ ok: false, intactesAvant: 11, rupture: { raison: 'contenu', id: cible.id, rang: 12, voie: 0 } });
  });

  test('a date altered by a microsecond is named', async () => {
    const t = await base();
    await ecrire(t.db, 10);
    const cible = (await ids(t.db))[4];
    await commeProprietaire(t, `update journal set created_at = created_at + interval '1 microsecond' where id = ?`, [cible.id]);
    expect((await verifierChaine(t.db)).rupture).toEqual({ raison: 'contenu', id: cible.id, rang: 5, voie: 0 });
  });

  test('a deleted row: the row after it is named', async () => {
    const t = await base();
    await ecrire(t.db, 30);
    const lignes = await ids(t.db);
    await commeProprietaire(t, 'delete from journal where id = ?', [lignes[19].id]);
    const v = await verifierChaine(t.db, { taille: 10 });
    expect(v).toMatchObject({ ok: false, intactesAvant: 19, rupture: { raison: 'rang', id: lignes[20].id, rang: 21 } });
  });

  test('a deleted row whose followers were renumbered: the first renumbered row is named', async () => {
    const t = await base();
    await ecrire(t.db, 20);
    const lignes = await ids(t.db);
    await commeProprietaire(t, 'delete from journal where id = ?', [lignes[5].id]);
    await commeProprietaire(t, 'update journal set chaine_rang = chaine_rang - 1 where chaine_rang > 6');
    expect((await verifierChaine(t.db)).rupture).toEqual({ raison: 'lien', id: lignes[6].id, rang: 6, voie: 0 });
  });

  test('a reordered pair: the first of the pair is named', async () => {
    const t = await base();
    await ecrire(t.db, 30);
    const lignes = await ids(t.db);
    const [a, b] = [lignes[14], lignes[15]];
    await commeProprietaire(t, `update journal set chaine_rang = case id when ? then ?::bigint else ?::bigint end where id in (?, ?)`, [a.id, -1, -2, a.id, b.id].map(Number));
    await commeProprietaire(t, `update journal set chaine_rang = case id when ? then ?::bigint else ?::bigint end where id in (?, ?)`, [a.id, 16, 15, a.id, b.id]);
    const v = await verifierChaine(t.db, { taille: 4 });
    expect(v).toMatchObject({ ok: false, intactesAvant: 14, rupture: { raison: 'lien', id: b.id, rang: 15 } });
  });

  test('every break is named: one planted early does not hide the later ones', async () => {
    const t = await base();
    await ecrire(t.db, 40);
    const lignes = await ids(t.db);
    // A false link planted at rank 10, then a row deleted (rank 25) and a row altered (rank 35) further on.
    await commeProprietaire(t, `update journal set hash_precedent = repeat('f', 64) where id = ?`, [lignes[9].id]);
    await commeProprietaire(t, 'delete from journal where id = ?', [lignes[24].id]);
    await commeProprietaire(t, `update journal set additional_information = 'réécrit' where id = ?`, [lignes[34].id]);
    const v = await verifierChaine(t.db, { taille: 6 });
    expect(v).toMatchObject({ ok: false, lignes: 39, intactesAvant: 9, nombreRuptures: 3, etat: null });
    expect(v.ruptures).toEqual([
      { raison: 'lien', id: lignes[9].id, rang: 10, voie: 0 },
      { raison: 'rang', id: lignes[25].id, rang: 26, voie: 0 },
      { raison: 'contenu', id: lignes[34].id, rang: 35, voie: 0 },
    ]);
    expect(v.rupture).toEqual(v.ruptures[0]);
  });

  test('a rewrite of the whole chain passes alone but not against an anchor archived before it; rows deleted at the end too', async () => {
    const t = await base();
    await ecrire(t.db, 25);
    const ancre = ancreDeLEtat('2026-12-01', await etatChaine(t.db), '');
    expect(ancre).toMatchObject({ lignes: 25, voies: [{ voie: 0, rang: 25 }] });
    await ecrire(t.db, 5, 'après');
    expect(await verifierChaine(t.db, { ancre })).toMatchObject({ ok: true, lignes: 30 });

    const cible = (await ids(t.db))[2];
    // The intruder alters row 3 and recomputes every hash from it with the database's own function.
    await commeProprietaire(t, `
      update journal set additional_information = 'réécrit' where id = ${cible.id};
      do $$ declare j journal; precedent text;
      begin
        select hash into precedent from journal where chaine_rang = 2;
        for j in select * from journal where chaine_rang >= 3 order by chaine_rang loop
          update journal set hash_precedent = precedent,
            hash = encode(sha256(convert_to(precedent || E'\\n' || journal_texte_canonique(j), 'UTF8')), 'hex') where id = j.id
            returning hash into precedent;
        end loop;
      end $$`);
    expect(await verifierChaine(t.db)).toMatchObject({ ok: true, lignes: 30 });
    const v = await verifierChaine(t.db, { ancre });
    expect(v).toMatchObject({ ok: false, intactesAvant: 24, rupture: { raison: 'ancre', rang: 25 } });

    // Rows deleted at the end leave an intact but shorter chain: only the anchor tells.
    const t2 = await base();
    await ecrire(t2.db, 10);
    const ancre2 = ancreDeLEtat('2026-12-02', await etatChaine(t2.db), '');
    await commeProprietaire(t2, 'delete from journal where chaine_rang > 8');
    expect(await verifierChaine(t2.db)).toMatchObject({ ok: true, lignes: 8 });
    expect(await verifierChaine(t2.db, { ancre: ancre2 })).toMatchObject({ ok: false, intactesAvant: 8, rupture: { raison: 'ancre_absente', id: null, voie: 0 } });
  });
});

describe('form 2', () => {
  test('values PostgreSQL must quote in a row literal are hashed as the verifier writes them', async () => {
    const t = await base();
    const difficiles = ['', ' ', 'a,b', 'a "b" c', 'a\\b', '(a)', 'tab\tnl\nvt\vff\fcr\r', 'NULL', '""', 'été 🚀 « » \u00a0espace insécable', ',', ')', '\\', 'x'.repeat(5000)];
    for (const d of difficiles) {
      await journaliser(t.db, { action: 'use_autorisation', demarche: d.slice(0, 20) || null, additional_information: d, access_token: d === 'NULL' ? '' : undefined });
    }
    // The last value non-NULL, then NULL: the trailing NULLs are cut whatever the last written value.
    await t.db('journal').insert({ action: 'connect_aidant', oidc_client_id: 'client, « un »', consent_sms_id: 12 });
    await t.db('journal').insert({ action: 'connect_aidant', oidc_client_id: 'dernier)' });
    const v = await verifierChaine(t.db, { taille: 4 });
    expect(v).toMatchObject({ ok: true, lignes: difficiles.length + 2, rupture: null });
    const texte = (await t.db.raw(`select journal_texte_canonique(j) as c from journal j where oidc_client_id = 'dernier)'`)).rows[0].c as string;
    expect(texte.endsWith(',"dernier)"')).toBe(true);
  });

  test('a row moved to the other form is named, and so is a form PostgreSQL does not know', async () => {
    const t = await base();
    await ecrire(t.db, 3);
    const [, deuxieme] = await ids(t.db);
    await commeProprietaire(t, 'update journal set chaine_forme = null where id = ?', [deuxieme.id]);
    expect((await verifierChaine(t.db)).rupture).toEqual({ raison: 'contenu', id: deuxieme.id, rang: 2, voie: 0 });
    await expect(commeProprietaire(t, 'update journal set chaine_forme = 3 where id = ?', [deuxieme.id])).rejects.toThrow(/journal_chaine_forme_connue/);
  });

  test('a session keeps its lane while it is free, takes the first free lane when another holds it, and a transaction stays in one lane', async () => {
    const t = await base();
    const { createDb } = await import('../../db/connection.ts');
    const seule = createDb(t.url, { min: 1, max: 1 });
    const autre = createDb(t.url, { min: 1, max: 1 });
    try {
      await seule.raw(`set journal.voie = '4'`);
      await journaliser(seule, { action: 'connect_aidant', additional_information: 'préférée' });
      await journaliser(seule, { action: 'connect_aidant', additional_information: 'encore' });
      const voieDe = async (info: string) => (await t.db('journal').where({ additional_information: info }).first('chaine_voie')).chaine_voie;
      expect([await voieDe('préférée'), await voieDe('encore')]).toEqual([4, 4]);
      // Lane 4 held by another transaction until it ends: the session moves to lane 0 and keeps it.
      const tenue = await autre.transaction();
      try {
        await tenue.raw(`select set_config('journal.voie', '4', true)`);
        await journaliser(tenue, { action: 'connect_aidant', additional_information: 'tient la voie 4' });
        await seule.transaction(async (trx) => {
          for (let i = 0; i < 3; i++) await journaliser(trx, { action: 'connect_aidant', additional_information: `ailleurs ${i}` });
        });
      } finally {
        await tenue.commit();
      }
      expect([await voieDe('ailleurs 0'), await voieDe('ailleurs 1'), await voieDe('ailleurs 2')]).toEqual([0, 0, 0]);
      await journaliser(seule, { action: 'connect_aidant', additional_information: 'après' });
      expect(await voieDe('après')).toBe(0);
      expect(await verifierChaine(t.db)).toMatchObject({ ok: true, lignes: 7 });
    } finally {
      await seule.destroy();
      await autre.destroy();
    }
  });
});

describe('migration 022', () => {
  test('rows chained in form 1 keep their hashes and an anchor archived before it; the rows after are in form 2 and follow them', async () => {
    const e = await createEmptyDb();
    try {
      const owner = e.owner();
      await migrateUpTo(owner, '021_reponses_recentes');
      await ecrire(e.db, 4, 'avant');
      await e.db.transaction(async (trx) => {
        await trx.raw(`select set_config('journal.voie', '2', true)`);
        await ecrire(trx as unknown as Db, 2, 'voie deux');
      });
      const avant = await e.db('journal').orderBy('id').select('id', 'hash');
      // The anchor of that day (the verifier of this version reads chaine_forme, which comes with 022).
      const ancre = ancreDeLEtat('2026-12-05', await etatChaine(e.db), '');
      await migrateLatest(owner);
      expect(await e.db('journal').orderBy('id').select('id', 'hash')).toEqual(avant);
      await ecrire(e.db, 3, 'après');
      const rows = await e.db('journal').orderBy('id');
      expect(rows.map((r) => r.chaine_forme)).toEqual([null, null, null, null, null, null, 2, 2, 2]);
      expect(await verifierChaine(e.db, { ancre })).toMatchObject({ ok: true, lignes: 9 });
    } finally {
      await e.drop();
    }
  });
});

describe('migration 011', () => {
  test('chains the rows written before it, in id order, and the next insert follows them', async () => {
    const e = await createEmptyDb();
    try {
      const owner = e.owner();
      await migrateUpTo(owner, '010_consentement');
      await owner('journal').insert([{ action: 'connect_aidant', additional_information: 'avant 1' }, { action: 'expire_mandat', mandat_id: 4 }, { action: 'connect_aidant', additional_information: 'avant 3' }]);
      await migrateLatest(owner);
      await e.db('journal').insert({ action: 'connect_aidant', additional_information: 'après' });
      const rows = await e.db('journal').orderBy('id');
      expect(rows.map((r) => [r.chaine_rang, r.additional_information])).toEqual([[1, 'avant 1'], [2, ''], [3, 'avant 3'], [4, 'après']]);
      expect(await verifierChaine(e.db)).toMatchObject({ ok: true, lignes: 4 });
      // The owner's append-only trigger is back.
      await expect(owner('journal').where({ id: rows[0].id }).update({ additional_information: 'x' })).rejects.toThrow(/append-only: UPDATE/);
    } finally {
      await e.drop();
    }
  });
});

describe('the daily anchor', () => {
  test('is written once a day as a file (a retry or a later run that day keeps the first), verifies against the chain, and is not written for a broken chain', async () => {
    const t = await base();
    const dataDir = mkdtempSync(join(tmpdir(), 'ancre-'));
    try {
      const { ecrireAncreJournal } = createJournalActivities({ db: t.db, mailer: { send: async () => { throw new Error('aucun courriel'); } }, dataDir, now: () => new Date('2026-12-06T00:05:00Z') });
      const vide = await ecrireAncreJournal('2026-12-05');
      expect(vide.ancre).toMatchObject({ date: '2026-12-05', lignes: 0, hash: HASH_INITIAL });
      await ecrire(t.db, 12);
      const premiere = await ecrireAncreJournal('2026-12-06');
      expect(premiere).toMatchObject({ nouvelle: true, ancre: { date: '2026-12-06', lignes: 12, ecriteA: '2026-12-06T00:05:00.000Z' } });
      await ecrire(t.db, 3);
      const encore = await ecrireAncreJournal('2026-12-06');
      expect(encore).toEqual({ ...premiere, nouvelle: false });
      const fichiers = readdirSync(join(dataDir, 'ancres-journal')).sort();
      expect(fichiers).toEqual(['ancre-journal-2026-12-05.json', 'ancre-journal-2026-12-06.json']);
      const ancre = lireAncre(readFileSync(join(dataDir, 'ancres-journal', 'ancre-journal-2026-12-06.json'), 'utf8'));
      expect(ancre.hash).toBe((await t.db('journal').where({ chaine_rang: 12 }).first()).hash);
      expect(await verifierChaine(t.db, { ancre })).toMatchObject({ ok: true, lignes: 15 });
      await expect(ecrireAncreJournal('../../etc')).rejects.toThrow(/date d’ancre invalide/);

      // A broken chain gets no anchor (it would vouch for it): the day's check reports the row instead.
      const cible = (await ids(t.db))[6];
      await commeProprietaire(t, `update journal set aidant_id = null, additional_information = 'effacé' where id = ?`, [cible.id]);
      const rompue = await ecrireAncreJournal('2026-12-07');
      expect(rompue).toMatchObject({ nouvelle: false, rupture: { raison: 'contenu', id: cible.id, rang: 7 } });
      expect(rompue.ancre).toBeUndefined();
      expect(readdirSync(join(dataDir, 'ancres-journal'))).not.toContain('ancre-journal-2026-12-07.json');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an anchor file that is not one is refused with a message', () => {
    expect(() => lireAncre('pas du json')).toThrow(/pas du JSON/);
    expect(() => lireAncre(JSON.stringify({ date: '2026-12-06', lignes: -1, hash: 'a'.repeat(64) }))).toThrow(/lignes/);
  });
});
