// The printed proof over HTTP against real PostgreSQL: the mandat and revocation attestation PDFs (their
// text, their QR code), reprints with the template signed, the refusals (anonymous, another structure), and
// the public verification page for every case: valid, expired, revoked, purged, tampered data, unknown
// code; its journal rows and its rate limit.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Db } from '../../db/connection.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import { dateLongue, phraseDuree } from '../../db/domain/mandat.ts';
import { MODELE_2026_03 } from '../../db/domain/modeles-mandat/2026-03.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { formaterCode, LIMITE_VERIFICATIONS } from '../../db/domain/preuve-mandat.ts';
import { marquerPreuvePurgee } from '../../db/queries/preuves.ts';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { qrDuPdf, textePdf } from '../helpers/pdf.ts';
import { sessionAidant, startPreuveApp, type RunningApp } from '../helpers/preuve-app.ts';
import {
  aidantPreuve, ANGELA, expirerPreuve, ilYA, mandatPreuve, purgerPreuve, revoquerPreuve, structurePreuve, usagerPreuve,
} from '../helpers/preuve-fixtures.ts';

const PUBLIC = 'https://aidants.test';
let t: TestDb;
let db: Db;
let app: RunningApp;
let lille: number;
let brest: number;
let nora: number;
type Client = Awaited<ReturnType<typeof sessionAidant>>;
let aidant: Client;
let autre: Client;

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  app = await startPreuveApp({ db, publicUrl: PUBLIC });
  lille = await structurePreuve(db, { name: 'France Services de Lille', address: '12 rue Nationale', postal_code: '59000', city: 'Lille' });
  brest = await structurePreuve(db, { name: 'CCAS de Brest', city: 'Brest', postal_code: '29200' });
  nora = await aidantPreuve(db, lille, { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit' });
  aidant = await sessionAidant(db, app.url, nora);
  const yann = await aidantPreuve(db, brest, { email: 'yann.le-goff@brest.fr', first_name: 'Yann', last_name: 'Le Goff' });
  autre = await sessionAidant(db, app.url, yann);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function pdf(client: Client, chemin: string): Promise<Buffer> {
  const res = await client.get(chemin);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  expect(res.headers.get('cache-control')).toBe('no-store');
  return Buffer.from(await res.arrayBuffer());
}

/** Each check from its own address unless told: the rate limit is tested on its own. */
let adresse = 0;
async function verifier(code: string, ip = `198.51.100.${++adresse % 250}`): Promise<{ status: number; page: string; res: Response }> {
  const res = await fetch(`${app.url}/verifier/${code}`, { redirect: 'manual', headers: { 'x-forwarded-for': ip, accept: 'text/html' } });
  return { status: res.status, page: await res.text(), res };
}

const resultat = (page: string) => page.match(/<h2 class="fr-alert__title">([^<]+)<\/h2>/)?.[1];

describe('le mandat imprimé', () => {
  let mandat: { mandatId: number; code: string };
  let texte: string[];
  let octets: Buffer;

  beforeAll(async () => {
    const usagerId = await usagerPreuve(db, { ...ANGELA, preferred_username: 'MARTIN' });
    mandat = await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['papiers', 'argent', 'social'], duree: 'LONG' });
    await db('usager_contacts').insert({ usager_id: usagerId, structure_id: lille, phone: '+33611223344' });
    octets = await pdf(aidant, `/mandats/${mandat.mandatId}/mandat.pdf`);
    texte = await textePdf(octets);
  });

  test('two copies, each with the parties, the démarches, the dates, the legal text and the code', async () => {
    const m = await db('mandats').where({ id: mandat.mandatId }).first();
    expect(m.template_version).toBe(MODELE_EN_VIGUEUR.version);
    const tout = texte.join(' ');
    const copies = [texte.findIndex((p) => p.includes('EXEMPLAIRE DE L’USAGER')), texte.findIndex((p) => p.includes('EXEMPLAIRE DE LA STRUCTURE'))];
    expect(copies[0]).toBe(0);
    expect(copies[1]).toBeGreaterThan(0);
    for (const copie of [texte.slice(0, copies[1]).join(' '), texte.slice(copies[1]).join(' ')]) {
      // The parties.
      for (const attendu of ['DUBOIS', 'MARTIN', 'Angela Claire Louise', '24/08/1962', 'Lieu de naissance : Paris 7e Arrondissement (75)', 'angela.dubois@example.fr', 'Mobile : 06 11 22 33 44',
        'France Services de Lille', '12 rue Nationale, 59000 Lille', 'Nora Petit']) {
        expect(copie).toContain(attendu);
      }
      // Each démarche with its title and what it covers, in the template's words.
      for (const d of ['papiers', 'argent', 'social'] as const) {
        expect(copie).toContain(DEMARCHES[d].titre);
        expect(copie).toContain(MODELE_EN_VIGUEUR.demarches[d].slice(0, 40));
      }
      expect(copie).not.toContain(DEMARCHES.logement.titre);
      // Duration, expiry, place and date, signatures.
      expect(copie).toContain(`Le présent mandat est conclu ${phraseDuree('LONG', m.expires_at)}.`);
      expect(copie).toContain(`expire le ${dateLongue(m.expires_at)}`);
      expect(copie).toContain(`Fait à Lille, le ${dateLongue(m.created_at)}`);
      expect(copie).toContain('Signature de l’usager (mandant)');
      expect(copie).toContain('Signature de l’aidant, pour la structure (mandataire)');
      // The legal text.
      for (const mention of ['articles 1984 et suivants du Code civil', 'révoquer ce mandat à tout moment', 'tutelle, curatelle ou sauvegarde de justice',
        'Données personnelles', 'Engagements de l’aidant', 'Fin du mandat']) {
        expect(copie).toContain(mention);
      }
      expect(copie).toContain(`Code de vérification ${formaterCode(mandat.code)}`);
    }
    // Every page carries the code and its copy's page number.
    for (const page of texte) expect(page).toContain(formaterCode(mandat.code));
    expect(tout).toContain(`Mandat n° ${mandat.mandatId} · modèle ${MODELE_EN_VIGUEUR.version} · Exemplaire de l’usager · page 1/`);
  });

  test('the QR code of every page reads as the verification address', async () => {
    for (let page = 1; page <= texte.length; page++) {
      expect(await qrDuPdf(octets, page)).toBe(`${PUBLIC}/verifier/${formaterCode(mandat.code)}`);
    }
  });

  test('a reprint gives the same document (same code, same text)', async () => {
    expect(await textePdf(await pdf(aidant, `/mandats/${mandat.mandatId}/mandat.pdf`))).toEqual(texte);
  });

  test('a name outside Windows-1252 is printed as is', async () => {
    const usagerId = await usagerPreuve(db, { ...ANGELA, given_name: 'Łucja Őrsike', family_name: 'ȘTEFĂNESCU', email: 'lucja@example.fr' });
    const m = await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['famille'] });
    const tout = (await textePdf(await pdf(aidant, `/mandats/${m.mandatId}/mandat.pdf`))).join(' ');
    expect(tout).toContain('ȘTEFĂNESCU');
    expect(tout).toContain('Łucja Őrsike');
  });

  test('reprinted after a newer template: the text the usager signed, and it still verifies', async () => {
    expect(MODELE_2026_03.version).not.toBe(MODELE_EN_VIGUEUR.version);
    const usagerId = await usagerPreuve(db, { ...ANGELA, given_name: 'Pierre Paul', family_name: 'LEROY', email: 'pp@example.fr' });
    // Created when 2026-03 was the template in force.
    const ancien = await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['logement'], modele: MODELE_2026_03, creeLe: ilYA(200) });
    const tout = (await textePdf(await pdf(aidant, `/mandats/${ancien.mandatId}/mandat.pdf`))).join(' ');
    expect(tout).toContain(MODELE_2026_03.titre);
    expect(tout).toContain('conformément à l’article 1984 du Code civil');
    expect(tout).toContain(MODELE_2026_03.demarches.logement);
    expect(tout).toContain('modèle 2026-03');
    expect(tout).not.toContain('Vérification du mandat');
    expect(tout).not.toContain(MODELE_EN_VIGUEUR.titre);
    expect(resultat((await verifier(formaterCode(ancien.code))).page)).toBe('Mandat valide');
  });
});

