// In Chromium: a service's page (the local relying party playing FranceConnect) sends the aidant to Aidants
// Connect → login (email + code + magic link) → the person accompanied, found by name → the démarche → the
// service shows the identity FranceConnect would receive → logout returns to it. Then a cancel, a refusal
// and an expired request. axe on each of our pages, at desktop width and at 390 px, no console error.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ConsoleMessage, Page } from 'playwright-core';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { createAccount, createStructure, totpCode } from '../../scripts/fixtures/comptes.ts';
import { launchBrowser, axeViolations, type TestBrowser } from '../helpers/browser.ts';
import { IDENTITES_FC, creerMandat, creerUsager, startOidcApp, type OidcApp } from '../../scripts/fixtures/fournisseur-identite.ts';
import { startFournisseurServiceFake, type FournisseurServiceFake } from '../../scripts/fakes/fournisseur-service-fake.ts';
import { freePort } from '../../db/free-port.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: OidcApp;
let rp: FournisseurServiceFake;
let browser: TestBrowser;
let totpSecret: string;
const consoleErrors: string[] = [];
const CLIENT = { clientId: 'franceconnect-navigateur', clientSecret: 'secret-du-test-navigateur-de-plus-de-32-caracteres' };

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  const rpPort = await freePort();
  const rpUrl = `http://127.0.0.1:${rpPort}`;
  app = await startOidcApp({ db: t.db, mailer: mail.mailer }, {
    FC_AS_FI_CLIENT_ID: CLIENT.clientId,
    FC_AS_FI_CLIENT_SECRET: CLIENT.clientSecret,
    FC_AS_FI_REDIRECT_URIS: `${rpUrl}/api/v2/oidc-callback`,
    FC_AS_FI_POST_LOGOUT_REDIRECT_URIS: `${rpUrl}/api/v2/client/logout-callback`,
  });
  rp = await startFournisseurServiceFake({ port: rpPort, aidantsConnectIssuer: app.url, ...CLIENT });
  const structureId = await createStructure(t.db, { name: 'France Services de Morlaix' });
  ({ totpSecret } = await createAccount(t.db, { email: 'gwen.le-bras@morlaix.fr', first_name: 'Gwen', last_name: 'Le Bras', structureId }));
  for (const [identite, demarches] of [[IDENTITES_FC.angela, ['famille', 'argent']], [IDENTITES_FC.henry, ['social']], [IDENTITES_FC.julie, ['famille']]] as const) {
    const usager = await creerUsager(t.db, identite);
    await creerMandat(t.db, { structureId, usagerId: usager.id, demarches: [...demarches] });
  }
  browser = await launchBrowser();
  // The HTTP status of a document shown on purpose (a refusal page) is not an error of the page; a failed
  // script, style or font is, and so is any uncaught error.
  const page = browser.page;
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error' || !msg.location().url.startsWith(app.url)) return;
    if (msg.text().startsWith('Failed to load resource') && msg.location().url.split('#')[0] === page.url().split('#')[0]) return;
    consoleErrors.push(`${page.url()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`));
});

afterAll(async () => {
  await browser?.close();
  await rp?.stop();
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

/** axe at desktop width, then at 390 px (no horizontal scrolling either), back to desktop. */
async function verifier(page: Page) {
  await page.setViewportSize({ width: 1280, height: 900 });
  expect({ url: page.url(), largeur: 1280, violations: await axeViolations(page) }).toEqual({ url: page.url(), largeur: 1280, violations: [] });
  await page.setViewportSize({ width: 390, height: 844 });
  expect({ url: page.url(), largeur: 390, violations: await axeViolations(page) }).toEqual({ url: page.url(), largeur: 390, violations: [] });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });
}

// DSFR draws radios with their labels: a person clicks the label.
const choisir = (page: Page, label: string) => page.locator('label', { hasText: label }).first().click();

async function depuisLeService(page: Page, demarche = '') {
  await page.goto(rp.url);
  if (demarche) await page.getByLabel('Démarche demandée par le service (rep_scope)').selectOption(demarche);
  await page.getByRole('button', { name: 'Se connecter avec Aidants Connect' }).click();
}

