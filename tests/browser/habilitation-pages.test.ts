// The habilitation pages in Chromium: the demandeur's steps (with and without errors), the follow page, and
// the staff and référent pages — each with 0 axe violations. (Submission needs a worker: tested over HTTP
// in tests/integration/habilitation-web.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { atDesktopWidth, atPhoneWidth, launchBrowser, checkPage, type TestBrowser } from '../helpers/browser.ts';
import { createAccount, createStructure, loginBrowser } from '../../scripts/fixtures/comptes.ts';
import { creerDemandeComplete, siretAleatoire } from '../helpers/habilitation.ts';

let t: TestDb;
let app: RunningApp;
let browser: TestBrowser;
let mail: Awaited<ReturnType<typeof startTestMail>>;
beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('Temporal absent de ce test'); }, mailer: mail.mailer, publicUrl: 'http://app.test' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

async function sansViolation(titre: RegExp): Promise<void> {
  await expect(browser.page.locator('h1').first().textContent()).resolves.toMatch(titre);
  await checkPage(browser);
}

describe('habilitation pages (axe)', () => {
  test('the demandeur steps, with errors shown next to the fields', async () => {
    const p = browser.page;
    await p.goto(`${app.url}/habilitation`);
    await sansViolation(/Demander l'habilitation/);
    await p.getByRole('button', { name: 'Continuer' }).click();
    await expect(p.locator('.fr-error-text').first().textContent()).resolves.toContain('Indiquez votre prénom');
    await sansViolation(/Demander l'habilitation/);
    await p.getByLabel('Prénom').fill('Claire');
    await p.getByLabel('Nom', { exact: true }).fill('Petit');
    await p.getByLabel('Adresse e-mail').fill('claire.petit@mairie-axe.fr');
    await p.getByLabel('Fonction dans la structure').fill('DGS');
    await p.getByRole('button', { name: 'Continuer' }).click();
    await sansViolation(/Confirmez votre adresse/);
    const m = await mail.catcher.waitFor((e) => e.to.includes('claire.petit@mairie-axe.fr'));
    await p.goto(m.text.match(/http:\/\/app\.test(\S+)/)![0].replace('http://app.test', app.url));
    await sansViolation(/Accéder à votre demande/);
    await p.getByRole('button', { name: 'Continuer ma demande' }).click();
    await sansViolation(/Demande d'habilitation/);
    await p.getByLabel('Numéro SIRET').fill('12345678901234');
    await p.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await expect(p.getByText('la clé de contrôle ne correspond pas').first().isVisible()).resolves.toBe(true);
    await sansViolation(/Demande d'habilitation/);
    await p.getByLabel('Numéro SIRET').fill(siretAleatoire());
    await p.getByLabel('Nom de la structure').fill('Mairie Axe');
    await p.getByLabel('Type de structure').selectOption('mairie');
    await p.getByLabel('Adresse', { exact: true }).fill('1 rue Haute');
    await p.getByLabel('Code postal').fill('45000');
    await p.getByLabel('Commune').fill('Orléans');
    await p.getByLabel('Publique', { exact: true }).check({ force: true });
    await p.getByLabel("Je certifie que l'accompagnement des usagers par la structure est gratuit.").check({ force: true });
    await p.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await sansViolation(/Demande d'habilitation/);
    await p.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await sansViolation(/Demande d'habilitation/);
    const id = p.url().split('/')[5];
    await p.goto(`${app.url}/habilitation/demande/${id}/aidants`);
    await sansViolation(/Demande d'habilitation/);
    await p.goto(`${app.url}/habilitation/demande/${id}/engagements`);
    await sansViolation(/Demande d'habilitation/);
    await p.goto(`${app.url}/habilitation/demande/${id}`);
    await sansViolation(/Suivi de la demande/);
  });

  test('staff list, request page, Pix import and waiting list; référent pages — at desktop and phone widths', async () => {
    const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    const v = await creerDemandeComplete(t.db, { status: 'VALIDATED' });
    const { totpSecret } = await createAccount(t.db, { email: 'axe.staff@anct.gouv.fr', is_staff: true });
    await loginBrowser(browser.page, app.url, mail.catcher, 'axe.staff@anct.gouv.fr', totpSecret);
    for (const [path, titre] of [
      ['/staff/habilitations', /Demandes d'habilitation/],
      [`/staff/habilitations/${f.demandeId}`, /Mairie d'Exemple/],
      [`/staff/habilitations/${v.demandeId}`, /Mairie d'Exemple/],
      ['/staff', /Équipe Aidants Connect/],
      ['/staff/cartes', /Importer des cartes TOTP/],
      ['/staff/habilitations/import-pix', /Importer des résultats Pix/],
      ['/staff/habilitations/liste-attente', /Aidants ajoutés/],
    ] as const) {
      for (const width of [atDesktopWidth, atPhoneWidth]) {
        await width(browser.page);
        await browser.page.goto(app.url + path);
        await sansViolation(titre);
      }
    }
    await atDesktopWidth(browser.page);
    await browser.page.context().clearCookies();
    const s = await createStructure(t.db, { name: 'Structure Axe', siret: siretAleatoire() });
    const ref = await createAccount(t.db, { email: 'rita.axe@structure-axe.fr', structureId: s, referent: true });
    await loginBrowser(browser.page, app.url, mail.catcher, 'rita.axe@structure-axe.fr', ref.totpSecret);
    for (const [path, titre] of [
      ['/espace-referent', /Mon équipe/],
      ['/espace-referent/habilitation', /Liste d'attente/],
      ['/espace-referent/habilitation/ajouter', /Ajouter un aidant/],
      ['/espace-referent/cartes', /Cartes/],
    ] as const) {
      for (const width of [atDesktopWidth, atPhoneWidth]) {
        await width(browser.page);
        await browser.page.goto(app.url + path);
        await sansViolation(titre);
      }
    }
    await atDesktopWidth(browser.page);
  });
});
