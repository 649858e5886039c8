// Issue 13, items 2 and 9: no secret rests in clear (TOTP secrets, card seeds, links and codes in the outbox),
// messages leave from the worker only, and migration 006 carries existing rows over. Each test reads the
// database as an attacker with a copy of it would.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generateSecret } from 'otplib';
import { createEmptyDb, createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { csrfFrom, HttpClient, startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, totpCode } from '../../scripts/fixtures/comptes.ts';
import { configureSecrets, generateSecretsKey, isSealed, sealedKeyId, unseal } from '../../db/secrets.ts';
import { deliverDue } from '../../activities/outbox.ts';
import { enqueueEmail, purgeOldBodies } from '../../db/queries/outbox.ts';
import { requestLogin } from '../../api/auth/login.ts';
import { createDb } from '../../db/connection.ts';
import { migrateLatest, migrateUpTo } from '../../db/migrations/run.ts';
import { APP_ROLE, ensureOwnedDatabase, OWNER_ROLE, urlAs, urlWithDatabase } from '../../db/roles.ts';
import { importerCartes } from '../../db/queries/cartes.ts';
import { reencryptAll } from '../../scripts/reencrypt.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;
let structureId: number;
const BASE32 = /^[A-Z2-7]+=*$/;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  // The web app alone, without the worker's relay: what the request itself does.
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('unused'); }, publicUrl: 'http://aidants.test' });
  structureId = await createStructure(t.db);
});
afterAll(async () => {
  await app.close();
  await mail.stop();
  await t.drop();
});

