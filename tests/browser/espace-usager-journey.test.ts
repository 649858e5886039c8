// In Chromium, at desktop and phone width: a usager reaches the espace usager from the home page → logs in on
// the FranceConnect sandbox → sees their mandats → the acts done in their name → revokes one démarche (the
// attestation offered at once) → the aidant's page of that usager shows the démarche revoked → « Se
// déconnecter » ends both sessions. axe and no console error on every page of ours on the way.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createAccount, createStructure, loginBrowser } from '../../scripts/fixtures/comptes.ts';
import { launchBrowser, checkPage, openPhoneMenu, type TestBrowser } from '../helpers/browser.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { IDENTITES_TEST_FRANCECONNECT } from '../helpers/franceconnect.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { subFranceConnectTest } from '../../scripts/fakes/franceconnect-identites.ts';
import { hashSaltFromEnv, subUsager } from '../../db/domain/usager.ts';

let s: ServiceStack;
let browser: TestBrowser;
let secret: string;
let structureId: number;
let aidantId: number;

beforeAll(async () => {
  s = await startServiceStack(null, { franceConnect: true });
  structureId = await createStructure(s.t.db, { name: 'Médiathèque de Roubaix' });
  await s.t.db('structures').where({ id: structureId }).update({ address: '2 rue Pierre Motte', postal_code: '59100', city: 'Roubaix' });
  const a = await createAccount(s.t.db, { email: 'hugo.lambert@roubaix.fr', first_name: 'Hugo', last_name: 'Lambert', structureId });
  secret = a.totpSecret;
  aidantId = a.aidant.id;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** A usager of the sandbox with a mandat of the structure and a few uses of it. */
async function usagerAvecMandat(identifiant: string) {
  const i = IDENTITES_TEST_FRANCECONNECT.find((x) => x.identifiant === identifiant)!;
  const [{ id }] = await s.t.db('usagers')
    .insert({ sub: subUsager(subFranceConnectTest(identifiant), hashSaltFromEnv()), ...i.pivot, preferred_username: i.pivot.preferred_username ?? null })
    .returning('id');
  const m = await creerMandatDeTest(s.t.db, { structureId, aidantId, usager: id, demarches: ['social', 'argent'], duree: 'LONG' });
  await s.t.db('journal').insert([
    { action: 'use_autorisation', aidant_id: aidantId, structure_id: structureId, usager_id: id, mandat_id: m.mandatId, demarche: 'argent', autorisation_id: m.autorisationIds[1], additional_information: 'service=impots.gouv.fr' },
    { action: 'use_autorisation', aidant_id: aidantId, structure_id: structureId, usager_id: id, mandat_id: m.mandatId, demarche: 'social', autorisation_id: m.autorisationIds[0], additional_information: 'service=ameli.fr' },
  ]);
  return { ...m, nom: `${i.pivot.given_name} ${i.pivot.family_name}` };
}

describe('parcours de l’espace usager', () => {
  for (const [largeur, identifiant] of [[1280, 'test'], [390, 'plusieurs_prénoms_3']] as const) {
    test(`sandbox login → mandats → acts → revoke one démarche → seen revoked by the aidant (${largeur} px)`, async () => {
      const u = await usagerAvecMandat(identifiant);
      const page = browser.page;
      await page.context().clearCookies();
      await page.setViewportSize({ width: largeur, height: 900 });

      // From the home page's entry link.
      await page.goto(`${s.app.url}/`);
      await page.getByRole('link', { name: 'Accéder à mon espace usager' }).click();
      await page.getByRole('heading', { name: 'Vous êtes accompagné par un aidant ?' }).waitFor();
      await checkPage(browser);
      await page.getByRole('button', { name: /S’identifier avec\s+FranceConnect/ }).click();

      // The FranceConnect sandbox: the usager picks their test identity.
      await page.getByRole('button', { name: `Continuer en tant que ${u.nom}` }).click();
      browser.errors.splice(0); // the sandbox's own pages are not ours to judge

      await page.getByRole('heading', { name: 'Mes mandats', level: 1 }).waitFor();
      await page.getByText('Vous êtes connecté à votre espace usager.').waitFor();
      await checkPage(browser);
      const main = page.locator('main');
      expect(await main.textContent()).toContain(`Mandat n° ${u.mandatId} avec Médiathèque de Roubaix`);
      expect(await main.textContent()).toContain('2 rue Pierre Motte, 59100 Roubaix');

      // What was done in their name.
      if (largeur < 768) await page.getByRole('button', { name: 'Dans mon espace' }).click();
      await page.getByRole('link', { name: 'Ce qui a été fait en mon nom' }).click();
      await page.getByRole('heading', { name: 'Ce qui a été fait en mon nom' }).waitFor();
      await checkPage(browser);
      expect(await main.textContent()).toContain('Service : impots.gouv.fr');
      expect(await main.textContent()).toContain('Hugo L.');

      // Revoke one démarche.
      if (largeur < 768) await page.getByRole('button', { name: 'Dans mon espace' }).click();
      await page.getByRole('link', { name: 'Mes mandats' }).click();
      await page.getByRole('link', { name: /Révoquer cette démarche \(Social - Santé\)/ }).click();
      await page.getByRole('heading', { name: 'Révoquer une démarche' }).waitFor();
      await checkPage(browser);
      await page.getByRole('button', { name: 'Confirmer la révocation' }).click();
      await page.getByRole('heading', { name: 'La démarche est révoquée' }).waitFor();
      await checkPage(browser);
      const attestation = page.getByRole('link', { name: 'Télécharger l’attestation de révocation (PDF)' });
      expect(await attestation.getAttribute('href')).toBe(`/espace-usager/mandats/${u.mandatId}/attestation-revocation.pdf`);
      expect((await page.request.get(`${s.app.url}/espace-usager/mandats/${u.mandatId}/attestation-revocation.pdf`)).headers()['content-type']).toBe('application/pdf');
      await page.getByRole('link', { name: 'Retour à mes mandats' }).click();
      await page.getByRole('heading', { name: 'Mes mandats', level: 1 }).waitFor();
      expect(await main.textContent()).toMatch(/Social - Santé\s*— révoquée le/);
      await checkPage(browser);

      // The aidant, in another browser, sees the démarche revoked on the usager's page.
      const aidant = await browser.newPerson();
      await aidant.setViewportSize({ width: largeur, height: 900 });
      await loginBrowser(aidant, s.app.url, s.mail.catcher, 'hugo.lambert@roubaix.fr', secret);
      await aidant.goto(`${s.app.url}/usagers/${u.usagerId}`);
      await aidant.getByRole('heading', { name: 'Mandats actifs' }).waitFor();
      expect(await aidant.locator('main').textContent()).toMatch(/Social - Santé\s*— révoquée le/);
      await checkPage(browser, aidant);
      await aidant.context().close();

      // « Se déconnecter »: the usager's session and FranceConnect's end.
      if (largeur < 992) await openPhoneMenu(page);
      await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
      await page.getByRole('heading', { name: 'Vous êtes déconnecté' }).waitFor();
      browser.errors.splice(0); // the sandbox's logout page came on the way
      await checkPage(browser);
      await page.goto(`${s.app.url}/espace-usager/actes`);
      await page.getByRole('heading', { name: 'Vous êtes accompagné par un aidant ?' }).waitFor();
    });
  }
});
