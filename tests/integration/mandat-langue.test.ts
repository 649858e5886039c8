// The mandat in the usager's language (issue 22) over HTTP against real PostgreSQL: the language page (choose,
// change, remove; a forged code refused with a message and nothing written), the printable translation (every
// paragraph of the translation, lang and dir, the usager's name isolated), its mention in the PDF, the links on
// the usager's page, the refusals (another structure: 404), and the French mandat only for a code with no
// translation (unknown code, older template), never a 500. The fonts it needs are served by the app.
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Db } from '../../db/connection.ts';
import { MODELE_2026_03 } from '../../db/domain/modeles-mandat/2026-03.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { traductionModele, type TraductionModele } from '../../db/domain/modeles-mandat/traductions/index.ts';
import { MESSAGE_LANGUE_INCONNUE } from '../../api/mandats/langue.ts';
import { brouillonApresConsentement } from '../../api/mandats/brouillon.ts';
import { etatDemande } from '../../api/consentement/demandes.ts';
import { insererDemande } from '../../db/queries/consentement.ts';
import { escapeHtml } from '../../web/ui/html.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { textePdf } from '../helpers/pdf.ts';
import { sessionAidant, startPreuveApp, type RunningApp } from '../helpers/preuve-app.ts';
import { aidantPreuve, ANGELA, ilYA, mandatPreuve, structurePreuve, usagerPreuve } from '../helpers/preuve-fixtures.ts';

const PUBLIC = 'https://aidants.test';
let t: TestDb;
let db: Db;
let app: RunningApp;
let lille: number;
let nora: number;
let usagerId: number;
type Client = Awaited<ReturnType<typeof sessionAidant>>;
let aidant: Client;
let autre: Client;

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  app = await startPreuveApp({ db, publicUrl: PUBLIC });
  lille = await structurePreuve(db, { name: 'France Services de Lille', address: '12 rue Nationale', postal_code: '59000', city: 'Lille' });
  const brest = await structurePreuve(db, { name: 'CCAS de Brest', city: 'Brest', postal_code: '29200' });
  nora = await aidantPreuve(db, lille, { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit' });
  aidant = await sessionAidant(db, app.url, nora);
  const yann = await aidantPreuve(db, brest, { email: 'yann.le-goff@brest.fr', first_name: 'Yann', last_name: 'Le Goff' });
  autre = await sessionAidant(db, app.url, yann);
  usagerId = await usagerPreuve(db, ANGELA);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function mandat(langue: string | null, opts: { modele?: typeof MODELE_2026_03; creeLe?: Date } = {}): Promise<number> {
  const { mandatId } = await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['papiers', 'argent'], duree: 'SEMESTER', ...opts });
  await db('mandats').where({ id: mandatId }).update({ langue });
  return mandatId;
}

async function textePdfDe(client: Client, mandatId: number): Promise<string> {
  const res = await client.get(`/mandats/${mandatId}/mandat.pdf`);
  expect(res.status).toBe(200);
  return (await textePdf(Buffer.from(await res.arrayBuffer()))).join(' ');
}

/** A form posted as the browser does: the CSRF token read from the page, the session's cookie. */
async function poster(client: Client, page: string, action: string, champs: Record<string, string>): Promise<Response> {
  const html = await (await client.get(page)).text();
  const csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  expect(csrf).toBeDefined();
  return fetch(app.url + action, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: client.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf!, ...champs }).toString(),
  });
}

const langueEnBase = async (mandatId: number) => (await db('mandats').where({ id: mandatId }).first('langue')).langue;

/** Every text of the translation as the page writes it (HTML-escaped; placeholders left out). */
function morceaux(tr: TraductionModele): string[] {
  const textes = [tr.avertissement, tr.titre, tr.signatureUsager, tr.signatureAidant, tr.titresDemarches.papiers, tr.demarches.papiers, tr.demarches.argent,
    ...tr.sections.flatMap((s) => [s.titre, ...s.paragraphes])];
  const avecMarqueurs = [tr.objet, tr.faitA, tr.phraseDuree, tr.durees.SEMESTER, tr.libelles.priseEffet].flatMap((s) => s.split(/\{[a-z]+\}/));
  return [...textes, ...avecMarqueurs].map((s) => s.trim()).filter((s) => s.length > 2).map(escapeHtml);
}

