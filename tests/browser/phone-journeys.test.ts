// At phone width (390 px) in Chromium, what a person hits on the landed pages (issue 14): the header's menu
// and logout, the espace référent's side menu, the deactivation confirmation, the request's last step and
// its recap, fils d'Ariane and empty states. Every page: axe, and no console or page error.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestDb } from '../helpers/db.ts';
import type { RunningApp } from '../../scripts/fixtures/web.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { siretAleatoire } from '../helpers/habilitation.ts';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { createActivities } from '../../activities/index.ts';
import { atPhoneWidth, checkPage, launchBrowser, openPhoneMenu, type TestBrowser } from '../helpers/browser.ts';

let stack: ServiceStack;
let t: TestDb;
let mail: ServiceStack['mail'];
let app: RunningApp;
let browser: TestBrowser;

beforeAll(async () => {
  stack = await startServiceStack();
  ({ t, mail, app } = stack);
  browser = await launchBrowser();
  await atPhoneWidth(browser.page);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Labels with a hint ("Numéro SIRET 14 chiffres…") match as a prefix; short ones ("Nom") must match exactly. */
const fill = (page: Page, label: string, value: string, exact = false) => page.getByLabel(label, { exact }).fill(value);
// DSFR draws checkboxes and radios with their labels: a person taps the label.
const tick = (page: Page, label: string) => page.locator('label', { hasText: label }).first().click();

describe('at 390 px', () => {
  test('a logged-in aidant opens the menu, reaches their space and logs out, with a confirmation', async () => {
    const page = browser.page;
    const s = await createStructure(t.db, { name: 'Médiathèque de Lorient' });
    const { totpSecret } = await createAccount(t.db, { email: 'ines.moreau@lorient.fr', first_name: 'Inès', last_name: 'Moreau', structureId: s });
    await loginBrowser(page, app.url, mail.catcher, 'ines.moreau@lorient.fr', totpSecret);
    await page.getByRole('heading', { name: 'Bonjour Inès' }).waitFor();
    await checkPage(browser);
    // The header's buttons are hidden on a phone: the menu holds them.
    await expect(page.getByRole('button', { name: 'Se déconnecter' }).isVisible()).resolves.toBe(false);
    // Typing /deconnexion while logged in asks first (a GET never logs out).
    await page.goto(`${app.url}/deconnexion`);
    await page.getByRole('heading', { name: 'Se déconnecter' }).waitFor();
    await checkPage(browser);
    await page.getByRole('link', { name: 'Rester connecté' }).click();
    await page.getByRole('heading', { name: 'Bonjour Inès' }).waitFor();
    await openPhoneMenu(page);
    await checkPage(browser);
    const menu = page.locator('#menu-principal');
    await expect(menu.getByRole('link', { name: 'Mon espace aidant' }).getAttribute('aria-current')).resolves.toBe('page');
    await menu.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Déconnexion réussie' }).waitFor();
    await checkPage(browser);
    await openPhoneMenu(page);
    await expect(page.locator('#menu-principal').getByRole('link', { name: 'Se connecter' }).isVisible()).resolves.toBe(true);
    // The session is really gone.
    await page.goto(`${app.url}/espace-aidant`);
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
  });

  test('a référent follows the "aidant activé" email to the aidant’s page, moves through the side menu, and deactivates an account with a reason', async () => {
    const page = browser.page;
    const s = await createStructure(t.db, { name: 'CCAS de Quimperlé' });
    const ref = await createAccount(t.db, { email: 'soizic.le-du@quimperle.fr', first_name: 'Soizic', last_name: 'Le Du', structureId: s, referent: true });
    const [demande] = await t.db('demandes_aidant')
      .insert({ structure_id: s, email: 'ewen.marrec@quimperle.fr', first_name: 'Ewen', last_name: 'Marrec', profession: 'Médiateur', status: 'processing', formation_date: '2026-03-01', formation_type: 'classic', pix_date: '2026-03-02', pix_score: 80 })
      .returning('id');
    const { aidantId } = await createActivities({ db: t.db, mailer: mail.mailer, publicUrl: 'http://app.test' }).activerAidant({ demandeAidantId: demande.id });
    const email = await mail.catcher.waitFor((m) => m.to.includes('soizic.le-du@quimperle.fr') && m.subject.startsWith("Compte d'aidant activé"));
    const link = email.text.match(/http:\/\/app\.test(\S+)/)![1];
    expect(link).toBe(`/espace-referent/aidants/${aidantId}`);

    // Logged out: the link goes through the login and comes back to the aidant's page.
    await page.goto(app.url + link);
    await page.getByLabel('Adresse e-mail professionnelle').fill('soizic.le-du@quimperle.fr');
    await page.getByLabel('Code à usage unique').fill(await totpCode(ref.totpSecret));
    await page.getByRole('button', { name: 'Recevoir mon lien de connexion' }).click();
    const magic = await mail.catcher.waitFor((m) => m.to.includes('soizic.le-du@quimperle.fr') && m.subject.includes('lien de connexion'));
    await page.goto(magic.text.match(/http:\/\/app\.test(\S+)/)![1].replace(/^/, app.url));
    await page.getByRole('button', { name: 'Me connecter' }).click();
    await page.getByRole('heading', { name: 'Ewen Marrec' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(link);
    await expect(page.getByRole('button', { name: 'Associer la carte' }).isVisible()).resolves.toBe(true);
    await checkPage(browser);

    // The fil d'Ariane folds on a phone; unfolded, it leads back to the space.
    await page.getByRole('button', { name: 'Voir le fil d’Ariane' }).click();
    await page.locator('.fr-breadcrumb').getByRole('link', { name: 'Espace référent' }).waitFor();

    // The side menu: add an aidant, then the waiting list shows the request.
    const sideMenu = async (entry: string) => {
      await page.getByRole('button', { name: 'Dans l’espace référent' }).click();
      await page.locator('.fr-sidemenu').getByRole('link', { name: entry }).click();
    };
    await sideMenu('Ajouter un aidant');
    await page.getByRole('heading', { name: 'Ajouter un aidant' }).waitFor();
    await checkPage(browser);
    await page.getByRole('button', { name: "Ajouter à la liste d'attente" }).click();
    await page.getByText("Indiquez le prénom de l'aidant.").first().waitFor();
    await checkPage(browser);
    await page.getByLabel('Prénom', { exact: true }).fill('Katell');
    await page.getByLabel('Nom', { exact: true }).fill('Jaouen');
    await page.getByLabel('Adresse e-mail professionnelle').fill('katell.jaouen@quimperle.fr');
    await page.getByLabel('Profession', { exact: true }).fill('Agente France Services');
    await page.getByRole('button', { name: "Ajouter à la liste d'attente" }).click();
    await page.getByText("La demande pour Katell Jaouen est dans la liste d'attente").waitFor();
    await page.getByRole('heading', { name: "Liste d'attente" }).waitFor();
    await checkPage(browser);
    await sideMenu('Cartes');
    await page.getByRole('heading', { name: 'Cartes' }).waitFor();
    await checkPage(browser);

    // Deactivation: a confirmation page, a reason required, then journaled.
    await sideMenu('Mon équipe');
    await page.getByRole('heading', { name: 'Mon équipe' }).waitFor();
    await checkPage(browser);
    await page.getByRole('link', { name: 'Gérer Ewen Marrec' }).click();
    await page.getByRole('link', { name: 'Désactiver le compte' }).click();
    await page.getByRole('heading', { name: 'Désactiver le compte d\'Ewen Marrec' }).waitFor();
    await checkPage(browser);
    expect((await t.db('aidants').where({ id: aidantId }).first('is_active')).is_active).toBe(true);
    await page.getByRole('button', { name: 'Confirmer la désactivation' }).click();
    await page.getByText('Choisissez la raison de la désactivation.').first().waitFor();
    await checkPage(browser);
    await page.getByLabel('Raison de la désactivation').selectOption('depart');
    await page.getByRole('button', { name: 'Confirmer la désactivation' }).click();
    await page.getByText("Le compte d'Ewen Marrec est désactivé.").waitFor();
    await checkPage(browser);
    expect(await t.db('journal').where({ action: 'aidant_deactivation' }).first('additional_information')).toEqual({ additional_information: `aidant.id=${aidantId}, raison=A quitté la structure` });
  });

  test('a demandeur reaches the last step without an aidant, is sent back to step 4, reads the recap, and sees the submission at once', async () => {
    const page = browser.page;
    await page.context().clearCookies();
    await page.goto(`${app.url}/habilitation`);
    await checkPage(browser);
    await fill(page, 'Prénom', 'Nadia', true);
    await fill(page, 'Nom', 'Haddad', true);
    await fill(page, 'Adresse e-mail', 'nadia.haddad@mairie-pontivy.fr');
    await fill(page, 'Fonction dans la structure', 'Secrétaire générale');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByRole('heading', { name: 'Confirmez votre adresse e-mail' }).waitFor();
    const confirmation = await mail.catcher.waitFor((m) => m.to.includes('nadia.haddad@mairie-pontivy.fr'));
    await page.goto(confirmation.text.match(/http:\/\/app\.test(\S+)/)![1].replace(/^/, app.url));
    // The link opens a page; its button uses the link (a mail scanner that only opens it does not).
    await checkPage(browser);
    await page.getByRole('button', { name: 'Continuer ma demande' }).click();
    await fill(page, 'Numéro SIRET', siretAleatoire());
    await fill(page, 'Nom de la structure', 'Mairie de Pontivy');
    await page.getByLabel('Type de structure').selectOption('mairie');
    await fill(page, 'Adresse', '4 place Aristide Briand', true);
    await fill(page, 'Code postal', '56300', true);
    await fill(page, 'Commune', 'Pontivy', true);
    await tick(page, 'Publique');
    await tick(page, "Je certifie que l'accompagnement des usagers par la structure est gratuit.");
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await fill(page, 'Prénom du référent', 'Youenn');
    await fill(page, 'Nom du référent', 'Le Gall', true);
    await fill(page, 'Adresse e-mail professionnelle du référent', 'youenn.le-gall@mairie-pontivy.fr');
    await fill(page, 'Téléphone mobile du référent', '06 98 76 54 32');
    await fill(page, 'Fonction du référent', 'Responsable France Services');
    await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
    await page.getByText("Ajoutez au moins un aidant pour passer à l'étape suivante.").waitFor();
    await checkPage(browser);

    // Step 5 reached by its address: what is missing links back to step 4.
    const id = page.url().split('/')[5];
    await page.goto(`${app.url}/habilitation/demande/${id}/engagements`);
    await page.getByText('La demande ne peut pas encore être envoyée').waitFor();
    await checkPage(browser);
    await page.getByRole('link', { name: 'au moins un aidant à habiliter' }).click();
    await page.getByRole('heading', { name: 'Ajouter un aidant' }).waitFor();
    await fill(page, "Prénom de l'aidant", 'Inès');
    await fill(page, "Nom de l'aidant", 'Moreau', true);
    await fill(page, "Adresse e-mail professionnelle de l'aidant", 'ines.moreau@mairie-pontivy.fr');
    await fill(page, 'Profession', 'Agente d’accueil', true);
    await page.getByRole('button', { name: 'Ajouter cet aidant' }).click();
    await page.getByRole('link', { name: 'Continuer vers les engagements' }).click();

    // The recap, then errors that each name their box.
    await page.getByRole('heading', { name: 'Récapitulatif de votre demande' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Inès Moreau — ines.moreau@mairie-pontivy.fr');
    await checkPage(browser);
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    const summary = page.locator('.fr-alert--error ul li');
    await summary.first().waitFor();
    const lines = await summary.allTextContents();
    expect(lines).toHaveLength(5);
    expect(new Set(lines).size).toBe(5);
    await checkPage(browser);
    for (const label of await page.locator('main form .fr-checkbox-group label').allTextContents()) await tick(page, label.trim());
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.getByRole('heading', { name: "Suivi de la demande d'habilitation" }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Demande soumise');
    await checkPage(browser);
  });

  test('staff at phone width: an empty search says so, and the request page has its fil d’Ariane', async () => {
    const page = browser.page;
    await page.context().clearCookies();
    const staff = await createAccount(t.db, { email: 'gwen.tanguy@anct.gouv.fr', first_name: 'Gwen', last_name: 'Tanguy', is_staff: true });
    await loginBrowser(page, app.url, mail.catcher, 'gwen.tanguy@anct.gouv.fr', staff.totpSecret);
    await page.goto(`${app.url}/staff/habilitations?q=structure-introuvable`);
    await page.getByText('Aucune demande ne correspond à la recherche.').waitFor();
    await checkPage(browser);
    await page.getByRole('link', { name: 'Voir toutes les demandes' }).click();
    await page.getByRole('link', { name: 'Mairie de Pontivy' }).click();
    await page.getByRole('heading', { name: 'Mairie de Pontivy' }).waitFor();
    await page.getByRole('button', { name: 'Voir le fil d’Ariane' }).click();
    await page.locator('.fr-breadcrumb').getByRole('link', { name: "Demandes d'habilitation" }).waitFor();
    // Under review: no training forms, the next step speaks to staff.
    expect(await page.getByRole('button', { name: 'Enregistrer la formation' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('Instruisez la demande');
    await checkPage(browser);
    await openPhoneMenu(page);
    await page.locator('#menu-principal').getByRole('link', { name: "Liste d'attente" }).click();
    // The aidant the référent added earlier waits for staff here.
    await page.getByRole('button', { name: 'Accepter Katell Jaouen' }).waitFor();
    await checkPage(browser);
  });
});
