// The one check of a typed TOTP code (api/auth/code-frais.ts), used by the login, the re-authentication and
// the mandat recap: format, single use, limits per account and IP counted before the check, the account's own
// typing errors forgotten after a right code, and an unknown account answered like a wrong code.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createAccount, createStructure, totpCode } from '../../scripts/fixtures/comptes.ts';
import { verifierCodeFrais } from '../../api/auth/code-frais.ts';

let t: TestDb;
let structureId: number;

beforeAll(async () => {
  t = await createTestDb();
  structureId = await createStructure(t.db);
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  await t.db('tentatives').delete();
});

describe('verifierCodeFrais', () => {
  test('a malformed code is refused before anything is counted', async () => {
    const { aidant } = await createAccount(t.db, { email: 'format@mairie.fr', structureId });
    const r = await verifierCodeFrais(t.db, aidant, '12 34', '10.0.0.1');
    expect(r).toMatchObject({ ok: false, raison: 'format', status: 400 });
    expect(Number((await t.db('tentatives').count({ n: '*' }).first())!.n)).toBe(0);
  });

  test('a right code passes once (a replay is refused) and forgets the account’s own failures', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'bon@mairie.fr', structureId });
    expect(await verifierCodeFrais(t.db, aidant, '000000', '10.0.0.2')).toMatchObject({ ok: false, raison: 'incorrect', status: 401 });
    expect(Number((await t.db('tentatives').count({ n: '*' }).first())!.n)).toBe(3);
    const code = await totpCode(totpSecret);
    expect(await verifierCodeFrais(t.db, aidant, code.slice(0, 3) + ' ' + code.slice(3), '10.0.0.2')).toEqual({ ok: true });
    // The failure per account and IP is forgotten, the right attempt itself is not counted.
    const restantes: string[] = await t.db('tentatives').pluck('cle');
    expect(restantes.some((c) => c.startsWith('compte-ip:'))).toBe(false);
    expect(await verifierCodeFrais(t.db, aidant, code, '10.0.0.2')).toMatchObject({ ok: false, raison: 'incorrect' });
  });

  test('a replayed code takes nothing back: the replay stays counted on its three keys', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'rejoue@mairie.fr', structureId });
    const code = await totpCode(totpSecret);
    expect(await verifierCodeFrais(t.db, aidant, code, '10.0.0.5')).toEqual({ ok: true });
    expect(Number((await t.db('tentatives').count({ n: '*' }).first())!.n)).toBe(0);
    expect(await verifierCodeFrais(t.db, aidant, code, '10.0.0.5')).toMatchObject({ ok: false, raison: 'incorrect' });
    const cles: string[] = await t.db('tentatives').pluck('cle');
    expect(cles.map((c) => c.split(':')[0]).sort()).toEqual(['compte', 'compte-ip', 'ip']);
  });

  test('a code is checked against the devices of the account named, never another one\'s', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'autre-carte@mairie.fr', structureId });
    const { aidant } = await createAccount(t.db, { email: 'mon-compte@mairie.fr', structureId });
    expect(await verifierCodeFrais(t.db, aidant, await totpCode(totpSecret), '10.0.0.6')).toMatchObject({ ok: false, raison: 'incorrect' });
  });

  test('an unknown account gets the same answer as a wrong code', async () => {
    const r = await verifierCodeFrais(t.db, { id: null, email: 'personne@mairie.fr' }, '123456', '10.0.0.3');
    expect(r).toMatchObject({ ok: false, raison: 'incorrect', status: 401 });
  });

  test('beyond 5 codes per account and IP in 15 minutes: 429 with the wait, nothing checked', async () => {
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'limite@mairie.fr', structureId });
    for (let i = 0; i < 5; i++) expect((await verifierCodeFrais(t.db, aidant, '000000', '10.0.0.4')).ok).toBe(false);
    const r = await verifierCodeFrais(t.db, aidant, await totpCode(totpSecret), '10.0.0.4');
    expect(r).toMatchObject({ ok: false, raison: 'limite', status: 429 });
    expect(r.ok ? 0 : r.retryAfterMs).toBeGreaterThan(0);
    expect(r.ok ? '' : r.message).toMatch(/^Trop de tentatives\. Réessayez dans /);
  });
});
