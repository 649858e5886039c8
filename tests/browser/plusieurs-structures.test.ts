// Several structures per aidant (db/domain/README.md#plusieurs-structures) in Chromium: on a phone (390 px) an
// aidant switches structure from the header's menu and their usagers follow; at 1280 px the header shows it,
// and a référent of two structures goes through « Mes structures » (selector, an aidant's role and
// structures, the removal confirmation, the refusal to remove the last référent), then at 390 px too. Every
// page: axe, no console error.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { createAccount, createStructure, loginBrowser } from '../../scripts/fixtures/comptes.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { atDesktopWidth, atPhoneWidth, checkPage, launchBrowser, openPhoneMenu, type TestBrowser } from '../helpers/browser.ts';

let stack: ServiceStack;
let browser: TestBrowser;
let lille: number;
let roubaix: number;
let aidant: { id: number; secret: string };
let referent: { id: number; secret: string };

beforeAll(async () => {
  stack = await startServiceStack(null);
  const db = stack.t.db;
  lille = await createStructure(db, { name: 'France Services de Lille' });
  roubaix = await createStructure(db, { name: 'CCAS de Roubaix' });
  const a = await createAccount(db, { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit', structureId: lille });
  await db('aidant_structures').insert({ aidant_id: a.aidant.id, structure_id: roubaix });
  aidant = { id: a.aidant.id, secret: a.totpSecret };
  const r = await createAccount(db, { email: 'ines.garnier@lille.fr', first_name: 'Inès', last_name: 'Garnier', structureId: lille, referent: true });
  await db('aidant_structures').insert({ aidant_id: r.aidant.id, structure_id: roubaix });
  await db('referent_structures').insert({ aidant_id: r.aidant.id, structure_id: roubaix });
  referent = { id: r.aidant.id, secret: r.totpSecret };
  await creerMandatDeTest(db, { structureId: lille, aidantId: aidant.id, usager: { given_name: 'Angela', family_name: 'Lilloise' }, demarches: ['famille'], duree: 'LONG' });
  await creerMandatDeTest(db, { structureId: roubaix, aidantId: aidant.id, usager: { given_name: 'Jean', family_name: 'Roubaisien' }, demarches: ['social'], duree: 'LONG' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('several structures per aidant', () => {
  test('on a phone, an aidant switches structure from the header’s menu, and their usagers follow', async () => {
    const page = browser.page;
    await atPhoneWidth(page);
    await loginBrowser(page, stack.app.url, stack.mail.catcher, 'nora.petit@lille.fr', aidant.secret);
    await page.goto(`${stack.app.url}/usagers`);
    await page.getByText('Lilloise').first().waitFor();
    await checkPage(browser);
    await openPhoneMenu(page);
    await checkPage(browser);
    await page.locator('#menu-principal').getByRole('link', { name: 'France Services de Lille — changer de structure' }).click();
    await page.getByRole('heading', { name: 'Changer de structure' }).waitFor();
    await checkPage(browser);
    // DSFR draws radios with their labels: a person taps the label.
    await page.locator('label', { hasText: 'CCAS de Roubaix' }).click();
    await page.getByRole('button', { name: 'Agir pour cette structure' }).click();
    await page.getByText('Vous agissez maintenant pour CCAS de Roubaix.').waitFor();
    await checkPage(browser);
    expect((await stack.t.db('aidants').where({ id: aidant.id }).first()).current_structure_id).toBe(roubaix);
    expect(await stack.t.db('journal').where({ action: 'switch_organisation', aidant_id: aidant.id }).pluck('structure_id')).toEqual([roubaix]);
    await openPhoneMenu(page);
    await expect(page.locator('#menu-principal').getByRole('link', { name: 'CCAS de Roubaix — changer de structure' }).isVisible()).resolves.toBe(true);
    await page.locator('#menu-principal').getByRole('link', { name: 'Mes usagers' }).click();
    await page.getByText('Roubaisien').first().waitFor();
    await expect(page.getByText('Lilloise').count()).resolves.toBe(0);
    await checkPage(browser);
  });

  test('at 1280 px, a référent of two structures: the header, the selector, an aidant’s structures, the removal and its refusal', async () => {
    const page = await browser.newPerson();
    await atDesktopWidth(page);
    await loginBrowser(page, stack.app.url, stack.mail.catcher, 'ines.garnier@lille.fr', referent.secret);
    await page.goto(`${stack.app.url}/espace-referent/structures`);
    await page.getByRole('heading', { name: 'Mes structures' }).waitFor();
    await expect(page.getByRole('link', { name: 'France Services de Lille — changer de structure' }).isVisible()).resolves.toBe(true);
    await checkPage(browser, page);
    await page.getByLabel('Structure à gérer').selectOption(String(roubaix));
    await page.getByRole('button', { name: 'Afficher cette structure' }).click();
    await page.getByRole('heading', { name: 'CCAS de Roubaix', level: 1 }).waitFor();
    await checkPage(browser, page);
    await page.getByRole('link', { name: 'Rôle et structures de Nora Petit' }).click();
    await page.getByRole('heading', { name: 'Nora Petit — CCAS de Roubaix' }).waitFor();
    await checkPage(browser, page);
    await page.getByRole('link', { name: 'Retirer de la structure' }).click();
    await page.getByRole('heading', { name: 'Retirer Nora Petit de CCAS de Roubaix' }).waitFor();
    await checkPage(browser, page);
    await page.getByRole('link', { name: 'Annuler' }).click();
    await page.getByRole('heading', { name: 'Nora Petit — CCAS de Roubaix' }).waitFor();
    // Her own place in Roubaix: the last référent cannot be removed, the page says why.
    await page.goto(`${stack.app.url}/espace-referent/structures/${roubaix}/aidants/${referent.id}/retrait`);
    await page.getByRole('button', { name: 'Confirmer le retrait' }).click();
    await page.getByText('désignez d’abord un autre référent').first().waitFor();
    await checkPage(browser, page);
    expect(await stack.t.db('referent_structures').where({ aidant_id: referent.id }).pluck('structure_id')).toHaveLength(2);
    // The same pages on a phone.
    await atPhoneWidth(page);
    for (const chemin of ['/espace-referent/structures', `/espace-referent/structures/${roubaix}`, `/espace-referent/structures/${roubaix}/aidants/${aidant.id}`]) {
      await page.goto(stack.app.url + chemin);
      await checkPage(browser, page);
    }
  });
});
