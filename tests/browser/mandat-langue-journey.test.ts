// The mandat in the usager's language (issue 22), in Chromium on the whole service (FranceConnect sandbox,
// worker), at desktop and phone width: the aidant creates a mandat choosing Arabic (1280 px) or English (390 px)
// → the French PDF mentions the translation → the printable translation: every translated paragraph read back
// from the page, laid out right to left for Arabic (dir, computed direction, text aligned to the right) with the
// app's own Noto Naskh Arabic font, and printed by Chromium (print media hides the site's frame; the printed
// PDF embeds the script's Noto font; its text read back for English). checkPage (axe, console) on every page of ours.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Download, Page } from 'playwright-core';
import { createAccount, createStructure, loginBrowser, totpCode } from '../../scripts/fixtures/comptes.ts';
import { traductionModele } from '../../db/domain/modeles-mandat/traductions/index.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { checkPage, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { textePdf } from '../helpers/pdf.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';

let s: ServiceStack;
let browser: TestBrowser;
let secret: string;

beforeAll(async () => {
  s = await startServiceStack(null, { franceConnect: true });
  const structureId = await createStructure(s.t.db, { name: 'CCAS de Roubaix' });
  secret = (await createAccount(s.t.db, { email: 'samia.haddad@roubaix.fr', first_name: 'Samia', last_name: 'Haddad', structureId })).totpSecret;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function telecharger(page: Page, lien: RegExp): Promise<Buffer> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: lien }).first().click()]);
  return readFile((await download.path())!);
}

