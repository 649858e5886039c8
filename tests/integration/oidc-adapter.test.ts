// The identity provider's storage on PostgreSQL: what oidc-provider asks of an adapter (upsert, find,
// findByUid, findByUserCode, consume, destroy, revokeByGrantId), expiry, the hashing of bearer ids, and
// the purge.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { PgAdapter, purgerOidc } from '../../api/oidc/adapter.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { IDENTITES_FC, creerMandat, creerUsager } from '../../scripts/fixtures/fournisseur-identite.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

const epoch = () => Math.floor(Date.now() / 1000);

describe('PgAdapter', () => {
  test('upsert then find; a second upsert replaces the payload; another model does not see it', async () => {
    const sessions = new PgAdapter(t.db, 'Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: 'a', kind: 'Session', exp: epoch() + 60 }, 60);
    expect(await sessions.find('s1')).toMatchObject({ jti: 's1', uid: 'u1', accountId: 'a' });
    await sessions.upsert('s1', { jti: 's1', uid: 'u1', accountId: 'b', kind: 'Session' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'b' });
    expect(await new PgAdapter(t.db, 'Interaction').find('s1')).toBeUndefined();
    expect(await sessions.find('absent')).toBeUndefined();
  });

  test('findByUid and findByUserCode use their indexed columns', async () => {
    const sessions = new PgAdapter(t.db, 'Session');
    await sessions.upsert('s2', { jti: 's2', uid: 'uid-2', kind: 'Session' }, 60);
    expect(await sessions.findByUid('uid-2')).toMatchObject({ jti: 's2' });
    expect(await sessions.findByUid('uid-x')).toBeUndefined();
    const devices = new PgAdapter(t.db, 'DeviceCode');
    await devices.upsert('dc1', { jti: 'dc1', userCode: 'ABCD-EFGH', kind: 'DeviceCode' }, 60);
    expect(await devices.findByUserCode('ABCD-EFGH')).toMatchObject({ userCode: 'ABCD-EFGH' });
  });

  test('expired rows are never returned, and the purge deletes them', async () => {
    const interactions = new PgAdapter(t.db, 'Interaction');
    await interactions.upsert('i-old', { jti: 'i-old', kind: 'Interaction' }, 60);
    await t.db('oidc_payloads').where({ id: 'i-old' }).update({ expires_at: t.db.raw(`now() - interval '1 second'`) });
    expect(await interactions.find('i-old')).toBeUndefined();
    await interactions.upsert('i-live', { jti: 'i-live', kind: 'Interaction' }, 60);
    expect(await purgerOidc(t.db)).toBeGreaterThanOrEqual(1);
    expect(await t.db('oidc_payloads').where({ id: 'i-old' }).first()).toBeUndefined();
    expect(await interactions.find('i-live')).toMatchObject({ jti: 'i-live' });
  });

  test('consume marks a code once; find then reports it consumed', async () => {
    const codes = new PgAdapter(t.db, 'AuthorizationCode');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    expect((await codes.find('code-1'))?.consumed).toBeUndefined();
    await codes.consume('code-1');
    const consumed = (await codes.find('code-1'))?.consumed as number;
    expect(typeof consumed).toBe('number');
    await codes.consume('code-1');
    expect((await codes.find('code-1'))?.consumed).toBe(consumed);
  });

  test('bearer ids (codes, tokens) are stored as SHA-256, without the id in the payload', async () => {
    const tokens = new PgAdapter(t.db, 'AccessToken');
    await tokens.upsert('secret-token-value', { jti: 'secret-token-value', grantId: 'g2', accountId: 'x', kind: 'AccessToken' }, 60);
    const rows = await t.db('oidc_payloads').where({ type: 'AccessToken' }).select('id', 'payload');
    expect(JSON.stringify(rows)).not.toContain('secret-token-value');
    expect(await tokens.find('secret-token-value')).toMatchObject({ jti: 'secret-token-value', grantId: 'g2' });
  });

  test('destroy removes one row; revokeByGrantId removes the grant’s rows of that model only', async () => {
    const codes = new PgAdapter(t.db, 'AuthorizationCode');
    const tokens = new PgAdapter(t.db, 'AccessToken');
    await codes.upsert('c-g3', { jti: 'c-g3', grantId: 'g3', kind: 'AuthorizationCode' }, 60);
    await tokens.upsert('t-g3', { jti: 't-g3', grantId: 'g3', kind: 'AccessToken' }, 60);
    await tokens.upsert('t-g4', { jti: 't-g4', grantId: 'g4', kind: 'AccessToken' }, 60);
    await tokens.revokeByGrantId('g3');
    expect(await tokens.find('t-g3')).toBeUndefined();
    expect(await tokens.find('t-g4')).toBeDefined();
    expect(await codes.find('c-g3')).toBeDefined();
    await codes.destroy('c-g3');
    expect(await codes.find('c-g3')).toBeUndefined();
  });

  test('the purge also deletes the aidants’ choices of expired grants', async () => {
    const structureId = await createStructure(t.db);
    const { aidant } = await createAccount(t.db, { email: 'purge.test@brest.fr', structureId });
    const usager = await creerUsager(t.db, IDENTITES_FC.angela);
    const m = await creerMandat(t.db, { structureId, usagerId: usager.id, demarches: ['famille'] });
    const choix = { client_id: 'fc', aidant_id: aidant.id, structure_id: structureId, usager_id: usager.id, mandat_id: m.mandatId, autorisation_id: m.autorisations.famille, demarche: 'famille' };
    await t.db('oidc_choix').insert([
      { ...choix, grant_id: 'expired-grant', expires_at: t.db.raw(`now() - interval '1 second'`) },
      { ...choix, grant_id: 'live-grant', expires_at: t.db.raw(`now() + interval '10 minutes'`) },
    ]);
    await purgerOidc(t.db);
    expect(await t.db('oidc_choix').pluck('grant_id')).toEqual(['live-grant']);
  });
});
