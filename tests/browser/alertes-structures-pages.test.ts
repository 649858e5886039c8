// Issue 20's pages in Chromium, each at 1280 and 390 px with 0 axe violations and no console error: the staff's
// structures (list, page, suspension, transfer form and confirmation), the alerts (list, one alert, closing
// with an error first), and the espace référent's alerts and opening hours.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { atDesktopWidth, atPhoneWidth, checkPage, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { createAccount, createStructure, loginBrowser } from '../../scripts/fixtures/comptes.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';

let t: TestDb;
let app: RunningApp;
let browser: TestBrowser;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let lyon: number;
let alerteId: number;
let staffSecret: string;
let referentSecret: string;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('Temporal absent de ce test'); }, mailer: mail.mailer, publicUrl: 'http://app.test' });
  browser = await launchBrowser();
  lyon = await createStructure(t.db, { name: 'France Services de Lyon', siret: '21690123100011' });
  await createStructure(t.db, { name: 'CCAS de Villeurbanne', siret: '26690266500017' });
  referentSecret = (await createAccount(t.db, { email: 'claire.petit@lyon.fr', first_name: 'Claire', last_name: 'Petit', structureId: lyon, referent: true })).totpSecret;
  const aidant = (await createAccount(t.db, { email: 'ines.martin@lyon.fr', first_name: 'Inès', last_name: 'Martin', structureId: lyon })).aidant.id;
  staffSecret = (await createAccount(t.db, { email: 'equipe.axe@aidantsconnect.beta.gouv.fr', first_name: 'Équipe', last_name: 'Axe', is_staff: true })).totpSecret;
  const m = await creerMandatDeTest(t.db, { structureId: lyon, aidantId: aidant, demarches: ['famille', 'social'], duree: 'LONG' });
  const [ligne] = await t.db('journal').where({ action: 'create_attestation', mandat_id: m.mandatId }).select('id');
  const [a] = await t.db('alertes').insert({
    regle: 'hors_horaires', structure_id: lyon, aidant_id: aidant, preuves: [ligne.id], cle_preuves: String(ligne.id),
    description: 'Mandat créé le 14/01/2026 à 22\u00a0h\u00a010, en dehors des horaires d’ouverture de la structure.',
  }).returning('id');
  alerteId = Number(a.id);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

/** The page as it is now, at both widths. */
async function deuxLargeurs(p: Page, titre: RegExp): Promise<void> {
  for (const largeur of [atDesktopWidth, atPhoneWidth]) {
    await largeur(p);
    await expect(p.locator('h1').first().textContent()).resolves.toMatch(titre);
    await checkPage(browser);
  }
  await atDesktopWidth(p);
}

