// /stats (public) and /staff/journal in Chromium, at desktop and phone widths, axe-clean with no console error:
// the chart, its table and the CSV link; the staff's check of the chain, intact then broken at a row altered
// by the owner role.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { atDesktopWidth, atPhoneWidth, launchBrowser, checkPage, type TestBrowser } from '../helpers/browser.ts';
import { createAccount, createStructure, loginBrowser } from '../../scripts/fixtures/comptes.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { declencheurChaine } from '../../db/queries/journal.ts';

let t: TestDb;
let app: RunningApp;
let browser: TestBrowser;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let aidantSecret: string;
beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('Temporal absent de ce test'); }, mailer: mail.mailer, publicUrl: 'http://app.test' });
  browser = await launchBrowser();
  const s = await createStructure(t.db, { name: 'France Services Axe' });
  const { aidant, totpSecret } = await createAccount(t.db, { email: 'aidant.axe@fs-axe.fr', structureId: s });
  aidantSecret = totpSecret;
  for (const demarches of [['argent', 'social'], ['papiers']] as const) {
    const m = await creerMandatDeTest(t.db, { structureId: s, aidantId: aidant.id, demarches: [...demarches], duree: 'LONG' });
    await t.db('journal').insert({ action: 'use_autorisation', aidant_id: aidant.id, structure_id: s, usager_id: m.usagerId, mandat_id: m.mandatId, demarche: demarches[0] });
  }
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

const pasDeDefilementLateral = () => browser.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('/stats', () => {
  test('figures, chart and table at desktop and phone widths; the CSV link downloads the same figures', async () => {
    const p = browser.page;
    for (const width of [atDesktopWidth, atPhoneWidth]) {
      await width(p);
      const res = await p.goto(`${app.url}/stats`);
      expect(res?.status()).toBe(200);
      await expect(p.locator('h1').textContent()).resolves.toBe('Statistiques d’Aidants Connect');
      await expect(p.getByRole('img', { name: /Autorisations utilisées par mois/ }).isVisible()).resolves.toBe(true);
      await expect(p.getByRole('table', { name: 'Autorisations utilisées par démarche et par mois' }).isVisible()).resolves.toBe(true);
      await expect(p.getByRole('row', { name: /Toutes les démarches/ }).locator('td').last().textContent()).resolves.toBe('2');
      await expect(p.locator('li', { hasText: 'mandats créés' }).locator('.fr-h2').textContent()).resolves.toBe('2');
      expect(await pasDeDefilementLateral()).toBe(true);
      await checkPage(browser);
    }
    await atDesktopWidth(p);
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name: /Télécharger ces chiffres/ }).click()]);
    expect(download.suggestedFilename()).toBe('statistiques-aidants-connect.csv');
    // Reachable from every page's footer.
    await p.goto(`${app.url}/`);
    await p.locator('footer').getByRole('link', { name: 'Statistiques' }).click();
    await expect(p.locator('h1').textContent()).resolves.toBe('Statistiques d’Aidants Connect');
  });
});

