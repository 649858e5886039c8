// Every public page, in the Debian Chromium: renders the DSFR frame, axe finds 0 violations and the console
// no error, at desktop and phone widths (the header's menu opens on a phone).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { launchBrowser, axeViolations, atDesktopWidth, atPhoneWidth, checkPage, openPhoneMenu, type TestBrowser } from '../helpers/browser.ts';

let t: TestDb;
let app: RunningApp;
let browser: TestBrowser;
beforeAll(async () => {
  t = await createTestDb();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('not used'); } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app.close();
  await t.drop();
});

describe('public pages', () => {
  for (const [path, heading] of [
    ['/', 'Aidants Connect'],
    ['/accessibilite', "Déclaration d'accessibilité"],
    ['/mentions-legales', 'Mentions légales'],
    ['/cgu', "Conditions générales d'utilisation"],
    ['/page-inexistante', 'Page non trouvée'],
  ] as const) {
    test(`${path} has its heading and no axe violation`, async () => {
      const res = await browser.page.goto(app.url + path);
      expect(res?.status()).toBe(path === '/page-inexistante' ? 404 : 200);
      await expect(browser.page.locator('h1').textContent()).resolves.toBe(heading);
      // The DSFR stylesheet really loaded (the header takes its layout from it).
      const display = await browser.page.locator('.fr-header__body-row').evaluate((el) => getComputedStyle(el).display);
      expect(display).toBe('flex');
      await checkPage(browser);
      // Below the home page, a fil d'Ariane starting at "Accueil".
      if (path !== '/') await expect(browser.page.locator('.fr-breadcrumb a').first().textContent()).resolves.toBe('Accueil');
      else expect(await browser.page.locator('.fr-breadcrumb').count()).toBe(0);
    });
  }

  test('on a phone, the Menu button opens the navigation and the login link', async () => {
    const page = browser.page;
    await atPhoneWidth(page);
    try {
      await page.goto(app.url + '/mentions-legales');
      await expect(page.getByRole('link', { name: 'Se connecter' }).first().isVisible()).resolves.toBe(false);
      await checkPage(browser);
      await openPhoneMenu(page);
      await checkPage(browser);
      await page.locator('#menu-principal').getByRole('link', { name: 'Demander une habilitation' }).click();
      await page.getByRole('heading', { name: "Demander l'habilitation de votre structure" }).waitFor();
      await openPhoneMenu(page);
      await page.locator('#menu-principal').getByRole('link', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
      await checkPage(browser);
    } finally {
      await atDesktopWidth(page);
    }
  });

  test('the skip link moves focus to the main content', async () => {
    await browser.page.goto(app.url + '/');
    await browser.page.keyboard.press('Tab');
    await expect(browser.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Contenu');
    await browser.page.keyboard.press('Enter');
    // The fragment navigation lands after the key event returns: wait for it rather than read the URL at once
    // (CI saw the URL still without its fragment).
    await browser.page.waitForFunction(() => location.hash === '#contenu');
    expect(browser.page.url()).toContain('#contenu');
    await expect(browser.page.evaluate(() => document.getElementById('contenu')?.tagName)).resolves.toBe('MAIN');
  });
});

describe('page checks', () => {
  test('a page error is reported (so an empty list means something)', async () => {
    await browser.page.goto(app.url + '/');
    const seen = browser.page.waitForEvent('pageerror');
    await browser.page.evaluate(() => setTimeout(() => { throw new Error('erreur volontaire'); }));
    await seen;
    const errors = browser.errors.splice(0);
    expect(errors.join('\n')).toContain('erreur volontaire');
  });

  test('reports a real violation (so an empty list means something)', async () => {
    await browser.page.setContent('<!doctype html><html lang="fr"><head><title>x</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>');
    const ids = (await axeViolations(browser.page)).map((v) => v.id);
    expect(ids).toContain('image-alt');
  });
});
