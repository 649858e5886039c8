// Every public page, in the Debian Chromium: renders the DSFR frame, and axe finds 0 violations.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startApp, type RunningApp } from '../helpers/web.ts';
import { launchBrowser, axeViolations, type TestBrowser } from '../helpers/browser.ts';

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
      expect(await axeViolations(browser.page)).toEqual([]);
    });
  }

  test('the skip link moves focus to the main content', async () => {
    await browser.page.goto(app.url + '/');
    await browser.page.keyboard.press('Tab');
    await expect(browser.page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Contenu');
    await browser.page.keyboard.press('Enter');
    expect(browser.page.url()).toContain('#contenu');
  });
});

describe('axe helper', () => {
  test('reports a real violation (so an empty list means something)', async () => {
    await browser.page.setContent('<!doctype html><html lang="fr"><head><title>x</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>');
    const ids = (await axeViolations(browser.page)).map((v) => v.id);
    expect(ids).toContain('image-alt');
  });
});
