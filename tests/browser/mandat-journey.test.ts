// In Chromium, at desktop and phone width: the aidant logs in → creates a mandat → the usager logs in on the
// FranceConnect sandbox → recap with the aidant's TOTP → the mandat is listed → revoked → listed as revoked.
// axe on every page of ours on the way.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { launchBrowser, checkPage, openPhoneMenu, type TestBrowser } from '../helpers/browser.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';

let s: ServiceStack;
let browser: TestBrowser;
let secret: string;

beforeAll(async () => {
  s = await startServiceStack(null, { franceConnect: true });
  const structureId = await createStructure(s.t.db, { name: 'Médiathèque de Roubaix' });
  secret = (await createAccount(s.t.db, { email: 'hugo.lambert@roubaix.fr', first_name: 'Hugo', last_name: 'Lambert', structureId })).totpSecret;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const accessible = (_page: Page) => checkPage(browser);

describe('parcours du mandat', () => {
  for (const [largeur, identite, nom] of [[1280, 'Angela Claire Louise DUBOIS', 'Angela'], [390, 'Jean Philippe Arnaud DUBIGNOT', 'Jean Philippe']] as const) {
    test(`create with FranceConnect, list, revoke (${largeur} px)`, async () => {
      const page = browser.page;
      await page.context().clearCookies();
      await page.setViewportSize({ width: largeur, height: 900 });
      await loginBrowser(page, s.app.url, s.mail.catcher, 'hugo.lambert@roubaix.fr', secret);

      // From the header's navigation (the phone menu on a phone).
      if (largeur < 992) await openPhoneMenu(page);
      await page.getByRole('link', { name: 'Mes usagers', exact: true }).first().click();
      await page.getByRole('heading', { name: 'Mes usagers' }).waitFor();
      await accessible(page);
      await page.getByRole('link', { name: 'Créer un mandat' }).click();
      await page.getByRole('heading', { name: 'Créer un mandat' }).waitFor();
      await accessible(page);
      await page.locator('label[for=demarche-social]').click();
      await page.locator('label[for=demarche-argent]').click();
      await page.locator('label[for=duree-SEMESTER]').click();
      await page.getByRole('button', { name: 'Continuer', exact: true }).click();

      // The FranceConnect sandbox: the usager picks their test identity.
      await page.getByRole('button', { name: `Continuer en tant que ${identite}` }).click();
      browser.errors.splice(0); // the sandbox's own pages are not ours to judge

      await page.getByRole('heading', { name: 'Récapitulatif du mandat' }).waitFor();
      await accessible(page);
      await page.locator('label[for=consentement]').click();
      await page.getByLabel('Code à usage unique').fill(await totpCode(secret));
      await page.getByRole('button', { name: 'Créer le mandat' }).click();
      await page.getByText('Le mandat a été créé.').waitFor();
      await accessible(page);
      expect(await page.locator('main').textContent()).toContain('Social - Santé');

      await page.goto(`${s.app.url}/usagers`);
      await page.getByRole('link', { name: new RegExp(nom) }).first().click();
      await page.getByRole('heading', { name: 'Mandats actifs' }).waitFor();
      await page.getByRole('link', { name: /Révoquer le mandat/ }).first().click();
      await page.getByRole('heading', { name: 'Révoquer le mandat' }).waitFor();
      await accessible(page);
      await page.getByRole('button', { name: 'Confirmer la révocation' }).click();
      await page.getByText('Le mandat a été révoqué.').waitFor();
      await page.getByRole('heading', { name: 'Mandats révoqués' }).waitFor();
      await accessible(page);
    });
  }
});
