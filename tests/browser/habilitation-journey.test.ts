// In Chromium: a demandeur submits a habilitation request → staff require changes → the demandeur fixes it
// and resubmits → staff validate → training and Pix are recorded → the aidant receives the activation email
// and logs in. A real worker runs the workflows on the time-skipping server; axe checks every page.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Page } from 'playwright-core';
import type { TestDb } from '../helpers/db.ts';
import type { RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, loginBrowser } from '../../scripts/fixtures/comptes.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { launchBrowser, checkPage, type TestBrowser } from '../helpers/browser.ts';
import { siretAleatoire } from '../helpers/habilitation.ts';
import { ajouterApplicationSiAbsente } from '../../db/queries/comptes.ts';

let stack: ServiceStack;
let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: ServiceStack['mail'];
let app: RunningApp;
let browser: TestBrowser;

beforeAll(async () => {
  stack = await startServiceStack();
  ({ env, t, mail, app } = stack);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const accessible = (page: Page) => checkPage(browser, page);
const local = (text: string) => text.match(/http:\/\/app\.test\/\S+/)![0].replace('http://app.test', app.url);
const fill = (page: Page, label: string, value: string) => page.getByLabel(label, { exact: true }).fill(value);
// DSFR draws checkboxes and radios with their labels: a person clicks the label.
const tick = (page: Page, label: string) => page.locator('label', { hasText: label }).first().click();

describe('habilitation journey', () => {
  test('submit → changes required → resubmit → validate → training and Pix → the aidant logs in', async () => {
    const page = browser.page;
    const siret = siretAleatoire();

    // The demandeur
    await page.goto(`${app.url}/habilitation`);
    await accessible(page);
    await fill(page, 'Prénom', 'Claire');
    await fill(page, 'Nom', 'Petit');
    await page.getByLabel('Adresse e-mail').fill('claire.petit@mairie-brest.fr');
    await fill(page, 'Fonction dans la structure', 'Directrice générale des services');
    await page.locator('main form button[type=submit]').click();
    await accessible(page);
    const confirmation = await mail.catcher.waitFor((m) => m.to.includes('claire.petit@mairie-brest.fr') && m.subject.startsWith('Confirmez'));
    await page.goto(local(confirmation.text));
    await accessible(page);
    await page.getByRole('button', { name: 'Continuer ma demande' }).click();

    await page.getByLabel('Numéro SIRET').fill('12345678901234');
    await page.getByLabel('Nom de la structure').fill('Mairie de Brest');
    await page.getByLabel('Type de structure').selectOption('mairie');
    await fill(page, 'Adresse', '2 rue Frézier');
    await page.getByLabel('Code postal').fill('29200');
    await page.getByLabel('Commune').fill('Brest');
    await tick(page, 'Publique');
    await tick(page, "Je certifie que l'accompagnement des usagers par la structure est gratuit.");
    await page.locator('main form button[type=submit]').click();
    await page.getByText('la clé de contrôle ne correspond pas').first().waitFor();
    await accessible(page);
    await page.getByLabel('Numéro SIRET').fill(siret);
    await page.locator('main form button[type=submit]').click();

    await page.getByLabel('Prénom du référent').fill('Paul');
    await page.getByLabel('Nom du référent', { exact: true }).fill('Durand');
    await page.getByLabel('Adresse e-mail professionnelle du référent').fill('paul.durand@mairie-brest.fr');
    await page.getByLabel('Téléphone mobile du référent').fill('06 12 34 56 78');
    await page.getByLabel('Fonction du référent').fill('Responsable accueil');
    await page.locator('main form button[type=submit]').click();

    await page.getByLabel("Prénom de l'aidant").fill('Léa');
    await page.getByLabel("Nom de l'aidant", { exact: true }).fill('Roux');
    await page.getByLabel("Adresse e-mail professionnelle de l'aidant").fill('accueil@mairie-brest.fr');
    await page.getByLabel('Profession', { exact: true }).fill('Agente d’accueil');
    await page.getByRole('button', { name: 'Ajouter cet aidant' }).click();
    await page.getByText('générique').first().waitFor();
    await accessible(page);
    await page.getByLabel("Adresse e-mail professionnelle de l'aidant").fill('lea.roux@mairie-brest.fr');
    await page.getByRole('button', { name: 'Ajouter cet aidant' }).click();
    await page.getByRole('cell', { name: 'lea.roux@mairie-brest.fr' }).waitFor();
    await page.getByRole('link', { name: 'Continuer vers les engagements' }).click();
    await accessible(page);
    for (const label of await page.locator('main form .fr-checkbox-group label').allTextContents()) await tick(page, label.trim());
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.getByRole('heading', { name: "Suivi de la demande d'habilitation" }).waitFor();
    await accessible(page);
    const followUrl = page.url();
    const demandeId = followUrl.split('/').pop()!;

    // Staff require changes
    const staff = await createAccount(t.db, { email: 'camille.bernard@anct.gouv.fr', first_name: 'Camille', last_name: 'Bernard', is_staff: true });
    const staffPage = await browser.newPerson();
    await loginBrowser(staffPage, app.url, mail.catcher, 'camille.bernard@anct.gouv.fr', staff.totpSecret);
    await staffPage.goto(`${app.url}/staff/habilitations?q=${siret}`);
    await accessible(staffPage);
    await staffPage.getByRole('link', { name: /Mairie de Brest/ }).first().click();
    await accessible(staffPage);
    await staffPage.getByLabel('Modifications attendues').fill('Précisez la fonction exacte du référent.');
    await staffPage.getByRole('button', { name: 'Demander des modifications' }).click();
    await mail.catcher.waitFor((m) => m.to.includes('claire.petit@mairie-brest.fr') && m.subject.startsWith('Modifications demandées'));

    // The demandeur fixes and resubmits
    await page.goto(followUrl);
    await page.getByText('Précisez la fonction exacte du référent.').waitFor();
    await accessible(page);
    await page.getByRole('link', { name: 'Modifier le référent' }).click();
    await page.getByLabel('Fonction du référent').fill('Responsable du pôle accueil et médiation numérique');
    await page.locator('main form button[type=submit]').click();
    await page.goto(`${app.url}/habilitation/demande/${demandeId}/engagements`);
    await page.getByRole('button', { name: 'Soumettre à nouveau la demande' }).click();
    await page.getByRole('heading', { name: "Suivi de la demande d'habilitation" }).waitFor();

    // Staff validate, record training and Pix
    await staffPage.goto(`${app.url}/staff/habilitations/${demandeId}`);
    await staffPage.getByRole('button', { name: 'Valider la demande' }).click();
    await mail.catcher.waitFor((m) => m.to.includes('paul.durand@mairie-brest.fr') && m.subject.startsWith('Votre rôle de référent'));
    await staffPage.goto(`${app.url}/staff/habilitations/${demandeId}`);
    await staffPage.getByRole('button', { name: 'Enregistrer la formation' }).waitFor();
    await accessible(staffPage);
    await staffPage.getByLabel('Date de la formation').fill('2026-11-20');
    await staffPage.locator('label', { hasText: 'Session de formation' }).click();
    await staffPage.getByRole('button', { name: 'Enregistrer la formation' }).click();
    await staffPage.getByLabel('Date du test Pix').fill('2026-11-21');
    await staffPage.getByLabel('Score (%)').fill('72');
    await staffPage.getByRole('button', { name: 'Enregistrer le test Pix' }).click();
    await accessible(staffPage);

    // The aidant is activated, emailed, and logs in
    const activation = await mail.catcher.waitFor((m) => m.to.includes('lea.roux@mairie-brest.fr') && m.subject === 'Votre compte Aidants Connect est activé', 20_000);
    expect(activation.text).toContain('Léa');
    const aidant = await t.db('aidants').where({ email: 'lea.roux@mairie-brest.fr' }).first();
    expect(aidant).toMatchObject({ is_active: true, can_create_mandats: true });
    // Her référent gives her an authenticator app (the espace référent flow is walked in auth-journey).
    const app2fa = (await ajouterApplicationSiAbsente(t.db, aidant.id))!;
    const aidantPage = await browser.newPerson();
    await loginBrowser(aidantPage, app.url, mail.catcher, 'lea.roux@mairie-brest.fr', app2fa.secret);
    await aidantPage.getByRole('heading', { name: "Conditions générales d'utilisation" }).waitFor();
    await aidantPage.locator('label[for=accepter-cgu]').click();
    await aidantPage.getByRole('button', { name: 'Continuer' }).click();
    await aidantPage.getByRole('heading', { name: 'Bonjour Léa' }).waitFor();
    await accessible(aidantPage);
    expect(await aidantPage.locator('main').textContent()).toContain('Mairie de Brest');
  });
});
