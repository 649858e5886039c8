// In Chromium, at desktop and phone width: an aidant's PDF of a mandat → the QR code read from it → the
// public verification page says "valide" → the mandat is revoked → the same address says "révoqué". The
// form, its error, an unknown code and the rate-limit page too; axe on every page, no console error.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { Db } from '../../db/connection.ts';
import { formaterCode } from '../../db/domain/preuve-mandat.ts';
import { axeViolations, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { qrDuPdf } from '../helpers/pdf.ts';
import { sessionAidant, startPreuveApp, type RunningApp } from '../helpers/preuve-app.ts';
import { aidantPreuve, mandatPreuve, revoquerPreuve, structurePreuve, usagerPreuve, ANGELA } from '../helpers/preuve-fixtures.ts';

let t: TestDb;
let db: Db;
let app: RunningApp;
let browser: TestBrowser;
let structureId: number;
let aidantId: number;

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  app = await startPreuveApp({ db });
  structureId = await structurePreuve(db, { name: 'Médiathèque de Roubaix', city: 'Roubaix', postal_code: '59100' });
  aidantId = await aidantPreuve(db, structureId, { email: 'hugo.lambert@roubaix.fr', first_name: 'Hugo', last_name: 'Lambert' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.drop();
});

/**
 * Console and page errors of `page`. The HTTP status of the document itself (a 404 for an unknown code, a
 * 400 form) is not an error of the page; every other error counts.
 */
function surveiller(page: Page): string[] {
  const erreurs: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const document = m.text().startsWith('Failed to load resource') && m.location().url.split('#')[0] === page.url().split('#')[0];
    if (!document) erreurs.push(`${page.url()} : ${m.text()}`);
  });
  page.on('pageerror', (e) => erreurs.push(`${page.url()} : ${e.message}`));
  return erreurs;
}

async function accessible(page: Page) {
  expect({ url: page.url(), violations: await axeViolations(page) }).toEqual({ url: page.url(), violations: [] });
}

describe('vérification d’un mandat imprimé', () => {
  for (const largeur of [1280, 390]) {
    test(`PDF → QR code → valide → révoqué (${largeur} px)`, async () => {
      const page = browser.page;
      const erreurs = surveiller(page);
      await page.setViewportSize({ width: largeur, height: 900 });

      const usagerId = await usagerPreuve(db, { ...ANGELA, email: `angela-${largeur}@example.fr` });
      const { mandatId, code } = await mandatPreuve(db, { structureId, aidantId, usagerId, demarches: ['social', 'argent'], duree: 'SEMESTER' });
      // The aidant's browser downloads the PDF (the usager page's link is tested in the full journey).
      const session = await sessionAidant(db, app.url, aidantId);
      const [nom, valeur] = decodeURIComponent(session.cookie).split(/=(.*)/s);
      await browser.context.addCookies([{ name: nom, value: encodeURIComponent(valeur), url: app.url }]);
      const reponse = await browser.context.request.get(`${app.url}/mandats/${mandatId}/mandat.pdf`);
      expect(reponse.status()).toBe(200);
      const url = await qrDuPdf(Buffer.from(await reponse.body()));
      expect(url).toBe(`${app.url}/verifier/${formaterCode(code)}`);
      await browser.context.clearCookies(); // the person checking is a stranger

      await page.goto(url!);
      await page.getByRole('heading', { name: 'Mandat valide' }).waitFor();
      await expect(page.getByText('A. D.', { exact: true }).count()).resolves.toBe(1);
      expect(await page.content()).not.toContain('DUBOIS');
      await accessible(page);

      await revoquerPreuve(db, mandatId);
      await page.reload();
      await page.getByRole('heading', { name: 'Mandat révoqué' }).waitFor();
      await accessible(page);

      // Another code, typed by hand in the form below the answer (lower case, spaces): unknown.
      await page.getByLabel('Code de vérification').fill('zzzz zzzz zzzz zzzw');
      await page.getByRole('button', { name: 'Vérifier' }).click();
      await page.getByRole('heading', { name: 'Aucun mandat trouvé' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/verifier/ZZZZ-ZZZZ-ZZZZ-ZZZW');
      await accessible(page);

      // A mistyped code: the error is announced and linked to the field.
      await page.goto(`${app.url}/verifier`);
      await page.getByRole('heading', { name: 'Vérifier un mandat' }).waitFor();
      await accessible(page);
      await page.getByLabel('Code de vérification').fill('1234');
      await page.getByRole('button', { name: 'Vérifier' }).click();
      await page.getByRole('heading', { name: 'Le formulaire contient une erreur' }).waitFor();
      await accessible(page);

      // 390 px: nothing wider than the screen.
      const largeurPage = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(largeurPage).toBeLessThanOrEqual(largeur);
      expect(erreurs).toEqual([]);
    });
  }

  test('the rate-limit page is accessible too', async () => {
    const page = browser.page;
    await page.setViewportSize({ width: 390, height: 900 });
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': '192.0.2.200' });
    for (let i = 0; i <= 30; i++) await page.goto(`${app.url}/verifier/ZZZZ-ZZZZ-ZZZZ-ZZZV`);
    await page.getByRole('heading', { name: 'Trop de vérifications' }).waitFor();
    await accessible(page);
    await page.setExtraHTTPHeaders({});
  });
});
