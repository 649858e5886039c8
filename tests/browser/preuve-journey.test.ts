// The printed proof end to end, in Chromium, on the whole service (FranceConnect sandbox, worker): the aidant
// creates a mandat with the usager identified by FranceConnect → downloads the PDF from the usager page →
// a third party opens the address of its QR code: "valide" → the aidant revokes the mandat and downloads the
// revocation attestation → the same address: "révoqué". axe on every page of ours on the way.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Download, Page } from 'playwright-core';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { axeViolations, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { qrDuPdf, textePdf } from '../helpers/pdf.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';

let s: ServiceStack;
let aidant: TestBrowser;
let tiers: TestBrowser;
let secret: string;

beforeAll(async () => {
  // The app's own address as public URL: the QR code's address can be followed by the browser.
  s = await startServiceStack(null, { franceConnect: true });
  const structureId = await createStructure(s.t.db, { name: 'France Services de Tourcoing' });
  secret = (await createAccount(s.t.db, { email: 'lea.martin@tourcoing.fr', first_name: 'Léa', last_name: 'Martin', structureId })).totpSecret;
  aidant = await launchBrowser();
  tiers = await launchBrowser(); // the person checking: another browser, no session
});
afterAll(async () => {
  await tiers?.close();
  await aidant?.close();
  await s?.stop();
});

async function accessible(page: Page) {
  expect({ url: page.url(), violations: await axeViolations(page) }).toEqual({ url: page.url(), violations: [] });
}

async function telecharger(page: Page, lien: RegExp): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: lien }).first().click()]);
  return readFile((await download.path())!);
}

describe('preuve du mandat, de la création à la révocation', () => {
  test('create with FranceConnect → PDF → QR → valide → revoke → attestation → révoqué', async () => {
    const page = aidant.page;
    const erreurs: string[] = [];
    for (const p of [page, tiers.page]) {
      // Our pages only (not the FranceConnect sandbox's, a stand-in for an outside service).
      const nous = () => p.url().startsWith(s.app.url);
      p.on('pageerror', (e) => { if (nous()) erreurs.push(`${p.url()} : ${e.message}`); });
      p.on('console', (m) => {
        // The HTTP status of the document itself is not an error of the page.
        const document = m.text().startsWith('Failed to load resource') && m.location().url.split('#')[0] === p.url().split('#')[0];
        if (m.type() === 'error' && nous() && !document) erreurs.push(`${p.url()} : ${m.text()} (${m.location().url})`);
      });
    }
    await loginBrowser(page, s.app.url, s.mail.catcher, 'lea.martin@tourcoing.fr', secret);
    await page.goto(`${s.app.url}/mandats/nouveau`);
    await page.locator('label[for=demarche-papiers]').click();
    await page.locator('label[for=demarche-logement]').click();
    await page.locator('label[for=duree-LONG]').click();
    await page.getByRole('button', { name: 'Continuer', exact: true }).click();
    await page.getByRole('button', { name: 'Continuer en tant que Angela Claire Louise DUBOIS' }).click();
    await page.getByRole('heading', { name: 'Récapitulatif du mandat' }).waitFor();
    await page.locator('label[for=consentement]').click();
    await page.getByLabel('Code à usage unique').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Créer le mandat' }).click();
    await page.getByText('Le mandat a été créé.').waitFor();
    await accessible(page);

    // Right after creation, the usager page offers the mandat to print.
    const mandat = await telecharger(page, /^Télécharger le mandat/);
    const texte = (await textePdf(mandat)).join(' ');
    for (const attendu of ['DUBOIS', 'Angela Claire Louise', 'France Services de Tourcoing', 'Léa Martin', 'Papiers - Citoyenneté - Élections', 'Logement',
      'EXEMPLAIRE DE L’USAGER', 'EXEMPLAIRE DE LA STRUCTURE', 'Code de vérification']) {
      expect(texte).toContain(attendu);
    }
    const url = await qrDuPdf(mandat);
    expect(url).toMatch(new RegExp(`^${s.app.url}/verifier/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`));
    expect(texte).toContain(url!.slice(-19)); // the code printed is the code of the QR

    await tiers.page.goto(url!);
    await tiers.page.getByRole('heading', { name: 'Mandat valide' }).waitFor();
    expect(await tiers.page.locator('main').textContent()).toContain('A. D.');
    expect(await tiers.page.locator('main').textContent()).not.toContain('DUBOIS');
    await accessible(tiers.page);

    await page.getByRole('link', { name: /Révoquer le mandat/ }).first().click();
    await page.getByRole('heading', { name: 'Révoquer le mandat' }).waitFor();
    await page.getByRole('button', { name: 'Confirmer la révocation' }).click();
    await page.getByText('Le mandat a été révoqué.').waitFor();
    await accessible(page);
    const attestation = (await textePdf(await telecharger(page, /^Télécharger l’attestation de révocation/))).join(' ');
    expect(attestation).toContain('Attestation de révocation de mandat');
    expect(attestation).toContain('DUBOIS');

    await tiers.page.reload();
    await tiers.page.getByRole('heading', { name: 'Mandat révoqué' }).waitFor();
    await accessible(tiers.page);
    expect(erreurs).toEqual([]);
  });
});
