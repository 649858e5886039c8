import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { seedDemo } from '../../db/seed/index.ts';
import { Aidant } from '../../db/models/index.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe('demo seed', () => {
  test('creates staff, a structure, its référent and two aidants, and is idempotent', async () => {
    const first = await seedDemo(t.db);
    const counts = await snapshotCounts(t.db);
    const second = await seedDemo(t.db);
    expect(second).toEqual(first);
    expect(await snapshotCounts(t.db)).toEqual(counts);
    const referent = await Aidant.query(t.db).findById(first.referentId).withGraphFetched('[referentDe, structures]');
    expect(referent?.referentDe?.map((s) => s.id).sort()).toEqual([first.structureId, first.secondeStructureId].sort());
    // An aidant in two structures, acting for the first (db/domain/README.md#plusieurs-structures).
    const karim = await Aidant.query(t.db).findById(first.aidantIds[0]).withGraphFetched('structures');
    expect(karim?.structures?.map((s) => s.id).sort()).toEqual([first.structureId, first.secondeStructureId].sort());
    expect(karim?.current_structure_id).toBe(first.structureId);
    expect(await Aidant.query(t.db).where({ current_structure_id: first.structureId })).toHaveLength(3);
    expect((await Aidant.query(t.db).findById(first.staffId))?.is_staff).toBe(true);
  });
});