describe('pages of issue 20 (axe, 1280 and 390 px)', () => {
  test('staff: structures, a structure, suspension, transfer, alerts', async () => {
    const p = browser.page;
    await loginBrowser(p, app.url, mail.catcher, 'equipe.axe@aidantsconnect.beta.gouv.fr', staffSecret);
    await p.goto(`${app.url}/staff`);
    await p.getByRole('link', { name: 'Structures' }).first().click();
    await deuxLargeurs(p, /Structures habilitées/);
    await p.getByLabel('Rechercher une structure (nom, SIRET ou ville)').fill('lyon');
    await p.getByRole('button', { name: 'Rechercher' }).click();
    await deuxLargeurs(p, /Structures habilitées/);
    await p.getByRole('link', { name: 'France Services de Lyon' }).click();
    await deuxLargeurs(p, /France Services de Lyon/);
    await p.locator('summary', { hasText: 'Modifier les horaires' }).click();
    await p.locator('#champ-j1_debut1').fill('18:00');
    await p.locator('#champ-j1_fin1').fill('09:00');
    await p.getByRole('button', { name: /Enregistrer les horaires/ }).click();
    await expect(p.locator('.fr-error-text').first().textContent()).resolves.toContain('la fermeture doit suivre');
    await deuxLargeurs(p, /France Services de Lyon/);

    await p.goto(`${app.url}/staff/structures/${lyon}`);
    await p.getByRole('link', { name: 'Suspendre la structure' }).click();
    await deuxLargeurs(p, /Suspendre France Services de Lyon/);
    await p.getByRole('button', { name: 'Suspendre la structure' }).click();
    await expect(p.locator('.fr-error-text').first().textContent()).resolves.toContain('Indiquez le motif');
    await deuxLargeurs(p, /Suspendre France Services de Lyon/);
    await p.getByLabel('Motif de la suspension').fill('Contrôle des mandats créés la nuit');
    await p.getByRole('button', { name: 'Suspendre la structure' }).click();
    await expect(p.getByText('Structure suspendue depuis le').isVisible()).resolves.toBe(true);
    await deuxLargeurs(p, /France Services de Lyon/);
    await p.getByRole('button', { name: 'Lever la suspension' }).click();
    await expect(p.getByText('La suspension de France Services de Lyon est levée').isVisible()).resolves.toBe(true);

    await p.getByRole('link', { name: 'Transférer des mandats' }).click();
    await deuxLargeurs(p, /Transférer des mandats/);
    await p.getByRole('button', { name: 'Continuer' }).click();
    await expect(p.locator('.fr-error-text').first().textContent()).resolves.toContain('SIRET');
    await deuxLargeurs(p, /Transférer des mandats/);
    await p.getByLabel('Structure qui reçoit les mandats').fill('26690266500017');
    await p.getByRole('button', { name: 'Continuer' }).click();
    await deuxLargeurs(p, /Confirmer le transfert/);
    await p.getByRole('link', { name: 'Modifier' }).click();
    await expect(p.locator('h1').first().textContent()).resolves.toMatch(/Transférer des mandats/);

    await p.goto(`${app.url}/staff/alertes`);
    await deuxLargeurs(p, /Alertes/);
    await p.getByRole('link', { name: `Voir l’alerte n° ${alerteId}` }).click();
    await deuxLargeurs(p, /en dehors des horaires/);
    await p.getByRole('button', { name: 'Clore l’alerte' }).click();
    await expect(p.locator('.fr-error-text').first().textContent()).resolves.toContain('Expliquez en quelques mots');
    await deuxLargeurs(p, /en dehors des horaires/);
    expect(browser.errors).toEqual([]);
  });

  test('référent: alerts and opening hours in the espace référent', async () => {
    const p = await browser.newPerson();
    await loginBrowser(p, app.url, mail.catcher, 'claire.petit@lyon.fr', referentSecret);
    await p.goto(`${app.url}/espace-referent`);
    await p.getByRole('link', { name: 'Alertes' }).first().click();
    const checkPerson = async (titre: RegExp) => {
      for (const largeur of [atDesktopWidth, atPhoneWidth]) {
        await largeur(p);
        await expect(p.locator('h1').first().textContent()).resolves.toMatch(titre);
        await checkPage(browser, p);
      }
      await atDesktopWidth(p);
    };
    await checkPerson(/Alertes/);
    await p.getByRole('link', { name: `Voir l’alerte n° ${alerteId}` }).click();
    await checkPerson(/en dehors des horaires/);
    await p.getByLabel('Ce que vous avez constaté').fill('Permanence du soir exceptionnelle, prévue avec la mairie.');
    await p.getByRole('button', { name: 'Clore l’alerte' }).click();
    await expect(p.getByText('Alerte close').first().isVisible()).resolves.toBe(true);
    await checkPerson(/en dehors des horaires/);
    await p.goto(`${app.url}/espace-referent/horaires`);
    await checkPerson(/Horaires d’ouverture/);
    await p.locator('#champ-j6_debut1').fill('09:00');
    await p.locator('#champ-j6_fin1').fill('12:00');
    await p.getByRole('button', { name: /Enregistrer les horaires/ }).click();
    await expect(p.getByText('sont enregistrés').isVisible()).resolves.toBe(true);
    await checkPerson(/Horaires d’ouverture/);
    expect((await t.db('structures').where({ id: lyon }).first()).opening_hours['6']).toEqual([['09:00', '12:00']]);
    expect(browser.errors).toEqual([]);
  });
});