describe('accès aux documents', () => {
  let mandatId: number;
  let revoque: number;

  beforeAll(async () => {
    const usagerId = await usagerPreuve(db, { ...ANGELA, email: 'acces@example.fr' });
    mandatId = (await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['papiers'] })).mandatId;
    revoque = (await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['travail'] })).mandatId;
    await revoquerPreuve(db, revoque);
  });

  test('an aidant of another structure: 404, as for a mandat that does not exist', async () => {
    for (const chemin of [`/mandats/${mandatId}/mandat.pdf`, `/mandats/${revoque}/attestation-revocation.pdf`]) {
      const res = await autre.get(chemin);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
    for (const chemin of ['/mandats/999999/mandat.pdf', '/mandats/abc/mandat.pdf', '/mandats/0/mandat.pdf', '/mandats/99999999999/attestation-revocation.pdf']) {
      expect((await aidant.get(chemin)).status).toBe(404);
    }
  });

  test('a stranger (or a mail scanner following a link) is sent to the login page', async () => {
    const res = await fetch(`${app.url}/mandats/${mandatId}/mandat.pdf`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/connexion?suivant=${encodeURIComponent(`/mandats/${mandatId}/mandat.pdf`)}`);
  });

  test('no revocation attestation for a mandat with nothing revoked', async () => {
    expect((await aidant.get(`/mandats/${mandatId}/attestation-revocation.pdf`)).status).toBe(404);
  });
});

describe('l’attestation de révocation', () => {
  test('usager, structure, démarches revoked with their dates, creation and revocation dates, signatures; its QR verifies', async () => {
    const usagerId = await usagerPreuve(db, { ...ANGELA, given_name: 'Fatou', family_name: 'DIALLO', birthdate: '1985-00-00', birthplace: '', birthcountry: '99341', email: 'fatou@example.fr' });
    const m = await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches: ['travail', 'etranger', 'logement'], creeLe: ilYA(30) });
    const partielle = ilYA(3);
    await revoquerPreuve(db, m.mandatId, partielle, ['logement']);
    let texte = (await textePdf(await pdf(aidant, `/mandats/${m.mandatId}/attestation-revocation.pdf`))).join(' ');
    expect(texte).toContain('Démarches révoquées');
    expect(texte).toContain(DEMARCHES.logement.titre);
    expect(texte).toContain('Démarches toujours couvertes par le mandat');

    const totale = ilYA(1);
    await revoquerPreuve(db, m.mandatId, totale);
    const octets = await pdf(aidant, `/mandats/${m.mandatId}/attestation-revocation.pdf`);
    const pages = await textePdf(octets);
    texte = pages.join(' ');
    expect(pages.some((p) => p.includes('EXEMPLAIRE DE L’USAGER'))).toBe(true);
    expect(pages.some((p) => p.includes('EXEMPLAIRE DE LA STRUCTURE'))).toBe(true);
    for (const attendu of ['Attestation de révocation de mandat', 'DIALLO', 'Fatou', '1985 (jour et mois inconnus)', 'France Services de Lille', '12 rue Nationale, 59000 Lille',
      DEMARCHES.travail.titre, DEMARCHES.etranger.titre, DEMARCHES.logement.titre,
      `conclu avec Fatou DIALLO le ${dateLongue(ilYA(30))}`, `a été révoqué le ${dateLongue(totale)}`, `Fait à Lille, le ${dateLongue(totale)}`,
      'Signature de l’usager', 'Signature de l’aidant, pour la structure', formaterCode(m.code)]) {
      expect(texte).toContain(attendu);
    }
    expect(texte).not.toContain('Démarches toujours couvertes');
    const url = await qrDuPdf(octets);
    expect(url).toBe(`${PUBLIC}/verifier/${formaterCode(m.code)}`);
    expect(resultat((await verifier(url!.slice(`${PUBLIC}/verifier/`.length))).page)).toBe('Mandat révoqué');
  });
});

describe('la page publique de vérification', () => {
  let usagerId: number;
  const nouveau = async (demarches: Parameters<typeof mandatPreuve>[1]['demarches'], extra: Partial<Parameters<typeof mandatPreuve>[1]> = {}) =>
    mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId, demarches, ...extra });

  beforeAll(async () => {
    usagerId = await usagerPreuve(db, { ...ANGELA, email: 'verif@example.fr' });
  });

  test('valid: since when, until when, démarches, structure, and the usager’s initials only', async () => {
    const m = await nouveau(['papiers', 'social'], { duree: 'SEMESTER' });
    const { status, page, res } = await verifier(formaterCode(m.code));
    expect(status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(res.headers.get('set-cookie')).toBeNull(); // no session for a stranger
    expect(resultat(page)).toBe('Mandat valide');
    const mandat = await db('mandats').where({ id: m.mandatId }).first();
    expect(page).toContain(`jusqu’au ${dateLongue(mandat.expires_at)}`);
    expect(page).toContain(`<dd>${dateLongue(mandat.created_at)}</dd>`);
    expect(page).toContain('<dd>A. D.</dd>');
    expect(page).toContain('France Services de Lille');
    expect(page).toContain(DEMARCHES.papiers.titre);
    expect(page).toContain(DEMARCHES.social.titre);
    for (const personnel of ['DUBOIS', 'Angela', '1962', '24/08', 'verif@example.fr']) expect(page).not.toContain(personnel);
  });

  test('a partly revoked mandat stays valid, the revoked démarche says since when', async () => {
    const m = await nouveau(['famille', 'transports']);
    await revoquerPreuve(db, m.mandatId, ilYA(2), ['transports']);
    const { page } = await verifier(formaterCode(m.code));
    expect(resultat(page)).toBe('Mandat valide');
    expect(page).toContain(`${DEMARCHES.transports.titre} — <strong>révoquée le ${dateLongue(ilYA(2))}</strong>`);
  });

  test('revoked: since the revocation', async () => {
    const m = await nouveau(['justice']);
    await revoquerPreuve(db, m.mandatId, ilYA(4));
    const { status, page } = await verifier(formaterCode(m.code));
    expect(status).toBe(200);
    expect(resultat(page)).toBe('Mandat révoqué');
    expect(page).toContain(`révoqué le ${dateLongue(ilYA(4))}`);
  });

  test('expired: since the expiry, even before the workflow writes it', async () => {
    const m = await nouveau(['loisirs'], { duree: 'MONTH', creeLe: ilYA(40) });
    const expiration = (await db('mandats').where({ id: m.mandatId }).first()).expires_at;
    let { page } = await verifier(formaterCode(m.code));
    expect(resultat(page)).toBe('Mandat expiré');
    await expirerPreuve(db, m.mandatId);
    ({ page } = await verifier(formaterCode(m.code)));
    expect(resultat(page)).toBe('Mandat expiré');
    expect(page).toContain(`a expiré le ${dateLongue(expiration)}`);
  });

  test('purged 6 years after its end: ended and deleted as the CGU require, not unknown', async () => {
    const seul = await usagerPreuve(db, { ...ANGELA, given_name: 'Odette', email: 'odette@example.fr' });
    const m = await mandatPreuve(db, { structureId: lille, aidantId: nora, usagerId: seul, demarches: ['social'], duree: 'SEMESTER', creeLe: ilYA(7 * 365) });
    await expirerPreuve(db, m.mandatId);
    const fin = (await db('mandats').where({ id: m.mandatId }).first()).ended_at;
    const journalAvant = await db('journal').where({ mandat_id: m.mandatId }).orderBy('id');
    await purgerPreuve(db, m.mandatId);
    expect(await db('usagers').where({ id: seul }).first()).toBeUndefined();
    // The journal keeps its rows untouched; the tombstone holds no personal data.
    expect((await db('journal').where({ mandat_id: m.mandatId }).orderBy('id')).slice(0, journalAvant.length)).toEqual(journalAvant);
    const tombe = await db('preuves_mandat').where({ mandat_id: m.mandatId }).first();
    expect(Object.keys(tombe).sort()).toEqual(['code', 'created_at', 'ended_at', 'mandat_id', 'purged_at']);
    expect(tombe.ended_at).toEqual(fin);

    const { status, page } = await verifier(formaterCode(m.code));
    expect(status).toBe(200);
    expect(resultat(page)).toBe('Mandat terminé, données supprimées');
    expect(page).toContain(`a pris fin le ${dateLongue(fin)}`);
    expect(page).toContain('conditions générales d’utilisation');
    expect(page).not.toContain('Aucun mandat');
  });

  test('the purge tombstone is written once', async () => {
    const m = await nouveau(['papiers']);
    await revoquerPreuve(db, m.mandatId, ilYA(1));
    await db.transaction((trx) => marquerPreuvePurgee(trx, m.mandatId, ilYA(0.5)));
    const premier = await db('preuves_mandat').where({ mandat_id: m.mandatId }).first();
    await db.transaction((trx) => marquerPreuvePurgee(trx, m.mandatId, new Date()));
    expect(await db('preuves_mandat').where({ mandat_id: m.mandatId }).first()).toEqual(premier);
  });

  test('tampered data (dates, démarches, structure, usager, template): « document non reconnu », never valid', async () => {
    const alterations: [string, (mandatId: number) => Promise<unknown>][] = [
      ['expiry pushed back', (id) => db('mandats').where({ id }).update({ expires_at: db.raw("expires_at + interval '1 year'") })],
      ['démarche swapped', (id) => db('autorisations').where({ mandat_id: id }).update({ demarche: 'argent' })],
      ['démarche added', (id) => db('autorisations').insert({ mandat_id: id, demarche: 'justice' })],
      ['structure changed', (id) => db('mandats').where({ id }).update({ structure_id: brest })],
      ['aidant changed', (id) => db('mandats').where({ id }).update({ aidant_id: null })],
      ['usager changed', async (id) => db('mandats').where({ id }).update({ usager_id: await usagerPreuve(db, { ...ANGELA, email: 'x@example.fr' }) })],
      ['template changed', (id) => db('mandats').where({ id }).update({ template_version: MODELE_2026_03.version })],
      ['unknown template', (id) => db('mandats').where({ id }).update({ template_version: '1999-01' })],
    ];
    for (const [nom, alterer] of alterations) {
      const m = await nouveau(['papiers']);
      expect(resultat((await verifier(formaterCode(m.code))).page)).toBe('Mandat valide');
      await alterer(m.mandatId);
      const { status, page } = await verifier(formaterCode(m.code));
      expect({ nom, status, resultat: resultat(page) }).toEqual({ nom, status: 200, resultat: 'Document non reconnu' });
      expect(page).not.toContain('Mandat valide');
      const journal = await db('journal').where({ mandat_id: m.mandatId, action: 'verification_mandat' }).orderBy('id', 'desc').first();
      expect(journal.additional_information).toBe('résultat : non-reconnu');
    }
  });

  test('unknown or malformed codes: one neutral answer, nothing about other mandats', async () => {
    const inconnu = await verifier('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    const mal = await verifier('pas-un-code');
    for (const r of [inconnu, mal]) {
      expect(r.status).toBe(404);
      expect(resultat(r.page)).toBe('Aucun mandat trouvé');
    }
  });

  test('the form: a typed code goes to its address; a wrong one is refused with a French message', async () => {
    const m = await nouveau(['papiers']);
    const page = await fetch(`${app.url}/verifier`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Code de vérification');
    const saisi = formaterCode(m.code).toLowerCase().replace(/-/g, ' ');
    const res = await fetch(`${app.url}/verifier?code=${encodeURIComponent(saisi)}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/verifier/${formaterCode(m.code)}`);
    const brut = await fetch(`${app.url}/verifier/${m.code.toLowerCase()}`, { redirect: 'manual' });
    expect(brut.status).toBe(301);
    expect(brut.headers.get('location')).toBe(`/verifier/${formaterCode(m.code)}`);
    for (const faux of ['1234', '', '<script>']) {
      const r = await fetch(`${app.url}/verifier?code=${encodeURIComponent(faux)}`, { redirect: 'manual' });
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html).toContain('Saisissez les 16 lettres et chiffres du code de vérification');
      expect(html).not.toContain('<script>');
    }
  });

  test('each check is journaled with its result and nothing about the person checking', async () => {
    const m = await nouveau(['papiers']);
    const avant = await db('journal').where({ action: 'verification_mandat' }).count({ n: '*' }).first();
    await verifier(formaterCode(m.code), '203.0.113.77');
    await verifier('ZZZZ-ZZZZ-ZZZZ-ZZZY', '203.0.113.77');
    const lignes = await db('journal').where({ action: 'verification_mandat' }).orderBy('id', 'desc').limit(2);
    expect(Number((await db('journal').where({ action: 'verification_mandat' }).count({ n: '*' }).first())!.n)).toBe(Number(avant!.n) + 2);
    expect(lignes[1]).toMatchObject({ mandat_id: m.mandatId, structure_id: lille, aidant_id: null, usager_id: null, user_phone: null, additional_information: 'résultat : valide' });
    expect(lignes[0]).toMatchObject({ mandat_id: null, structure_id: null, additional_information: 'résultat : inconnu' });
    for (const ligne of lignes) expect(JSON.stringify(ligne)).not.toContain('203.0.113');
    const limites = await db('limites_verification').select('cle');
    expect(JSON.stringify(limites)).not.toContain('203.0.113');
  });

  test(`rate limit: ${LIMITE_VERIFICATIONS.nombre} checks per address in ${LIMITE_VERIFICATIONS.fenetreMs / 60_000} minutes, then 429 and nothing journaled`, async () => {
    const m = await nouveau(['papiers']);
    const code = formaterCode(m.code);
    const ip = '192.0.2.44';
    for (let i = 0; i < LIMITE_VERIFICATIONS.nombre; i++) expect((await verifier(code, ip)).status).toBe(200);
    const avant = await snapshotCounts(db);
    const refus = await verifier(code, ip);
    expect(refus.status).toBe(429);
    expect(Number(refus.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refus.page).toContain('Trop de vérifications');
    expect(refus.page).not.toContain('Mandat valide');
    // Unknown codes count too (no enumeration from one address).
    expect((await verifier('ZZZZ-ZZZZ-ZZZZ-ZZZX', ip)).status).toBe(429);
    const apres = await snapshotCounts(db);
    expect(apres.journal).toBe(avant.journal);
    // Another address is not affected; an IPv6 client counts by its /64.
    expect((await verifier(code, '192.0.2.45')).status).toBe(200);
    for (let i = 0; i < LIMITE_VERIFICATIONS.nombre; i++) await verifier(code, `2001:db8:1:2::${i.toString(16)}`);
    expect((await verifier(code, '2001:db8:1:2:ffff::1')).status).toBe(429);
    expect((await verifier(code, '2001:db8:1:3::1')).status).toBe(200);
  });
});
