// What a walk through the pages found (issue « what an outside review and a walk of 96 pages found »): French
// wording, the staff home leading everywhere the staff menu does.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, HttpClient, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, loginHttp } from '../../scripts/fixtures/comptes.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('Temporal ne sert pas ici'); }, mailer: mail.mailer });
});
afterAll(async () => {
  await app.close();
  await mail.stop();
  await t.drop();
});

describe('parcours', () => {
  test('les CGU disent « 1er juin », comme on l’écrit', async () => {
    const page = await (await fetch(`${app.url}/cgu`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Version du 1er juin 2026');
  });

  test('l’accueil de l’équipe a une tuile pour chaque entrée de son menu', async () => {
    const s = await createAccount(t.db, { email: 'camille.bernard@anct.gouv.fr', is_staff: true });
    const staff = new HttpClient(app.url);
    await loginHttp(staff, mail.catcher, 'camille.bernard@anct.gouv.fr', s.totpSecret);
    const page = await (await staff.get('/staff')).text();
    const menu = [...page.matchAll(/<a class="fr-nav__link" href="(\/staff[^"]*)"/g)].map((m) => m[1]);
    const tuiles = [...page.matchAll(/<h2 class="fr-tile__title"><a href="([^"]+)"/g)].map((m) => m[1]);
    expect(menu).toEqual(expect.arrayContaining(['/staff/habilitations', '/staff/habilitations/liste-attente', '/staff/structures', '/staff/cartes']));
    expect(tuiles).toEqual(menu);
    for (const href of tuiles) expect((await staff.get(href)).status).toBe(200);
  });
});