describe('secrets at rest', () => {
  test('an imported card seed and the device made from it are sealed; a stolen row alone yields no code', async () => {
    const seed = '3132333435363738393031323334353637383930';
    const staff = await createAccount(t.db, { email: 'staff.cartes@anct.gouv.fr', is_staff: true });
    await importerCartes(t.db, staff.aidant.id, `GADT0000100;${seed}`);
    const card = await t.db('totp_cards').where({ serial_number: 'GADT0000100' }).first();
    expect(card.seed).not.toContain(seed);
    expect(isSealed(card.seed)).toBe(true);
    const { aidant, totpSecret } = await createAccount(t.db, { email: 'secret.repos@mairie.fr', structureId });
    const device = await t.db('totp_devices').where({ aidant_id: aidant.id }).first();
    expect(device.secret).not.toContain(totpSecret);
    expect(BASE32.test(device.secret)).toBe(false);
    // Only the key opens it: the same value under another key is refused.
    configureSecrets(generateSecretsKey(sealedKeyId(device.secret)!));
    try {
      expect(() => unseal('totp_devices.secret', device.secret)).toThrow();
    } finally {
      configureSecrets(process.env.SECRETS_KEYS!);
    }
  });

  test('a login link rests sealed in the outbox, is sent by the relay only, then wiped; the request sends nothing', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'lien.scelle@mairie.fr', structureId });
    const client = new HttpClient(app.url);
    const csrf = csrfFrom(await (await client.get('/connexion')).text());
    const res = await client.postForm('/connexion', { email: 'lien.scelle@mairie.fr', code: await totpCode(totpSecret) }, csrf);
    expect(res.status).toBe(200);
    const row = await t.db('outbox').where({ recipient: 'lien.scelle@mairie.fr' }).first();
    // Nothing was sent inside the request: the web app has no mail port at all.
    expect(row.status).toBe('pending');
    expect(mail.catcher.emails().filter((m) => m.to.includes('lien.scelle@mairie.fr'))).toHaveLength(0);
    // What a copy of the database shows: a placeholder and a sealed value, no token.
    expect(row.body).toContain('/connexion/lien/{{jeton}}');
    expect(row.body).not.toMatch(/\/lien\/[A-Za-z0-9_-]{20,}/);
    expect(isSealed(row.secrets)).toBe(true);
    expect(new Date(row.expires_at).getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);

    await deliverDue(t.db, { mailer: mail.mailer });
    const email = await mail.catcher.waitFor((m) => m.to.includes('lien.scelle@mairie.fr'));
    const token = email.text.match(/\/connexion\/lien\/([A-Za-z0-9_-]{20,})/)![1];
    const sent = await t.db('outbox').where({ id: row.id }).first();
    expect(sent).toMatchObject({ status: 'sent', secrets: null });
    expect(JSON.stringify(sent)).not.toContain(token);
    // The link works once.
    const path = `/connexion/lien/${token}`;
    expect((await client.postForm(path, {}, csrfFrom(await (await client.get(path)).text()))).status).toBe(303);
  });

  test('a message not sent before its secret expires is dropped with its secret', async () => {
    await enqueueEmail(t.db, { idempotencyKey: 'expire-1', to: 'x@mairie.fr', subject: 'Lien', text: 'Lien : {{jeton}}', secrets: { jeton: 'jeton-secret' }, expiresAt: new Date(Date.now() - 1000) });
    await deliverDue(t.db, { mailer: mail.mailer });
    expect(await t.db('outbox').where({ idempotency_key: 'expire-1' }).first()).toMatchObject({ status: 'expired', secrets: null });
    expect(mail.catcher.emails().filter((m) => m.to.includes('x@mairie.fr'))).toHaveLength(0);
  });

  test('a secret written in clear in the text is refused: placeholders must have a sealed value', async () => {
    await expect(enqueueEmail(t.db, { idempotencyKey: 'oubli', to: 'y@mairie.fr', subject: 'S', text: 'Code : {{code}}' })).rejects.toThrow(/\{\{code\}\} sans valeur/);
  });

  test('bodies of messages sent longer ago than the retention are purged; the key stays so nothing is resent', async () => {
    await enqueueEmail(t.db, { idempotencyKey: 'ancien-1', to: 'z@mairie.fr', subject: 'Ancien', text: 'Corps ancien' });
    await deliverDue(t.db, { mailer: mail.mailer });
    await t.db('outbox').where({ idempotency_key: 'ancien-1' }).update({ sent_at: new Date(Date.now() - 31 * 24 * 3600_000) });
    expect(await purgeOldBodies(t.db, 30)).toBeGreaterThanOrEqual(1);
    expect(await t.db('outbox').where({ idempotency_key: 'ancien-1' }).first()).toMatchObject({ body: '', subject: null, status: 'sent' });
    await enqueueEmail(t.db, { idempotencyKey: 'ancien-1', to: 'z@mairie.fr', subject: 'Ancien', text: 'Corps ancien' });
    expect(await t.db('outbox').where({ idempotency_key: 'ancien-1' }).first()).toMatchObject({ status: 'sent' });
  });

  test('key rotation: with a new key in front, `npm run rechiffrer` re-seals everything, then the old key can go', async () => {
    const old = process.env.SECRETS_KEYS!;
    const fresh = generateSecretsKey('rotation');
    try {
      configureSecrets(`${fresh},${old}`);
      const counts = await reencryptAll(t.db);
      expect(counts.totp_devices).toBeGreaterThan(0);
      configureSecrets(fresh);
      for (const d of await t.db('totp_devices')) {
        expect(sealedKeyId(d.secret)).toBe('rotation');
        expect(BASE32.test(unseal('totp_devices.secret', d.secret))).toBe(true);
      }
      for (const c of await t.db('totp_cards')) expect(sealedKeyId(c.seed)).toBe('rotation');
      // Logins still work under the new key alone.
      const { totpSecret } = await createAccount(t.db, { email: 'apres.rotation@mairie.fr', structureId });
      expect((await requestLogin({ db: t.db, publicUrl: 'http://x' }, { email: 'apres.rotation@mairie.fr', code: await totpCode(totpSecret), ip: '10.0.0.2', next: null })).kind).toBe('sent');
      // Back to the first key for the other tests: re-seal again.
      configureSecrets(`${old},${fresh}`);
      await reencryptAll(t.db);
    } finally {
      configureSecrets(old);
    }
  });
});

