// The journal's chain trigger in C (db/extension/journal_chaine.c) against the PL/pgSQL one: the harness
// installs it when the library builds, both write rows the verifier (which trusts neither) finds intact, in
// the same lanes, whatever the values, the session's time zone or the statement's shape; misuse is refused
// with a message, and the owner role can point the trigger at it but not replace its code.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { declencheurChaine, etatChaine, journaliser, verifierChaine } from '../../db/queries/journal.ts';
import { journalPage } from '../../web/staff/journal.ts';
import { construireChaineC, FONCTION_CHAINE_C, installerChaineC, sqlDeclencheurChaine } from '../../db/chaine-c.ts';
import { findPostgresBin } from '../../db/cluster.ts';
import { NOMBRE_VOIES_JOURNAL } from '../../db/domain/chaine-journal.ts';
import { urlWithDatabase } from '../../db/roles.ts';
import { createDb, type Db } from '../../db/connection.ts';

let t: TestDb;
let bibliotheque: { chemin: string } | { raison: string };
beforeAll(async () => {
  t = await createTestDb();
  bibliotheque = await construireChaineC(findPostgresBin());
});
afterAll(async () => {
  await t.drop();
});

const fonctionDuDeclencheur = async (db: Db) =>
  (await db.raw(`select tgfoid::regproc::text as f from pg_trigger where tgname = 'journal_chaine'`)).rows[0].f as string;

/** Rows that exercise every rule of form 2, written in several shapes of statement and session. */
async function ecrireDifficiles(db: Db, etiquette: string): Promise<number> {
  const valeurs = ['', ' ', 'a,b', 'a "b" c', 'a\\b', '(a)', 'tab\tnl\nvt\vff\fcr\r', ',', ')', '\\', 'été 🚀 « » \u00a0', 'x'.repeat(3000)];
  let n = 0;
  for (const v of valeurs) {
    await journaliser(db, { action: 'use_autorisation', demarche: v.slice(0, 20) || null, additional_information: `${etiquette}${v}` });
    n++;
  }
  await db('journal').insert({ action: 'create_attestation', is_remote_mandat: true, consent_request_id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', duree: 365, additional_information: `${etiquette} uuid` });
  await db('journal').insert({ action: 'create_attestation', is_remote_mandat: false, oidc_client_id: `${etiquette} dernier)` });
  n += 2;
  // Dates: far in the past (before Christ) and the future, with microseconds, and an infinite one, written by
  // a session in another time zone and date style (the form is in UTC whatever the session's settings).
  const autre = createDb(t.url, { min: 1, max: 1 });
  try {
    await autre.raw(`set time zone 'Pacific/Chatham'`);
    await autre.raw(`set datestyle = 'SQL, DMY'`);
    for (const date of ['2026-12-06 23:59:59.999999+13:45', '0044-03-15 12:00:00 BC', '12026-01-01 00:00:00.000001', 'infinity', '-infinity']) {
      await autre('journal').insert({ action: 'connect_aidant', created_at: autre.raw('?::timestamptz', [date]), additional_information: `${etiquette} ${date}` });
      n++;
    }
  } finally {
    await autre.destroy();
  }
  // Several rows in one statement, and a transaction of two statements (one lane, ranks in a row).
  await db.raw(`insert into journal (action, usager_id, additional_information) select 'use_autorisation', g, ? || g from generate_series(1, 25) g`, [`${etiquette} lot `]);
  await db.transaction(async (trx) => {
    await journaliser(trx, { action: 'connect_aidant', additional_information: `${etiquette} transaction 1` });
    await journaliser(trx, { action: 'connect_aidant', additional_information: `${etiquette} transaction 2` });
  });
  return n + 27;
}

describe('the C trigger', () => {
  test('is what the harness installed when the library builds (else the PL/pgSQL trigger, and why)', async () => {
    const f = await fonctionDuDeclencheur(t.db);
    if ('chemin' in bibliotheque) expect(f).toBe(FONCTION_CHAINE_C);
    else {
      expect(f).toBe('journal_chainer');
      console.warn(`déclencheur en C non construit : ${bibliotheque.raison}`);
    }
  });

  test('and the PL/pgSQL one write chains the verifier finds intact, one after the other in the same lanes', async () => {
    if (!('chemin' in bibliotheque)) return expect(await fonctionDuDeclencheur(t.db)).toBe('journal_chainer');
    let lignes = 0;
    for (const enC of [true, false, true]) {
      await t.owner().raw(sqlDeclencheurChaine(enC));
      expect(await fonctionDuDeclencheur(t.db)).toBe(enC ? FONCTION_CHAINE_C : 'journal_chainer');
      lignes += await ecrireDifficiles(t.db, enC ? 'C ' : 'plpgsql ');
    }
    // 8 writers at once on the C trigger: lanes instead of a queue, every row in the chain once.
    await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 20; i++) await journaliser(t.db, { action: 'connect_aidant', additional_information: `écrivain ${w} ligne ${i}` });
    }));
    lignes += 160;
    const v = await verifierChaine(t.db, { taille: 50 });
    expect(v).toMatchObject({ ok: true, lignes, nombreRuptures: 0 });
    const rangs = (await t.db('journal').orderBy(['chaine_voie', 'chaine_rang']).select('chaine_voie', 'chaine_rang', 'chaine_forme')) as { chaine_voie: number; chaine_rang: number; chaine_forme: number }[];
    for (let voie = 0; voie < NOMBRE_VOIES_JOURNAL; voie++) {
      const dans = rangs.filter((r) => r.chaine_voie === voie).map((r) => Number(r.chaine_rang));
      expect(dans).toEqual(Array.from({ length: dans.length }, (_, i) => i + 1));
    }
    expect(new Set(rangs.map((r) => r.chaine_forme))).toEqual(new Set([2]));
    // The infinite dates are hashed as NULL (to_char's answer), the others in UTC.
    const infinie = await t.db('journal').where({ additional_information: 'C  infinity' }).first('created_at');
    expect(infinie.created_at).toBe(Infinity);
  });

  test('keeps what a writer put in the chain’s columns out, and refuses to run as anything but BEFORE INSERT FOR EACH ROW', async () => {
    if (!('chemin' in bibliotheque)) return expect(await fonctionDuDeclencheur(t.db)).toBe('journal_chainer');
    await t.owner().raw(sqlDeclencheurChaine(true));
    await t.db('journal').insert({ action: 'connect_aidant', chaine_voie: 7, chaine_rang: 999, chaine_forme: 2, hash_precedent: 'f'.repeat(64), hash: 'forgé', additional_information: 'forgée' });
    const forgee = await t.db('journal').where({ additional_information: 'forgée' }).first('chaine_rang', 'hash');
    expect(Number(forgee.chaine_rang)).toBeLessThan(999);
    expect(forgee.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifierChaine(t.db)).ok).toBe(true);
    await t.owner().raw(`create trigger journal_chaine_apres after insert on journal for each row execute function ${FONCTION_CHAINE_C}()`);
    try {
      await expect(journaliser(t.db, { action: 'connect_aidant' })).rejects.toThrow(/BEFORE INSERT FOR EACH ROW seulement/);
    } finally {
      await t.owner().raw('drop trigger journal_chaine_apres on journal');
    }
  });

  test('belongs to the superuser: the owner role cannot replace its code', async () => {
    if (!('chemin' in bibliotheque)) return expect(await fonctionDuDeclencheur(t.db)).toBe('journal_chainer');
    const { rows: [{ superutilisateur, langage }] } = await t.db.raw(`select r.rolsuper as superutilisateur, l.lanname as langage
      from pg_proc p join pg_language l on l.oid = p.prolang join pg_roles r on r.oid = p.proowner
      where p.oid = to_regprocedure('${FONCTION_CHAINE_C}()')`);
    expect([superutilisateur, langage]).toEqual([true, 'c']);
    await expect(t.owner().raw(`create or replace function ${FONCTION_CHAINE_C}() returns trigger language plpgsql as $$ begin return new; end $$`))
      .rejects.toThrow(/must be owner|doit être le propriétaire/);
    // Nor can it create a C function of its own (C is an untrusted language).
    await expect(t.owner().raw(`create function autre_c() returns trigger language c as '${'chemin' in bibliotheque ? bibliotheque.chemin : ''}', 'journal_chainer'`))
      .rejects.toThrow(/permission denied|droit refusé/);
  });
});

