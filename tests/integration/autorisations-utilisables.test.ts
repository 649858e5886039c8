// The rule every FranceConnect check reuses: an autorisation is usable iff not revoked, its mandat active and
// unexpired, its démarche still allowed by the structure, the mandat's structure = the aidant's current
// structure, the aidant active, an aidant (not a référent only) and still a member of it.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { IDENTITES_FC, creerMandat, creerUsager } from '../../scripts/fixtures/fournisseur-identite.ts';
import { autorisationsUtilisables, usagersAvecAutorisations } from '../../db/queries/autorisations.ts';
import { TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';

let t: TestDb;
let structureId: number;
let autre: number;
let aidantId: number;
let usagerId: number;
let mandat: Awaited<ReturnType<typeof creerMandat>>;
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
  autre = await createStructure(t.db, { name: `Autre ${n}` });
  ({ aidant: { id: aidantId } } = await createAccount(t.db, { email: `aidant-${n}@exemple.fr`, structureId }));
  ({ id: usagerId } = await creerUsager(t.db, IDENTITES_FC.angela));
  mandat = await creerMandat(t.db, { structureId, usagerId, demarches: ['famille', 'argent'] });
});

const demarches = async () => (await autorisationsUtilisables(t.db, { aidantId, usagerId })).map((a) => a.demarche).sort();

describe('autorisationsUtilisables', () => {
  test('an active mandat of the aidant’s structure: its autorisations, with the usager’s identity', async () => {
    const rows = await autorisationsUtilisables(t.db, { aidantId });
    expect(rows.map((r) => r.demarche).sort()).toEqual(['argent', 'famille']);
    expect(rows[0]).toMatchObject({ usager_id: usagerId, structure_id: structureId, mandat_id: mandat.mandatId, usager: { id: usagerId, ...IDENTITES_FC.angela } });
    expect(await autorisationsUtilisables(t.db, { aidantId, demarches: ['argent'] })).toHaveLength(1);
    expect(await usagersAvecAutorisations(t.db, aidantId, null)).toEqual([expect.objectContaining({ id: usagerId, demarches: ['argent', 'famille'] })]);
  });

  test.each<[string, () => Promise<unknown>, string[]]>([
    ['a revoked autorisation', () => t.db('autorisations').where({ id: mandat.autorisations.famille }).update({ revoked_at: t.db.fn.now() }), ['argent']],
    ['a mandat past its expiry date', () => t.db('mandats').where({ id: mandat.mandatId }).update({ expires_at: t.db.raw(`created_at + interval '1 millisecond'`) }), []],
    ['a mandat marked expired', () => t.db('mandats').where({ id: mandat.mandatId }).update({ status: 'expired', ended_at: t.db.fn.now() }), []],
    ['a revoked mandat', () => t.db('mandats').where({ id: mandat.mandatId }).update({ status: 'revoked', ended_at: t.db.fn.now() }), []],
    ['a démarche the structure no longer allows', () => t.db('structures').where({ id: structureId }).update({ allowed_demarches: TOUTES_LES_DEMARCHES.filter((d) => d !== 'argent') }), ['famille']],
    ['an inactive structure', () => t.db('structures').where({ id: structureId }).update({ is_active: false }), []],
    ['an inactive aidant', () => t.db('aidants').where({ id: aidantId }).update({ is_active: false }), []],
    ['a référent who is not an aidant', () => t.db('aidants').where({ id: aidantId }).update({ referent_non_aidant: true, can_create_mandats: false }), []],
    ['an aidant who switched to another structure', async () => {
      await t.db('aidant_structures').insert({ aidant_id: aidantId, structure_id: autre });
      await t.db('aidants').where({ id: aidantId }).update({ current_structure_id: autre });
    }, []],
    ['an aidant no longer a member of the structure', () => t.db('aidant_structures').where({ aidant_id: aidantId, structure_id: structureId }).delete(), []],
  ])('not usable: %s', async (_label, change, restant) => {
    expect(await demarches()).toEqual(['argent', 'famille']);
    await change();
    expect(await demarches()).toEqual(restant);
  });

  test('a mandat of another structure is never usable by this aidant', async () => {
    const { id: autreUsager } = await creerUsager(t.db, IDENTITES_FC.henry);
    await creerMandat(t.db, { structureId: autre, usagerId: autreUsager, demarches: ['social'] });
    expect(await autorisationsUtilisables(t.db, { aidantId, usagerId: autreUsager })).toEqual([]);
    expect((await usagersAvecAutorisations(t.db, aidantId, null)).map((u) => u.id)).toEqual([usagerId]);
  });
});