describe('migration 006 carries existing rows over', () => {
  test('clear TOTP secrets and card seeds are sealed; links and codes in old outbox bodies are masked; an unsent one is dropped', async () => {
    const e = await createEmptyDb();
    try {
      const owner = e.owner();
      await migrateUpTo(owner, '004_mandats');
      const secret = generateSecret();
      const [a] = await owner('aidants').insert({ email: 'ancien@mairie.fr', first_name: 'A', last_name: 'B' }).returning('id');
      const [card] = await owner('totp_cards').insert({ serial_number: 'GADT0000555', seed: 'ab'.repeat(20) }).returning('id');
      await owner('totp_devices').insert({ aidant_id: a.id, kind: 'app', secret, period: 30, confirmed: true });
      await owner('totp_devices').insert({ aidant_id: a.id, kind: 'card', card_id: card.id, secret: 'KVKFKRCPNZQUYMLX', period: 60, confirmed: true });
      const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
      await owner('outbox').insert([
        { idempotency_key: 'l1', channel: 'email', recipient: 'ancien@mairie.fr', subject: 'Lien', body: `Ouvrez http://x/connexion/lien/${token} vite`, status: 'sent' },
        { idempotency_key: 'l2', channel: 'email', recipient: 'ancien@mairie.fr', subject: 'Lien', body: `http://x/premiere-connexion/lien/${token}`, status: 'pending' },
        { idempotency_key: 's1', channel: 'sms', recipient: '+33611111111', body: 'Aidants Connect : votre code de première connexion est 482913.', status: 'sent' },
        { idempotency_key: 'h1', channel: 'email', recipient: 'd@x.fr', subject: 'Confirmez', body: `http://x/habilitation/confirmer/${token}`, status: 'sent' },
        { idempotency_key: 'r1', channel: 'email', recipient: 'd@x.fr', subject: 'Relance', body: 'Sans secret', status: 'pending' },
      ]);
      await owner('premieres_connexions').insert({ aidant_id: a.id, link_token_hash: 'h', code_hash: 'c', expires_at: new Date(Date.now() + 600_000) });

      await migrateLatest(owner);

      const devices = await e.db('totp_devices').orderBy('id');
      expect(devices.every((d: { secret: string }) => isSealed(d.secret))).toBe(true);
      expect(unseal('totp_devices.secret', devices[0].secret)).toBe(secret);
      expect(unseal('totp_cards.seed', (await e.db('totp_cards').first()).seed)).toBe('ab'.repeat(20));
      const rows: Record<string, { body: string; status: string }> = Object.fromEntries((await e.db('outbox')).map((r: { idempotency_key: string; body: string; status: string }) => [r.idempotency_key, r]));
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows.l1.body).toBe('Ouvrez http://x/connexion/lien/[masqué] vite');
      expect(rows.l2).toMatchObject({ status: 'expired', body: 'http://x/premiere-connexion/lien/[masqué]' });
      expect(rows.s1.body).toBe('Aidants Connect : votre code de première connexion est [masqué].');
      expect(rows.h1.body).toBe('http://x/habilitation/confirmer/[masqué]');
      expect(rows.r1).toMatchObject({ status: 'pending', body: 'Sans secret' });
      expect((await e.db('premieres_connexions').first()).used_at).not.toBeNull();
      // And the application role got its rights on the migrated database.
      await expect(e.db('journal').delete()).rejects.toThrow(/permission denied/);
    } finally {
      await e.drop();
    }
  });
});