const normaliser = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('mandat dans la langue de l’usager', () => {
  for (const [largeur, langue, identite] of [[1280, 'ar', 'Angela Claire Louise DUBOIS'], [390, 'en', 'Jean Philippe Arnaud DUBIGNOT']] as const) {
    test(`create in ${langue}, print the French PDF and the translation (${largeur} px)`, async () => {
      const tr = traductionModele(MODELE_EN_VIGUEUR.version, langue)!;
      const page = browser.page;
      await page.context().clearCookies();
      await page.setViewportSize({ width: largeur, height: 900 });
      await loginBrowser(page, s.app.url, s.mail.catcher, 'samia.haddad@roubaix.fr', secret);

      await page.goto(`${s.app.url}/mandats/nouveau`);
      await page.getByRole('heading', { name: 'Créer un mandat' }).waitFor();
      await checkPage(browser);
      await page.locator('label[for=demarche-social]').click();
      await page.locator('label[for=demarche-logement]').click();
      await page.locator('label[for=duree-LONG]').click();
      await page.getByLabel('Langue de l’usager (facultatif)').selectOption(langue);
      await page.getByRole('button', { name: 'Continuer', exact: true }).click();
      await page.getByRole('button', { name: `Continuer en tant que ${identite}` }).click();
      browser.errors.splice(0); // the sandbox's own pages are not ours to judge
      await page.getByRole('heading', { name: 'Récapitulatif du mandat' }).waitFor();
      await page.locator('label[for=consentement]').click();
      await page.getByLabel('Code à usage unique').fill(await totpCode(secret));
      await page.getByRole('button', { name: 'Créer le mandat' }).click();
      await page.getByText('Le mandat a été créé.').waitFor();
      await checkPage(browser);

      const mandat = await s.t.db('mandats').orderBy('id', 'desc').first('id', 'langue');
      expect(mandat.langue).toBe(langue);

      // The French PDF, binding, says a translation comes with it.
      const pdf = (await textePdf(await telecharger(page, /^Télécharger le mandat/))).join(' ');
      expect(pdf).toContain(MODELE_EN_VIGUEUR.titre);
      expect(pdf).toContain(`Traduction en ${tr.nomFrancais}`);
      expect(pdf).toContain(`/mandats/${mandat.id}/traduction`);

      await page.getByRole('link', { name: new RegExp(`Imprimer la traduction \\(${tr.nomFrancais}\\)`) }).first().click();
      await page.getByRole('heading', { name: `Traduction du mandat n° ${mandat.id} en ${tr.nomFrancais}` }).waitFor();
      await page.evaluate(() => document.fonts.ready);
      await checkPage(browser);

      const article = page.locator('article.traduction-mandat');
      expect(await article.getAttribute('lang')).toBe(langue);
      expect(await article.getAttribute('dir')).toBe(tr.direction);
      expect(await article.evaluate((e) => getComputedStyle(e).direction)).toBe(tr.direction);
      // Every translated paragraph, read back from the page as laid out.
      const lu = normaliser((await article.innerText()));
      for (const texte of [tr.avertissement, tr.titre, tr.titresDemarches.social, tr.demarches.social, tr.demarches.logement, ...tr.sections.flatMap((x) => [x.titre, ...x.paragraphes])]) {
        expect(lu).toContain(normaliser(texte));
      }
      expect(lu).toContain(identite);
      expect(lu).toContain('seul le texte français du mandat fait foi');

      // Laid out in the reading direction: the title's text hugs the right edge in Arabic, the left in English.
      const bords = await page.evaluate(() => {
        const a = document.querySelector('article.traduction-mandat')!;
        const h2 = a.querySelector('h2')!;
        const r = document.createRange();
        r.selectNodeContents(h2);
        const texte = r.getBoundingClientRect();
        const boite = h2.getBoundingClientRect();
        return { gauche: texte.left - boite.left, droite: boite.right - texte.right };
      });
      if (tr.direction === 'rtl') {
        expect(bords.droite).toBeLessThan(2);
        expect(bords.gauche).toBeGreaterThan(20);
      } else {
        expect(bords.gauche).toBeLessThan(2);
      }
      // The script's own font, served by the app (no outside request: the CSP allows only 'self').
      const famille = langue === 'ar' ? 'Noto Naskh Arabic' : 'Noto Sans';
      const chargee = await page.evaluate((f) => {
        let trouvee = false;
        document.fonts.forEach((x) => { if (x.family.replace(/"/g, '') === f && x.status === 'loaded') trouvee = true; });
        return trouvee;
      }, famille);
      expect(chargee).toBe(true);
      // Usable on a phone: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(largeur);

      // Printed: the site's frame and the screen-only block disappear; Chromium's PDF has the translation.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.fr-header').isVisible()).toBe(false);
      expect(await page.locator('.traduction-ecran').isVisible()).toBe(false);
      expect(await article.isVisible()).toBe(true);
      const octets = await page.pdf({ format: 'A4', printBackground: true });
      await page.emulateMedia({ media: 'screen' });
      // The script's font is embedded in what is printed (a subset, under its PostScript name).
      expect(octets.toString('latin1')).toContain(langue === 'ar' ? 'NotoNaskhArabic' : 'NotoSans');
      const imprime = normaliser((await textePdf(octets)).join(' '));
      expect(imprime).toContain('seul le texte français du mandat fait foi');
      // Text read back from a PDF comes in visual order, glyph by glyph, for right-to-left scripts: only
      // left-to-right paragraphs are compared there (the Arabic ones were read from the page above).
      if (tr.direction === 'ltr') {
        for (const p of tr.sections.flatMap((x) => x.paragraphes)) expect(imprime).toContain(normaliser(p).slice(0, 60));
      }

      // No dead end: back to the usager's page.
      await page.getByRole('link', { name: 'Retour à la page de l’usager' }).click();
      await page.getByRole('heading', { name: 'Mandats actifs' }).waitFor();
      await checkPage(browser);

      // From the usager's page, the language changes (Spanish, then Portuguese): the next print follows.
      const autre = langue === 'ar' ? traductionModele(MODELE_EN_VIGUEUR.version, 'es')! : traductionModele(MODELE_EN_VIGUEUR.version, 'pt')!;
      await page.getByRole('link', { name: /Changer la langue de l’usager/ }).first().click();
      await page.getByRole('heading', { name: 'Langue de l’usager' }).waitFor();
      await checkPage(browser);
      await page.locator(`label[for=langue-${autre.langue}]`).click();
      await page.getByRole('button', { name: 'Enregistrer la langue' }).click();
      await page.getByText(`sa traduction en ${autre.nomFrancais} s’imprime`).waitFor();
      await checkPage(browser);
      expect((await s.t.db('mandats').where({ id: mandat.id }).first('langue')).langue).toBe(autre.langue);
      await page.getByRole('link', { name: new RegExp(`Imprimer la traduction \\(${autre.nomFrancais}\\)`) }).first().click();
      await page.getByRole('heading', { name: `Traduction du mandat n° ${mandat.id} en ${autre.nomFrancais}` }).waitFor();
      expect(normaliser(await page.locator('article.traduction-mandat').innerText())).toContain(normaliser(autre.sections[0].paragraphes[0]));
      await checkPage(browser);
    });
  }
});