describe('la traduction imprimable', () => {
  test.each(['ar', 'en', 'es', 'pt', 'ru'])('%s: every paragraph of the translation, after a French header saying the French text prevails', async (langue) => {
    const id = await mandat(langue);
    const tr = traductionModele(MODELE_EN_VIGUEUR.version, langue)!;
    const res = await aidant.get(`/mandats/${id}/traduction`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(page).toContain(`<article class="traduction-mandat" lang="${langue}" dir="${tr.direction}"`);
    expect(page).toContain(`Traduction en ${tr.nomFrancais}, pour information : seul le texte français du mandat fait foi.`);
    expect(page).toContain(`Annexe au mandat n° ${id}`);
    for (const m of morceaux(tr)) expect(page).toContain(m);
    // The usager's and the structure's names keep their own direction inside the translated text.
    expect(page).toContain('<bdi>Angela Claire Louise DUBOIS</bdi>');
    expect(page).toContain('<bdi>France Services de Lille</bdi>');
    // Only the mandat's démarches.
    expect(page).not.toContain(escapeHtml(tr.demarches.logement));
    // The fonts and print style, from the app itself.
    expect(page).toContain('<link rel="stylesheet" href="/polices/noto-naskh-arabic/400.css">');
    expect(page).toContain('<link rel="stylesheet" href="/ressources/traduction-mandat.css">');
  });

  test('Arabic is laid out right to left, with dates in its own words', async () => {
    const id = await mandat('ar');
    const page = await (await aidant.get(`/mandats/${id}/traduction`)).text();
    expect(page).toContain('dir="rtl"');
    const m = await db('mandats').where({ id }).first('expires_at');
    const fin = new Intl.DateTimeFormat('ar-u-nu-latn', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(m.expires_at);
    expect(page).toContain(`لمدة 182 يومًا، حتى ${fin}`);
  });

  test('the PDF stays French and says a translation comes with it', async () => {
    const id = await mandat('ar');
    const texte = await textePdfDe(aidant, id);
    expect(texte).toContain(MODELE_EN_VIGUEUR.titre);
    expect(texte).toContain('Traduction en arabe');
    expect(texte).toContain('seul le présent texte en français fait foi');
    expect(texte).toContain(`${PUBLIC}/mandats/${id}/traduction`);
    // Once per copy.
    expect(texte.split('Traduction en arabe').length - 1).toBe(2);
  });

  test('the usager’s page offers the translation to print and the language page', async () => {
    const id = await mandat('en');
    const sans = await mandat(null);
    const page = await (await aidant.get(`/usagers/${usagerId}`)).text();
    expect(page).toContain(`href="/mandats/${id}/traduction">Imprimer la traduction (anglais)`);
    expect(page).toContain(`href="/mandats/${id}/langue">Changer la langue de l’usager`);
    expect(page).not.toContain(`href="/mandats/${sans}/traduction"`);
    expect(page).toContain(`href="/mandats/${sans}/langue">Choisir la langue de l’usager`);
  });
});

describe('choisir la langue', () => {
  test('choose, change, then remove the language; the page lists the translations of the mandat’s template', async () => {
    const id = await mandat(null);
    const page = await (await aidant.get(`/mandats/${id}/langue`)).text();
    expect(page).toContain('<h1>Langue de l’usager</h1>');
    for (const l of ['ar', 'en', 'es', 'pt', 'ru']) expect(page).toContain(`id="langue-${l}" name="langue" value="${l}"`);
    expect(page).toContain('<span>arabe (<bdi lang="ar" dir="rtl">العربية</bdi>)</span>');
    expect(page).toMatch(/id="langue-aucune" name="langue" value="" checked/);

    let res = await poster(aidant, `/mandats/${id}/langue`, `/mandats/${id}/langue`, { langue: 'ar' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/usagers/${usagerId}#mandat-${id}`);
    expect(await langueEnBase(id)).toBe('ar');
    const suite = await (await aidant.get(`/usagers/${usagerId}`)).text();
    expect(suite).toContain('Mandat n° ' + id + ' : sa traduction en arabe s’imprime avec « Imprimer la traduction ».');

    res = await poster(aidant, `/mandats/${id}/langue`, `/mandats/${id}/langue`, { langue: 'es' });
    expect(res.status).toBe(303);
    expect(await langueEnBase(id)).toBe('es');
    expect(await (await aidant.get(`/mandats/${id}/langue`)).text()).toMatch(/id="langue-es" name="langue" value="es" checked/);

    res = await poster(aidant, `/mandats/${id}/langue`, `/mandats/${id}/langue`, { langue: '' });
    expect(res.status).toBe(303);
    expect(await langueEnBase(id)).toBeNull();
    expect((await aidant.get(`/mandats/${id}/traduction`)).status).toBe(404);
  });

  test('a forged language code: refused with a message, nothing written', async () => {
    const id = await mandat('en');
    for (const langue of ['xx', 'fr', '__proto__', 'ar" onmouseover="x', 'e'.repeat(500)]) {
      const res = await poster(aidant, `/mandats/${id}/langue`, `/mandats/${id}/langue`, { langue });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(escapeHtml(MESSAGE_LANGUE_INCONNUE));
      expect(await langueEnBase(id)).toBe('en');
    }
  });

  test('the creation form refuses a forged language code with a message', async () => {
    const res = await poster(aidant, '/mandats/nouveau', '/mandats/nouveau', { demarches: 'papiers', duree: 'LONG', modalite: 'presence', langue: 'xx' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(escapeHtml(MESSAGE_LANGUE_INCONNUE));
    expect(page).toContain('href="#champ-langue"');
    // The form offers the languages of the template in force (the forged one is not selected), French only by default.
    expect(page).toContain('<option value="">Français seulement</option>');
    expect(page).not.toContain('value="xx"');
    expect(await (await aidant.get('/mandats/nouveau')).text()).toContain('<option value="" selected>Français seulement</option>');
    expect(page).toContain('<option value="ar">arabe (العربية)</option>');
  });
});

describe('mandat à distance', () => {
  test('the consent request keeps the language until the mandat is created from it', async () => {
    const id = randomUUID();
    await db.transaction((trx) => insererDemande(trx, { id, aidantId: nora, structureId: lille, telephone: '+33611223344', demarches: ['papiers'], duree: 'LONG', codeReponse: '4821', langue: 'ar' }));
    const demande = (await etatDemande(db, lille, id))!;
    expect(demande.langue).toBe('ar');
    const req = { session: {} } as unknown as Request;
    expect(brouillonApresConsentement(req, nora, demande).langue).toBe('ar');
    await expect(db.transaction((trx) => insererDemande(trx, { id: randomUUID(), aidantId: nora, structureId: lille, telephone: '+33611223344', demarches: ['papiers'], duree: 'LONG', codeReponse: '4822', langue: 'x y' })))
      .rejects.toThrow(/consent_requests_langue_format/);
  });
});

describe('une autre structure, un code sans traduction', () => {
  test('another structure’s mandat: its translation and language page do not exist (404), and nothing is written', async () => {
    const id = await mandat('ar');
    expect((await autre.get(`/mandats/${id}/traduction`)).status).toBe(404);
    expect((await autre.get(`/mandats/${id}/langue`)).status).toBe(404);
    // The other aidant posts with a valid token of their own session.
    const res = await poster(autre, '/mandats/nouveau', `/mandats/${id}/langue`, { langue: 'en' });
    expect(res.status).toBe(404);
    expect(await langueEnBase(id)).toBe('ar');
    expect((await autre.get('/mandats/999999/traduction')).status).toBe(404);
    expect((await autre.get('/mandats/abc/traduction')).status).toBe(404);
  });

  test('anonymous: no translation', async () => {
    const id = await mandat('ar');
    const res = await fetch(`${app.url}/mandats/${id}/traduction`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect([302, 303]).toContain(res.status);
    expect(res.headers.get('location')).toMatch(/^\/connexion/);
  });

  test('an unknown language code stored: the French mandat only, no 500', async () => {
    const id = await mandat('xx');
    const texte = await textePdfDe(aidant, id);
    expect(texte).toContain(MODELE_EN_VIGUEUR.titre);
    expect(texte).not.toContain('Traduction en');
    expect((await aidant.get(`/mandats/${id}/traduction`)).status).toBe(404);
    const page = await (await aidant.get(`/mandats/${id}/langue`)).text();
    expect(page).toMatch(/id="langue-aucune" name="langue" value="" checked/);
    const usager = await aidant.get(`/usagers/${usagerId}`);
    expect(usager.status).toBe(200);
    expect(await usager.text()).not.toContain(`href="/mandats/${id}/traduction"`);
  });

  test('a language without a translation of the mandat’s older template: French only, and not offered', async () => {
    const id = await mandat('ar', { modele: MODELE_2026_03, creeLe: ilYA(100) });
    const texte = await textePdfDe(aidant, id);
    expect(texte).toContain(MODELE_2026_03.titre);
    expect(texte).not.toContain('Traduction en');
    expect((await aidant.get(`/mandats/${id}/traduction`)).status).toBe(404);
    const page = await (await aidant.get(`/mandats/${id}/langue`)).text();
    expect(page).toContain('Aucune traduction n’existe pour le modèle de ce mandat');
    const res = await poster(aidant, `/mandats/${id}/langue`, `/mandats/${id}/langue`, { langue: 'en' });
    expect(res.status).toBe(400);
    expect(await langueEnBase(id)).toBe('ar');
  });

  test('the database refuses a malformed code', async () => {
    const id = await mandat(null);
    await expect(db('mandats').where({ id }).update({ langue: 'ar; x' })).rejects.toThrow(/mandats_langue_format/);
  });
});

describe('polices servies par l’application', () => {
  test('the Noto style sheets and a font file, cacheable; the print style sheet', async () => {
    const css = await fetch(`${app.url}/polices/noto-naskh-arabic/400.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const texte = await css.text();
    const fichier = texte.match(/url\(\.\/(files\/noto-naskh-arabic-arabic-400-normal\.woff2)\)/)?.[1];
    expect(fichier).toBeDefined();
    const police = await fetch(`${app.url}/polices/noto-naskh-arabic/${fichier}`);
    expect(police.status).toBe(200);
    expect(police.headers.get('cache-control')).toContain('immutable');
    expect((await police.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    for (const p of ['noto-sans', 'noto-sans-tamil', 'noto-sans-sc']) expect((await fetch(`${app.url}/polices/${p}/700.css`)).status).toBe(200);
    const style = await fetch(`${app.url}/ressources/traduction-mandat.css`);
    expect(style.status).toBe(200);
    expect(await style.text()).toContain('@media print');
    expect((await fetch(`${app.url}/polices/autre-paquet/400.css`)).status).toBe(404);
  });
});
