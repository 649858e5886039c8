// In Chromium: a référent's first connection (SMS code from the Twilio fake, email link from the catcher) →
// authenticator app tunnel → CGU → logout → login with TOTP + magic link → associates and validates a card
// for an aidant → the aidant logs in with the card's code. axe on every page on the way.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { startTestSms } from '../helpers/sms.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { launchBrowser, checkPage, type TestBrowser } from '../helpers/browser.ts';
import { seedToBase32 } from '../../api/referent/devices.ts';
import { seal } from '../../db/secrets.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let sms: Awaited<ReturnType<typeof startTestSms>>;
let app: RunningApp;
let browser: TestBrowser;
const SEED = '48656c6c6f21deadbeef48656c6c6f21deadbeef';

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  sms = await startTestSms();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('unused'); }, mailer: mail.mailer, sms: sms.sms, publicUrl: 'http://aidants.test' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app.close();
  await sms.stop();
  await mail.stop();
  await t.drop();
});

const accessible = (page: Page) => checkPage(browser, page);

describe('authentication journey', () => {
  test('first connection → app → logout → login → card for an aidant → the aidant logs in with the card', async () => {
    const structureId = await createStructure(t.db, { name: 'France Services de Quimper' });
    await createAccount(t.db, { email: 'anne.kerjean@quimper.fr', first_name: 'Anne', last_name: 'Kerjean', structureId, referent: true, phone: '+33698765432', withDevice: false, cgu: false });
    await createAccount(t.db, { email: 'loic.tanguy@quimper.fr', first_name: 'Loïc', last_name: 'Tanguy', structureId, withDevice: false });
    await t.db('totp_cards').insert({ serial_number: 'GADT0001234', seed: seal('totp_cards.seed', SEED) });
    const page = browser.page;

    // First connection
    await page.goto(`${app.url}/connexion`);
    await accessible(page);
    await page.getByRole('link', { name: 'Première connexion' }).click();
    await accessible(page);
    await page.getByLabel('Adresse e-mail professionnelle').fill('anne.kerjean@quimper.fr');
    await page.getByLabel('Numéro de téléphone mobile').fill('06 98 76 54 32');
    await page.getByRole('button', { name: 'Recevoir mon code' }).click();
    await page.getByRole('heading', { name: 'Consultez votre téléphone et votre messagerie' }).waitFor();
    await accessible(page);
    const text = await sms.fake.waitFor((m) => m.to === '+33698765432');
    const email = await mail.catcher.waitFor((m) => m.to.includes('anne.kerjean@quimper.fr'));
    await page.goto(email.text.match(/https?:\/\/\S+\/premiere-connexion\/lien\/\S+/)![0].replace('http://aidants.test', app.url));
    await accessible(page);
    await page.getByLabel('Code reçu par SMS').fill(text.body.match(/\b(\d{6})\b/)![1]);
    await page.getByRole('button', { name: 'Me connecter' }).click();

    // App tunnel
    await page.getByRole('heading', { name: 'Configurer une application d’authentification' }).waitFor();
    await accessible(page);
    const secret = (await page.locator('main code').textContent())!;
    await page.getByLabel('Code affiché par l’application').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Valider' }).click();

    // CGU, then the espace référent
    await page.getByRole('heading', { name: "Conditions générales d'utilisation" }).waitFor();
    await accessible(page);
    await page.locator('label[for=accepter-cgu]').click(); // the DSFR checkbox is drawn by its label
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByRole('heading', { name: 'Mon équipe' }).waitFor();
    await accessible(page);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('link', { name: 'Se connecter' }).first().waitFor();

    // Login with TOTP + magic link
    await loginBrowser(page, app.url, mail.catcher, 'anne.kerjean@quimper.fr', secret);
    await page.getByRole('heading', { name: 'Mon équipe' }).waitFor();
    await page.getByRole('link', { name: 'Gérer Loïc Tanguy' }).click();
    await page.getByRole('heading', { name: 'Loïc Tanguy' }).waitFor();
    await accessible(page);

    // Card association and validation
    await page.getByLabel('Numéro de série de la carte').fill('GADT0001234');
    await page.getByRole('button', { name: 'Associer la carte' }).click();
    await page.getByText('Carte associée. Validez-la').waitFor();
    await accessible(page);
    const cardSecret = seedToBase32(SEED);
    await page.getByLabel('Code affiché sur la carte').fill(await totpCode(cardSecret, 60));
    await page.getByRole('button', { name: 'Valider la carte' }).click();
    await page.getByText('Carte validée').waitFor();
    await accessible(page);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();

    // The aidant logs in with the card
    await page.goto(`${app.url}/connexion`);
    await page.getByLabel('Adresse e-mail professionnelle').fill('loic.tanguy@quimper.fr');
    await page.getByLabel('Code à usage unique').fill(await totpCode(cardSecret, 60));
    await page.getByRole('button', { name: 'Recevoir mon lien de connexion' }).click();
    await page.getByRole('heading', { name: 'Consultez votre messagerie' }).waitFor();
    const link = await mail.catcher.waitFor((m) => m.to.includes('loic.tanguy@quimper.fr'));
    await page.goto(link.text.match(/https?:\/\/\S+\/connexion\/lien\/\S+/)![0].replace('http://aidants.test', app.url));
    await accessible(page);
    await page.getByRole('button', { name: 'Me connecter' }).click();
    await page.getByRole('heading', { name: 'Bonjour Loïc' }).waitFor();
    await accessible(page);
    expect(await page.locator('main').textContent()).toContain('carte GADT0001234');
  });
});