describe('what the staff page says of the trigger', () => {
  test('in C, in PL/pgSQL, or none (an alert: every journal write is then refused)', async () => {
    await t.owner().raw(sqlDeclencheurChaine(false));
    expect(await declencheurChaine(t.db)).toBe('plpgsql');
    if ('chemin' in bibliotheque) {
      await t.owner().raw(sqlDeclencheurChaine(true));
      expect(await declencheurChaine(t.db)).toBe('c');
    }
    const etat = await etatChaine(t.db);
    const texte = (d: 'c' | 'plpgsql' | null) => String(journalPage({ csrf: 'x', etat, declencheur: d }));
    expect(texte('c')).toContain('calculées par un déclencheur en C');
    expect(texte('plpgsql')).toContain('calculées par un déclencheur en PL/pgSQL');
    expect(texte('plpgsql')).not.toContain('fr-alert--error');
    // Without the trigger (a dump restored where the library is missing): nothing chains, every write is refused.
    class Annulee extends Error {}
    await expect(t.owner().transaction(async (trx) => {
      await trx.raw('drop trigger journal_chaine on journal');
      expect(await declencheurChaine(trx as unknown as Db)).toBeNull();
      await trx.raw('savepoint s');
      await expect(trx.raw(`insert into journal (action) values ('connect_aidant')`)).rejects.toThrow(/null value|valeur NULL/);
      await trx.raw('rollback to savepoint s');
      throw new Annulee();
    })).rejects.toBeInstanceOf(Annulee);
    expect(await declencheurChaine(t.db)).not.toBeNull();
    expect(texte(null)).toContain('Aucun déclencheur ne chaîne le journal');
    expect(texte(null)).toContain('fr-alert--error');
  });
});

describe('a server without the library', () => {
  test('keeps the PL/pgSQL trigger: installerChaineC says why, and changes nothing', async () => {
    await t.owner().raw(sqlDeclencheurChaine(false));
    const adminUrl = urlWithDatabase(process.env.TEST_TEMPLATE_DATABASE_URL!, new URL(t.url).pathname.slice(1));
    expect(await installerChaineC(adminUrl, '/nulle/part')).toBe('chaîne du journal en PL/pgSQL : pg_config introuvable dans /nulle/part');
    expect(await fonctionDuDeclencheur(t.db)).toBe('journal_chainer');
    await journaliser(t.db, { action: 'connect_aidant', additional_information: 'sans la bibliothèque' });
    expect((await verifierChaine(t.db)).ok).toBe(true);
  });
});
