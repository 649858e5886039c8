// At 390 px in Chromium, what the aidant hits with the usager at the desk (issue 18, « What the aidant hits »):
// labelled print buttons, « Renouveler » from a mandat, the recap read with the usager, the remote waiting page's
// deadline and « Annuler la demande », the référente's team as cards, a deactivated aidant's reason. Every page: axe, and no console or page error (checkPage).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { atPhoneWidth, checkPage, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';

let s: ServiceStack;
let browser: TestBrowser;
let secret: string;
let structureId: number;

beforeAll(async () => {
  s = await startServiceStack(null, { franceConnect: true, sms: true });
  structureId = await createStructure(s.t.db, { name: 'Maison France Services de Tulle' });
  secret = (await createAccount(s.t.db, { email: 'chloe.faure@tulle.fr', first_name: 'Chloé', last_name: 'Faure', structureId })).totpSecret;
  browser = await launchBrowser();
  await atPhoneWidth(browser.page);
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('au guichet, sur un téléphone (390 px)', () => {
  test('recap read with the usager → labelled print buttons → « Renouveler » with the mandat’s choices ticked', async () => {
    const page = browser.page;
    await loginBrowser(page, s.app.url, s.mail.catcher, 'chloe.faure@tulle.fr', secret);
    await page.goto(`${s.app.url}/mandats/nouveau`);
    await page.locator('label[for=demarche-logement]').click();
    await page.locator('label[for=demarche-transports]').click();
    await page.locator('label[for=duree-MONTH]').click();
    await page.getByLabel('Mobile de l’usager').fill('+33698765432');
    await page.getByRole('button', { name: 'Continuer', exact: true }).click();
    await page.getByRole('button', { name: 'Continuer en tant que Marphisa CHEVAL' }).click();
    browser.errors.splice(0); // the sandbox's own pages are not ours to judge

    await page.getByRole('heading', { name: 'Récapitulatif du mandat' }).waitFor();
    await checkPage(browser);
    const recap = (await page.locator('main').textContent())!;
    expect(recap).toContain('Lieu de naissanceEspagne');
    expect(recap).toContain('06 98 76 54 32');
    expect(recap).not.toContain('99134');
    await page.locator('label[for=consentement]').click();
    await page.getByLabel('Code à usage unique').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Créer le mandat' }).click();
    await page.getByText('Le mandat a été créé.').waitFor();
    await checkPage(browser);

    // Print is a labelled button, not a 32 px icon; « Télécharger » beside it.
    const imprimer = page.getByRole('link', { name: /^Imprimer le mandat n° \d+/ });
    expect(await imprimer.innerText()).toMatch(/^Imprimer le mandat\s/);
    expect((await imprimer.boundingBox())!.width).toBeGreaterThan(120);
    const telecharger = page.getByRole('link', { name: /^Télécharger le mandat n° \d+/ });
    expect(await telecharger.innerText()).toMatch(/^Télécharger\s/);
    expect((await telecharger.boundingBox())!.width).toBeGreaterThan(80);
    const pdf = await browser.context.request.get(new URL((await imprimer.getAttribute('href'))!, page.url()).toString());
    expect(pdf.headers()['content-disposition']).toMatch(/^inline; /);

    await page.getByRole('link', { name: /^Renouveler le mandat n° \d+/ }).click();
    await page.getByRole('heading', { name: 'Renouveler le mandat de Marphisa CHEVAL (POULAIN)' }).waitFor();
    await checkPage(browser);
    for (const coche of ['demarche-logement', 'demarche-transports', 'duree-MONTH']) await expect(page.locator(`#${coche}`).isChecked()).resolves.toBe(true);
    for (const libre of ['demarche-papiers', 'duree-LONG']) await expect(page.locator(`#${libre}`).isChecked()).resolves.toBe(false);
  });

  test('the référente’s team is a list of cards; a deactivated aidant’s page gives the reason and date', async () => {
    const page = browser.page;
    await page.context().clearCookies();
    const ref = await createAccount(s.t.db, { email: 'nadia.roux@tulle.fr', first_name: 'Nadia', last_name: 'Roux', structureId, referent: true, can_create_mandats: false });
    await createAccount(s.t.db, { email: 'theo.vidal@tulle.fr', first_name: 'Théo', last_name: 'Vidal', structureId });
    await loginBrowser(page, s.app.url, s.mail.catcher, 'nadia.roux@tulle.fr', ref.totpSecret);
    await page.goto(`${s.app.url}/espace-referent`);
    await page.getByRole('heading', { name: 'Mon équipe' }).waitFor();
    await checkPage(browser);
    // No table with columns off-screen: one card per person, name, state, last login and « Gérer » in view.
    await expect(page.locator('table').first().isVisible()).resolves.toBe(false);
    const carte = page.locator('li.fr-card', { has: page.getByRole('heading', { name: 'Théo Vidal' }) });
    await expect(carte.isVisible()).resolves.toBe(true);
    expect(await carte.innerText()).toMatch(/Actif[\s\S]*Dernière connexion : jamais/i);
    const largeur = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(largeur).toBeLessThanOrEqual(390);
    const gerer = carte.getByRole('link', { name: 'Gérer Théo Vidal' });
    const boite = (await gerer.boundingBox())!;
    expect(boite.x + boite.width).toBeLessThanOrEqual(390);
    await gerer.click();

    await page.getByRole('heading', { name: 'Théo Vidal' }).waitFor();
    await page.getByRole('link', { name: 'Désactiver le compte' }).click();
    await page.getByLabel('Raison de la désactivation').selectOption('absence');
    await page.getByRole('button', { name: 'Confirmer la désactivation' }).click();
    await page.getByText('Compte désactivé le').waitFor();
    await checkPage(browser);
    expect(await page.locator('#desactivation').innerText()).toMatch(/^Compte désactivé le \d{1,2}(er)? \S+ \d{4} par Nadia Roux\.\s+Raison : Absence de longue durée$/);
  });

  test('the remote waiting page gives the deadline and cancels the request', async () => {
    const page = browser.page;
    await page.context().clearCookies();
    await loginBrowser(page, s.app.url, s.mail.catcher, 'chloe.faure@tulle.fr', secret);
    await page.goto(`${s.app.url}/mandats/nouveau`);
    await page.locator('label[for=demarche-social]').click();
    await page.locator('label[for=duree-MONTH]').click();
    await page.locator('label[for=modalite-distance]').click();
    await page.getByLabel(/^Mobile de l’usager/).fill('06 70 00 00 18');
    await page.locator('label[for=certification]').click();
    await page.getByRole('button', { name: 'Continuer', exact: true }).click();
    await page.getByText('En attente de la réponse de l’usager').waitFor();
    await checkPage(browser);
    expect(await page.locator('#echeance').innerText()).toMatch(/^L’usager a jusqu’au \d{1,2} \S+ (à )?\d{2} h \d{2} pour répondre\.$/);
    const annuler = page.getByRole('button', { name: 'Annuler la demande' });
    const boite = (await annuler.boundingBox())!;
    expect(boite.x + boite.width).toBeLessThanOrEqual(390);
    await annuler.click();
    await page.getByRole('heading', { name: 'Demande annulée' }).waitFor();
    await checkPage(browser);
    const id = new URL(page.url()).pathname.split('/').pop();
    expect(await s.t.db('consent_requests').where({ id }).first('status')).toEqual({ status: 'cancelled' });
    await expect(page.getByRole('link', { name: 'Faire une nouvelle demande' }).isVisible()).resolves.toBe(true);
  });
});
