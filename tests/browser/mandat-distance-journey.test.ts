// In Chromium, at desktop and phone width: the aidant logs in → chooses a remote mandat (mobile +
// certification) → waits on the waiting page → the test answers « Oui » on the Twilio fake's page, as the
// usager → the waiting page moves on by itself to the FranceConnect sandbox → recap with the aidant's TOTP →
// the remote mandat is created. axe on every page of ours on the way; no console error.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { launchBrowser, axeViolations, type TestBrowser } from '../helpers/browser.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';

let s: ServiceStack;
let browser: TestBrowser;
let secret: string;

beforeAll(async () => {
  s = await startServiceStack(null, { franceConnect: true, sms: true });
  const structureId = await createStructure(s.t.db, { name: 'Médiathèque de Roubaix' });
  secret = (await createAccount(s.t.db, { email: 'hugo.lambert@roubaix.fr', first_name: 'Hugo', last_name: 'Lambert', structureId })).totpSecret;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function accessible(page: Page) {
  expect({ url: page.url(), violations: await axeViolations(page) }).toEqual({ url: page.url(), violations: [] });
}

describe('parcours du mandat à distance', () => {
  for (const [largeur, identite, saisi, e164] of [
    [1280, 'Angela Claire Louise DUBOIS', '06 55 44 33 22', '+33655443322'],
    [390, 'Jean Philippe Arnaud DUBIGNOT', '07 55 44 33 22', '+33755443322'],
  ] as const) {
    test(`remote consent by SMS, then FranceConnect and recap (${largeur} px)`, async () => {
      const page = browser.page;
      const erreurs: string[] = [];
      // This branch's header lacks the mobile menu that DSFR's header script reads (fixed on main by the
      // complete DSFR header): that one known error is set aside until the merge; any other fails the test.
      page.on('pageerror', (e) => erreurs.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') erreurs.push(`${m.text()} (${m.location().url})`); });
      await page.context().clearCookies();
      await page.setViewportSize({ width: largeur, height: 900 });
      await loginBrowser(page, s.app.url, s.mail.catcher, 'hugo.lambert@roubaix.fr', secret);

      await page.goto(`${s.app.url}/mandats/nouveau`);
      await page.getByRole('heading', { name: 'Créer un mandat' }).waitFor();
      await page.locator('label[for=demarche-logement]').click();
      await page.locator('label[for=duree-MONTH]').click();
      await page.locator('label[for=modalite-distance]').click();
      await page.getByLabel(/^Mobile de l’usager/).fill(saisi);
      await page.locator('label[for=certification]').click();
      await accessible(page);
      await page.getByRole('button', { name: 'Continuer', exact: true }).click();

      await page.getByRole('heading', { name: 'Mandat à distance : accord de l’usager' }).waitFor();
      await page.getByText('En attente de la réponse de l’usager').waitFor();
      await accessible(page);
      const demandeId = new URL(page.url()).pathname.split('/').pop();

      // The usager answers: the Twilio fake's page sends « Oui <code> » to the app's webhook, signed like Twilio.
      const telephone = await page.context().newPage();
      await telephone.goto(s.sms!.baseUrl);
      await telephone.getByLabel('Numéro de l’usager (expéditeur de la réponse)').fill(e164);
      // The fake prefills the answer with the request's code (issue 18, item 1).
      const { reply_code: code } = await s.t.db('consent_requests').where({ id: demandeId }).first('reply_code');
      expect(await telephone.getByLabel('Réponse', { exact: true }).inputValue()).toBe(`Oui ${code}`);
      const reponses = s.sms!.replies().length;
      await telephone.getByRole('button', { name: 'Envoyer la réponse au site' }).click();
      await telephone.getByRole('heading', { name: `Réponses envoyées (${reponses + 1})` }).waitFor();
      expect(s.sms!.replies().at(-1)).toMatchObject({ from: e164, body: `Oui ${code}`, status: 200 });
      await telephone.close();

      // The waiting page moves on by itself to the FranceConnect sandbox.
      await page.getByRole('button', { name: `Continuer en tant que ${identite}` }).click();
      await page.getByRole('heading', { name: 'Récapitulatif du mandat' }).waitFor();
      await page.getByRole('heading', { name: 'Mandat à distance' }).waitFor();
      await accessible(page);
      await page.locator('label[for=consentement]').click();
      await page.getByLabel('Code à usage unique').fill(await totpCode(secret));
      await page.getByRole('button', { name: 'Créer le mandat' }).click();
      await page.getByText('Le mandat a été créé.').waitFor();
      await accessible(page);
      expect(await page.locator('main').textContent()).toContain('Logement');

      const mandat = await s.t.db('mandats').where({ consent_request_id: demandeId }).first();
      expect(mandat).toMatchObject({ is_remote: true, remote_consent_method: 'SMS', duree_keyword: 'MONTH' });
      expect(erreurs).toEqual([]);
    });
  }

  // Continues the session of the previous test (one login per TOTP step).
  test('an SMS that cannot be sent: the page says so, the aidant retries, the page updates by itself (390 px)', async () => {
    const page = browser.page;
    const erreurs: string[] = [];
    page.on('pageerror', (e) => erreurs.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') erreurs.push(`${m.text()} (${m.location().url})`); });
    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(`${s.app.url}/mandats/nouveau`);
    await page.locator('label[for=demarche-famille]').click();
    await page.locator('label[for=duree-SHORT]').click();
    await page.locator('label[for=modalite-distance]').click();
    await page.getByLabel(/^Mobile de l’usager/).fill('06 11 11 11 11');
    await page.locator('label[for=certification]').click();
    s.sms!.failNext(3, { to: '+33611111111' });
    await page.getByRole('button', { name: 'Continuer', exact: true }).click();
    await page.getByRole('heading', { name: 'Le SMS n’a pas pu être envoyé' }).waitFor();
    await accessible(page);
    await page.getByRole('button', { name: 'Réessayer l’envoi' }).click();
    await page.getByText('En attente de la réponse de l’usager').waitFor();
    await accessible(page);
    expect(s.sms!.messages().filter((m) => m.to === '+33611111111')).toHaveLength(2);
    expect(erreurs).toEqual([]);
  });
});
