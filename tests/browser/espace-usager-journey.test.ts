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

describe('autres pages de l’espace usager, et leur suivi', () => {
  for (const largeur of [1280, 390] as const) {
    test(`report form, my data, no-mandat and cancelled logins, follow-up by référent and staff (${largeur} px)`, async () => {
      const u = await usagerAvecMandat(largeur === 1280 ? 'carac_speciaux' : 'naissance_Espagne');
      const page = browser.page;
      await page.context().clearCookies();
      await page.setViewportSize({ width: largeur, height: 900 });

      // A person with no mandat: a kind page after FranceConnect's logout.
      await page.goto(`${s.app.url}/espace-usager`);
      await page.getByRole('button', { name: /S’identifier avec\s+FranceConnect/ }).click();
      await page.getByRole('button', { name: 'Continuer en tant que Jean TARGE' }).click();
      await page.getByRole('heading', { name: 'Aucun mandat à votre nom' }).waitFor();
      browser.errors.splice(0);
      await checkPage(browser);

      // A login cancelled at FranceConnect.
      await page.getByRole('link', { name: 'Se connecter avec un autre compte' }).click();
      await page.getByRole('button', { name: /S’identifier avec\s+FranceConnect/ }).click();
      await page.getByRole('button', { name: /Annuler/ }).first().click();
      await page.getByRole('heading', { name: 'Connexion impossible' }).waitFor();
      browser.errors.splice(0);
      await checkPage(browser);

      await page.getByRole('link', { name: 'Recommencer la connexion' }).click();
      await page.getByRole('button', { name: /S’identifier avec\s+FranceConnect/ }).click();
      await page.getByRole('button', { name: `Continuer en tant que ${u.nom}` }).click();
      await page.getByRole('heading', { name: 'Mes mandats', level: 1 }).waitFor();
      browser.errors.splice(0);

      await page.goto(`${s.app.url}/espace-usager/actes`);
      await page.getByRole('link', { name: /Je ne reconnais pas cette action/ }).first().click();
      await page.getByRole('heading', { name: 'Je ne reconnais pas cette action' }).waitFor();
      await checkPage(browser);
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      await page.getByText('Le formulaire contient une erreur').waitFor();
      await checkPage(browser);
      await page.locator('label[for=motif-pas_demande]').click();
      await page.getByLabel(/Précisez si vous le souhaitez/).fill(`Je n’ai pas fait cette déclaration (${largeur}).`);
      await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
      await page.getByText('Votre signalement est envoyé').waitFor();
      await checkPage(browser);

      await page.goto(`${s.app.url}/espace-usager/mes-donnees`);
      await page.getByRole('heading', { name: 'Mes données', level: 1 }).waitFor();
      await checkPage(browser);

      // The référent and the staff follow it up.
      const referent = await createAccount(s.t.db, { email: `ref-${largeur}@roubaix.fr`, first_name: 'Inès', last_name: 'Garnier', structureId, referent: true, can_create_mandats: false });
      const equipe = await createAccount(s.t.db, { email: `equipe-${largeur}@anct.gouv.fr`, first_name: 'Camille', last_name: 'Bernard', is_staff: true });
      for (const [email, secretCompte, chemin] of [[`ref-${largeur}@roubaix.fr`, referent.totpSecret, '/espace-referent/signalements'], [`equipe-${largeur}@anct.gouv.fr`, equipe.totpSecret, '/staff/signalements']] as const) {
        const p = await browser.newPerson();
        await p.setViewportSize({ width: largeur, height: 900 });
        await loginBrowser(p, s.app.url, s.mail.catcher, email, secretCompte);
        await p.goto(`${s.app.url}${chemin}`);
        await p.getByRole('heading', { name: 'Signalements des usagers' }).waitFor();
        expect(await p.locator('main').textContent()).toContain(`Je n’ai pas fait cette déclaration (${largeur}).`);
        await checkPage(browser, p);
        const carte = p.locator('.fr-card').filter({ hasText: `Je n’ai pas fait cette déclaration (${largeur}).` });
        await carte.getByLabel('État du signalement').selectOption(chemin.startsWith('/staff') ? 'clos' : 'en_cours');
        await carte.getByLabel(/Commentaire/).fill('Vérifié avec l’aidant.');
        await carte.getByRole('button', { name: /Enregistrer le suivi/ }).click();
        await p.getByText(/Le suivi du signalement n° \d+ est enregistré/).waitFor();
        await checkPage(browser, p);
        await p.context().close();
      }
    });
  }
});