describe('a database created before the two roles (an existing .data/pg)', () => {
  test('is handed over to the owner role, migrated, and the application role works in it with the journal protected', async () => {
    const admin = process.env.TEST_TEMPLATE_DATABASE_URL!;
    const name = `ancienne_${Date.now()}`;
    const superuser = createDb(urlWithDatabase(admin, 'postgres'), { min: 0, max: 1 });
    await superuser.raw(`create database ${name}`);
    await superuser.destroy();
    const old = createDb(urlWithDatabase(admin, name), { min: 0, max: 1 });
    const e = { app: null as null | ReturnType<typeof createDb>, owner: null as null | ReturnType<typeof createDb> };
    try {
      // As `npm start` did before: everything created and owned by the superuser.
      await migrateUpTo(old, '004_mandats');
      await old('journal').insert({ action: 'connect_aidant', additional_information: 'avant' });
      await ensureOwnedDatabase(admin, name);
      e.owner = createDb(urlAs(urlWithDatabase(admin, name), OWNER_ROLE, process.env.TEST_OWNER_PASSWORD), { min: 0, max: 1 });
      await migrateLatest(e.owner);
      e.app = createDb(urlAs(urlWithDatabase(admin, name), APP_ROLE, process.env.TEST_APP_PASSWORD), { min: 0, max: 1 });
      await e.app('structures').insert({ name: 'Après', type: 'autre' });
      expect(await e.app('journal').pluck('additional_information')).toEqual(['avant']);
      await expect(e.app('journal').delete()).rejects.toThrow(/permission denied/);
      await expect(e.owner('journal').delete()).rejects.toThrow(/append-only/);
    } finally {
      await e.app?.destroy();
      await e.owner?.destroy();
      await old.destroy();
      const cleanup = createDb(urlWithDatabase(admin, 'postgres'), { min: 0, max: 1 });
      await cleanup.raw(`drop database if exists ${name} with (force)`);
      await cleanup.destroy();
    }
  });
});

describe('messages leave from the worker, and misses cost the same work', () => {
  test('login: an unknown email runs the same statements as a known email with a wrong code', async () => {
    await createAccount(t.db, { email: 'connu@mairie.fr', structureId });
    const statements = async (email: string) => {
      const seen: string[] = [];
      const listener = (q: { sql: string }) => seen.push(q.sql);
      t.db.on('query', listener);
      try {
        expect((await requestLogin({ db: t.db, publicUrl: 'http://x' }, { email, code: '000000', ip: `10.1.${seen.length}.1`, next: null })).kind).toBe('invalid');
      } finally {
        t.db.off('query', listener);
      }
      return seen;
    };
    expect(await statements('inconnu@mairie.fr')).toEqual(await statements('connu@mairie.fr'));
  });

  test('first connection: a match and a miss run the same single statement, and the miss writes nothing', async () => {
    const { demanderPremiereConnexion } = await import('../../api/auth/first-connection.ts');
    await createAccount(t.db, { email: 'ref.sans.moyen@ccas.fr', structureId, referent: true, phone: '+33622334455', withDevice: false });
    const run = async (email: string, phone: string) => {
      const seen: string[] = [];
      const listener = (q: { sql: string }) => seen.push(q.sql);
      t.db.on('query', listener);
      try {
        expect((await demanderPremiereConnexion({ db: t.db, publicUrl: 'http://x' }, { email, phone, ip: '10.2.0.1' })).kind).toBe('sent');
      } finally {
        t.db.off('query', listener);
      }
      return seen;
    };
    const before = await t.db('outbox').count({ n: '*' }).first();
    const miss = await run('personne@ccas.fr', '0622334455');
    expect(await t.db('outbox').count({ n: '*' }).first()).toEqual(before);
    const hit = await run('ref.sans.moyen@ccas.fr', '0622334455');
    expect(hit).toEqual(miss);
    const rows = await t.db('outbox').where('idempotency_key', 'like', 'premiere-connexion-%');
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.status).toBe('pending');
      expect(r.body).not.toMatch(/[0-9]{6}|lien\/[A-Za-z0-9_-]{20,}/);
      expect(isSealed(r.secrets)).toBe(true);
    }
  });

  test('an activity still delivers at once through the same outbox', async () => {
    const { sendEmailOnce } = await import('../../activities/outbox.ts');
    expect(await sendEmailOnce(t.db, mail.mailer, { idempotencyKey: 'activite-1', to: 'w@mairie.fr', subject: 'Code', text: 'Votre code : {{code}}', secrets: { code: '424242' } })).toEqual({ status: 'sent', already: false });
    expect((await mail.catcher.waitFor((m) => m.to.includes('w@mairie.fr'))).text).toContain('424242');
    expect(await t.db('outbox').where({ idempotency_key: 'activite-1' }).first()).toMatchObject({ status: 'sent', secrets: null, body: 'Votre code : {{code}}' });
  });
});
