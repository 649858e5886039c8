// The one end of a mandat (db/queries/mandats.ts terminerMandats), whoever ends it: a revocation, a
// supersession at creation, the mandat's workflow. Only active mandats end; with `siPlusAucuneAutorisation`
// only those left with no active autorisation; the end's journal row is written for each mandat ended, once
// per idempotency key.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createStructure } from '../../scripts/fixtures/comptes.ts';
import { IDENTITES_FC, creerMandat, creerUsager } from '../../scripts/fixtures/fournisseur-identite.ts';
import { terminerMandats } from '../../db/queries/mandats.ts';

let t: TestDb;
let structureId: number;
let usagerId: number;
let n = 0;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  n++;
  structureId = await createStructure(t.db, { name: `Structure ${n}` });
  ({ id: usagerId } = await creerUsager(t.db, IDENTITES_FC.angela));
});

const ligne = (id: number) => t.db('mandats').where({ id }).first('status', 'ended_at');
const journal = (mandatId: number) => t.db('journal').where({ mandat_id: mandatId }).orderBy('id').select('action', 'structure_id', 'usager_id', 'idempotency_key');

describe('terminerMandats', () => {
  test('ends an active mandat: status, end date and its journal row', async () => {
    const { mandatId } = await creerMandat(t.db, { structureId, usagerId, demarches: ['famille'] });
    const le = new Date('2026-03-01T10:00:00Z');
    const clos = await t.db.transaction((trx) => terminerMandats(trx, [mandatId], {
      statut: 'expired', le, journal: { action: 'expire_mandat', structure_id: structureId, usager_id: usagerId, idempotency_key: `test-fin-${mandatId}` },
    }));
    expect(clos).toEqual([mandatId]);
    expect(await ligne(mandatId)).toEqual({ status: 'expired', ended_at: le });
    expect(await journal(mandatId)).toEqual([{ action: 'expire_mandat', structure_id: structureId, usager_id: usagerId, idempotency_key: `test-fin-${mandatId}` }]);
  });

  test('a mandat already ended is left as it is, with no second journal row', async () => {
    const { mandatId } = await creerMandat(t.db, { structureId, usagerId, demarches: ['famille'] });
    const fin = { statut: 'revoked' as const, le: new Date('2026-03-01T10:00:00Z'), journal: { action: 'cancel_mandat' as const, structure_id: structureId, usager_id: usagerId } };
    await t.db.transaction((trx) => terminerMandats(trx, [mandatId], fin));
    const encore = await t.db.transaction((trx) => terminerMandats(trx, [mandatId], { ...fin, statut: 'expired', le: new Date() }));
    expect(encore).toEqual([]);
    expect(await ligne(mandatId)).toEqual({ status: 'revoked', ended_at: fin.le });
    expect((await journal(mandatId)).map((j) => j.action)).toEqual(['cancel_mandat']);
  });

  test('revocation and supersession: only the mandats left with no active autorisation end, without a journal row', async () => {
    const partiel = await creerMandat(t.db, { structureId, usagerId, demarches: ['famille', 'argent'] });
    const vide = await creerMandat(t.db, { structureId, usagerId, demarches: ['social'] });
    const le = new Date();
    await t.db('autorisations').whereIn('id', [partiel.autorisations.famille!, vide.autorisations.social!]).update({ revoked_at: le });
    const clos = await t.db.transaction((trx) => terminerMandats(trx, [partiel.mandatId, vide.mandatId, vide.mandatId], { statut: 'revoked', le, siPlusAucuneAutorisation: true }));
    expect(clos).toEqual([vide.mandatId]);
    expect(await ligne(partiel.mandatId)).toEqual({ status: 'active', ended_at: null });
    expect(await ligne(vide.mandatId)).toEqual({ status: 'revoked', ended_at: le });
    expect(await journal(vide.mandatId)).toEqual([]);
  });

  test('nothing to end: no statement', async () => {
    expect(await t.db.transaction((trx) => terminerMandats(trx, [], { statut: 'revoked', le: new Date() }))).toEqual([]);
  });
});