describe('an aidant acts for a usager through FranceConnect', () => {
  test('login → person → démarche → identity at the service → logout', async () => {
    const page = browser.page;
    await depuisLeService(page, 'famille');

    // Not logged in: the login, then back to the request.
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    expect(new URL(page.url()).searchParams.get('suivant')).toMatch(/^\/interaction\//);
    await verifier(page);
    const before = mail.catcher.emails().length;
    await page.getByLabel('Adresse e-mail professionnelle').fill('gwen.le-bras@morlaix.fr');
    await page.getByLabel('Code à usage unique').fill(await totpCode(totpSecret));
    await page.getByRole('button', { name: 'Recevoir mon lien de connexion' }).click();
    await page.getByRole('heading', { name: 'Consultez votre messagerie' }).waitFor();
    const link = await mail.catcher.waitFor((m) => mail.catcher.emails().indexOf(m) >= before);
    await page.goto(link.text.match(/https?:\/\/\S+\/connexion\/lien\/[A-Za-z0-9_-]+/)![0]);
    await verifier(page);
    await page.getByRole('button', { name: 'Me connecter' }).click();

    // The person accompanied: never preselected, found by name.
    await page.getByRole('heading', { name: 'Bonjour Gwen, pour qui agissez-vous ?' }).waitFor();
    await verifier(page);
    expect(await page.locator('input[name=usager]:checked').count()).toBe(0);
    expect(await page.locator('input[name=usager]').count()).toBe(2); // Henry has no autorisation for « famille »
    await page.getByLabel('Rechercher par nom ou prénom').fill('durant');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('1 résultat pour « durant »').waitFor();
    await verifier(page);
    await page.getByLabel('Rechercher par nom ou prénom').fill('dubois');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('1 résultat pour « dubois »').waitFor();
    await choisir(page, 'DUBOIS Angela Claire Louise');
    await page.getByRole('button', { name: 'Continuer' }).click();

    // The démarche (only those the mandat covers and the service asked for).
    await page.getByRole('heading', { name: 'Quelle démarche réalisez-vous ?' }).waitFor();
    await verifier(page);
    expect(await page.locator('input[name=demarche]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(['famille']);
    // Sent without a choice (the browser's own check removed): a French error, accessible.
    await page.locator('input[name=demarche]').evaluateAll((inputs) => inputs.forEach((i) => i.removeAttribute('required')));
    await page.getByRole('button', { name: 'Valider et revenir au service' }).click();
    await page.getByText('Choisissez la démarche que vous réalisez.').waitFor();
    await verifier(page);
    await choisir(page, 'Famille - Scolarité');
    await page.getByRole('button', { name: 'Valider et revenir au service' }).click();

    // Back at the service: the identity FranceConnect would receive.
    await page.getByRole('heading', { name: 'Identité reçue d’Aidants Connect' }).waitFor();
    const table = await page.locator('table').textContent();
    for (const value of Object.values(IDENTITES_FC.angela)) expect(table).toContain(JSON.stringify(value));
    expect(await page.locator('pre').textContent()).toContain('"rep_scope": [\n    "famille"\n  ]');
    expect(await t.db('journal').where({ action: 'use_autorisation' }).count({ n: '*' }).first()).toEqual({ n: 1 });

    await page.getByRole('link', { name: 'Se déconnecter' }).click();
    await page.getByText('Vous êtes déconnecté').waitFor();
  });

  test('the next authorization asks again, and a cancel goes back to the service as access_denied', async () => {
    const page = browser.page;
    await depuisLeService(page);
    await page.getByRole('heading', { name: 'Bonjour Gwen, pour qui agissez-vous ?' }).waitFor();
    expect(await page.locator('input[name=usager]').count()).toBe(3);
    await choisir(page, 'SÉGUIN Henry');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByRole('heading', { name: 'Quelle démarche réalisez-vous ?' }).waitFor();
    await page.getByRole('button', { name: 'Annuler et revenir au service' }).click();
    await page.getByRole('heading', { name: 'Connexion refusée par Aidants Connect' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('access_denied');
  });

  test('no mandat for the démarche asked: a French page, then the refusal reaches the service', async () => {
    const page = browser.page;
    await depuisLeService(page, 'justice');
    await page.getByRole('heading', { name: 'Aucun mandat ne permet cette démarche' }).waitFor();
    await verifier(page);
    await page.getByRole('button', { name: 'Revenir au service en ligne' }).click();
    await page.getByRole('heading', { name: 'Connexion refusée par Aidants Connect' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Aucun mandat en cours pour cette demande');
  });

  test('an expired or unknown request: a French page', async () => {
    const page = browser.page;
    const res = await page.goto(`${app.url}/interaction/inconnue`);
    expect(res?.status()).toBe(400);
    await page.getByRole('heading', { name: 'Cette demande de connexion a expiré' }).waitFor();
    await verifier(page);
    const err = await page.goto(`${app.url}/authorize/?client_id=inconnu&response_type=code&scope=openid`);
    expect(err?.status()).toBe(400);
    await page.getByRole('heading', { name: 'Demande de connexion invalide' }).waitFor();
    await verifier(page);
  });

  test('no console error on our pages', () => {
    expect(consoleErrors).toEqual([]);
  });
});