describe('/staff/journal', () => {
  test('is for staff only; shows the head, checks the chain and names an altered row', async () => {
    const p = browser.page;
    await p.goto(`${app.url}/staff/journal`);
    expect(new URL(p.url()).pathname).toBe('/connexion');

    // An aidant is refused the page and the check.
    await loginBrowser(p, app.url, mail.catcher, 'aidant.axe@fs-axe.fr', aidantSecret);
    expect((await p.goto(`${app.url}/staff/journal`))?.status()).toBe(403);
    const csrf = await p.evaluate(() => document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '');
    const refus = await p.request.post(`${app.url}/staff/journal`, { form: { _csrf: csrf } });
    expect(refus.status()).toBe(403);
    await p.context().clearCookies();

    const { totpSecret } = await createAccount(t.db, { email: 'journal.staff@anct.gouv.fr', is_staff: true });
    await loginBrowser(p, app.url, mail.catcher, 'journal.staff@anct.gouv.fr', totpSecret);
    await p.goto(`${app.url}/staff`);
    await p.locator('.fr-tile').getByRole('link', { name: 'Intégrité du journal' }).click();
    await expect(p.locator('h1').textContent()).resolves.toBe('Intégrité du journal');
    const lignes = Number((await t.db('journal').count({ n: '*' }))[0].n);
    await expect(p.getByText(`Le journal compte ${lignes} lignes`).isVisible()).resolves.toBe(true);
    // Who computes the hashes (README « Déclencheur en C »): the C trigger wherever the harness could build it.
    const declencheur = await declencheurChaine(t.db);
    await expect(p.getByText(`Les empreintes sont calculées par un déclencheur en ${declencheur === 'c' ? 'C' : 'PL/pgSQL'}`).isVisible()).resolves.toBe(true);

    for (const width of [atDesktopWidth, atPhoneWidth]) {
      await width(p);
      await p.goto(`${app.url}/staff/journal`);
      await checkPage(browser);
      await p.getByRole('button', { name: 'Vérifier toute la chaîne' }).click();
      await expect(p.locator('.fr-alert--success .fr-alert__title').textContent()).resolves.toBe('Chaîne intacte');
      await expect(p.locator('.fr-alert--success').textContent()).resolves.toMatch(/\d+ lignes vérifiées/);
      expect(await pasDeDefilementLateral()).toBe(true);
      await checkPage(browser);
    }

    // Rows written while lane 0 was taken (here: a writer that chose lane 3): the page lists each lane's head.
    await t.db.transaction(async (trx) => {
      await trx.raw(`select set_config('journal.voie', '3', true)`);
      for (let i = 0; i < 2; i++) await trx('journal').insert({ action: 'connect_aidant', additional_information: `voie 3, ${i}` });
    });
    for (const width of [atDesktopWidth, atPhoneWidth]) {
      await width(p);
      await p.goto(`${app.url}/staff/journal`);
      await expect(p.getByText(`Le journal compte ${lignes + 2} lignes, dans 2 voies`).isVisible()).resolves.toBe(true);
      await expect(p.getByRole('table', { name: 'Tête de chaque voie' }).locator('tbody tr').count()).resolves.toBe(2);
      await p.getByRole('button', { name: 'Vérifier toute la chaîne' }).click();
      await expect(p.locator('.fr-alert--success .fr-alert__title').textContent()).resolves.toBe('Chaîne intacte');
      expect(await pasDeDefilementLateral()).toBe(true);
      await checkPage(browser);
    }

    // Two rows altered: the first named in the alert, the second in the list of the other breaks.
    const cible = await t.db('journal').orderBy(['chaine_voie', 'chaine_rang']).offset(2).first('id', 'chaine_rang');
    const seconde = await t.db('journal').orderBy(['chaine_voie', 'chaine_rang']).offset(5).first('id', 'chaine_rang', 'chaine_voie');
    await t.owner().transaction(async (trx) => {
      await trx.raw('alter table journal disable trigger journal_no_update_delete');
      await trx('journal').whereIn('id', [cible.id, seconde.id]).update({ demarche: 'loisirs' });
      await trx.raw('alter table journal enable trigger journal_no_update_delete');
    });
    for (const width of [atDesktopWidth, atPhoneWidth]) {
      await width(p);
      await p.goto(`${app.url}/staff/journal`);
      await p.getByRole('button', { name: 'Vérifier toute la chaîne' }).click();
      await expect(p.locator('.fr-alert--error .fr-alert__title').textContent()).resolves.toBe('Chaîne rompue');
      await expect(p.locator('.fr-alert--error').textContent()).resolves.toContain(`la ligne n°\u00a0${cible.id} (rang ${cible.chaine_rang}) a été modifiée`);
      await expect(p.locator('.fr-alert--error').textContent()).resolves.toContain('2 ruptures en tout');
      await expect(p.getByRole('heading', { name: 'Autres ruptures' }).isVisible()).resolves.toBe(true);
      await expect(p.locator('main li').filter({ hasText: `la ligne n°\u00a0${seconde.id} (` }).textContent()).resolves.toContain('a été modifiée');
      await checkPage(browser);
    }
    await atDesktopWidth(p);
  });
});
