// `npm run verifier-journal`: exit 0 and the head on an intact chain; exit 1 naming the first broken row; with
// `--ancre`, exit 1 on a chain rewritten after the anchor; exit 2 on a bad anchor file.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { etatChaine, journaliser } from '../../db/queries/journal.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let t: TestDb;
let dossier: string;
beforeAll(async () => {
  t = await createTestDb();
  dossier = mkdtempSync(join(tmpdir(), 'verifier-journal-'));
  for (let i = 0; i < 12; i++) await journaliser(t.db, { action: 'connect_aidant', additional_information: `ligne ${i}` });
});
afterAll(async () => {
  await t.drop();
  rmSync(dossier, { recursive: true, force: true });
});

function commande(...args: string[]): Promise<{ code: number | null; sortie: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'scripts/verifier-journal.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: t.url, MIGRATION_DATABASE_URL: t.ownerUrl },
    });
    let sortie = '';
    p.stdout.on('data', (d) => (sortie += d));
    p.stderr.on('data', (d) => (sortie += d));
    p.on('close', (code) => resolve({ code, sortie }));
  });
}

describe('npm run verifier-journal', () => {
  test('intact, with an anchor; then broken; then rewritten against the anchor; a bad anchor file', async () => {
    const [tete] = (await etatChaine(t.db)).voies;
    const ancre = join(dossier, 'ancre-journal-2026-12-06.json');
    // An anchor as written before lanes (no `voies`): still read, as lane 0's head.
    writeFileSync(ancre, JSON.stringify({ date: '2026-12-06', lignes: tete.rang, hash: tete.hash, ecriteA: '2026-12-06T00:05:00Z' }));

    const intacte = await commande('--ancre', ancre);
    expect(intacte.sortie).toContain(`✔ Chaîne intacte : 12 lignes, tête n°\u00a0${tete.id} (rang 12), empreinte ${tete.hash}`);
    expect(intacte.sortie).toContain('✔ L’ancre du 2026-12-06 (12 lignes');
    expect(intacte.code).toBe(0);

    // The owner role rewrites row 4 and every hash after it: the chain alone is intact, not against the anchor.
    const cible = await t.db('journal').where({ chaine_rang: 4 }).first('id');
    await t.owner().transaction(async (trx) => {
      await trx.raw('alter table journal disable trigger journal_no_update_delete');
      await trx('journal').where({ id: cible.id }).update({ additional_information: 'réécrit' });
      await trx.raw(`do $$ declare j journal; precedent text;
        begin
          select hash into precedent from journal where chaine_rang = 3;
          for j in select * from journal where chaine_rang >= 4 order by chaine_rang loop
            update journal set hash_precedent = precedent,
              hash = encode(sha256(convert_to(precedent || E'\\n' || journal_texte_canonique(j), 'UTF8')), 'hex') where id = j.id
              returning hash into precedent;
          end loop;
        end $$`);
      await trx.raw('alter table journal enable trigger journal_no_update_delete');
    });
    expect((await commande()).code).toBe(0);
    const reecrite = await commande('--ancre', ancre);
    expect(reecrite.sortie).toContain('✘ Chaîne rompue : la ligne n°');
    expect(reecrite.sortie).toContain('(rang 12) ne porte pas l’empreinte de l’ancre archivée');
    expect(reecrite.code).toBe(1);

    // A row altered in place (without recomputing): named.
    await t.owner().transaction(async (trx) => {
      await trx.raw('alter table journal disable trigger journal_no_update_delete');
      await trx('journal').where({ chaine_rang: 7 }).update({ action: 'cancel_mandat' });
      await trx.raw('alter table journal enable trigger journal_no_update_delete');
    });
    const rompue = await commande();
    const id7 = (await t.db('journal').where({ chaine_rang: 7 }).first('id')).id;
    expect(rompue.sortie).toContain(`✘ Chaîne rompue : la ligne n°\u00a0${id7} (rang 7) a été modifiée`);
    expect(rompue.sortie).toContain('6 lignes intactes avant elle');
    // The check goes on past the break: the total and every break listed.
    expect(rompue.sortie).toMatch(/1 rupture\(s\) en tout sur \d+ lignes vérifiées :\n  - la ligne n°\u00a0\d+ \(rang 7\) a été modifiée/);
    expect(rompue.code).toBe(1);

    writeFileSync(join(dossier, 'faux.json'), '{"date": "hier"}');
    const mauvaise = await commande('--ancre', join(dossier, 'faux.json'));
    expect(mauvaise.sortie).toContain('illisible');
    expect(mauvaise.code).toBe(2);
  });
});
