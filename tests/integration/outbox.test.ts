// An email is sent once per idempotency key, even when the sending activity is retried or runs twice at once.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { sendEmailOnce } from '../../activities/outbox.ts';
import type { Mailer } from '../../activities/ports/mailer.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
});
afterAll(async () => {
  await mail.stop();
  await t.drop();
});

const email = (key: string) => ({ idempotencyKey: key, to: 'aidant@mairie.fr', subject: 'Réactivez votre compte', text: 'Bonjour' });

describe('outbox', () => {
  test('the same key twice sends one email and writes one row', async () => {
    expect(await sendEmailOnce(t.db, mail.mailer, email('k-1'))).toEqual({ status: 'sent', already: false });
    expect(await sendEmailOnce(t.db, mail.mailer, email('k-1'))).toEqual({ status: 'sent', already: true });
    await mail.catcher.waitFor((m) => m.subject === 'Réactivez votre compte');
    expect(mail.catcher.emails().filter((m) => m.to.includes('aidant@mairie.fr'))).toHaveLength(1);
    expect(await t.db('outbox').where({ idempotency_key: 'k-1' }).select('status', 'attempts')).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  test('concurrent attempts with the same key send once', async () => {
    mail.catcher.clear();
    await Promise.all([1, 2, 3].map(() => sendEmailOnce(t.db, mail.mailer, email('k-2'))));
    await new Promise((r) => setTimeout(r, 200));
    expect(mail.catcher.emails()).toHaveLength(1);
  });

  test('a failed send is recorded and a retry sends it', async () => {
    const failing: Mailer = { send: async () => { throw new Error('SMTP down'); } };
    await expect(sendEmailOnce(t.db, failing, email('k-3'))).rejects.toThrow('SMTP down');
    expect(await t.db('outbox').where({ idempotency_key: 'k-3' }).first()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'SMTP down' });
    expect(await sendEmailOnce(t.db, mail.mailer, email('k-3'))).toEqual({ status: 'sent', already: false });
    expect(await t.db('outbox').where({ idempotency_key: 'k-3' }).first()).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
