// The staff's hold on structures (issue 20) over HTTP, with the identity provider mounted: search, a
// structure's page, suspension (its aidant refused at login, at mandat creation and in the FranceConnect
// flow; its open session ended) and reactivation (all works again), transfer of mandats (a confirmation
// first; the transferred mandat verifies on /verifier with the new structure), opening hours, and the
// refusals across structures and roles.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { BaseClient } from 'openid-client-5';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail, outboxSettled } from '../../scripts/fixtures/mail.ts';
import { createAccount, createStructure, loginHttp, totpCode } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import {
  FC, IDENTITES_FC, choisir, clientFranceConnect, creerUsager, demandeFranceConnect, loginPuisRetour, startOidcApp, suivre, type OidcApp,
} from '../../scripts/fixtures/fournisseur-identite.ts';
import { mandatPreuve } from '../helpers/preuve-fixtures.ts';
import { creerMandat, CreationMandatRefusee } from '../../api/mandats/creation.ts';
import { autorisationsUtilisables } from '../../db/queries/autorisations.ts';
import { formaterCode } from '../../db/domain/preuve-mandat.ts';
import { hashesDuMandat } from '../../db/queries/preuves.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let app: OidcApp;
let fc: BaseClient;
let brest: number;
let quimper: number;
let staff: HttpClient;
let marie: { id: number; secret: string };
let referentQuimper: HttpClient;
let angela: { id: number; sub: string };
let mandat: { mandatId: number; code: string };

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  app = await startOidcApp({ db: t.db, mailer: mail.mailer });
  fc = await clientFranceConnect(app.url);
  brest = await createStructure(t.db, { name: 'France Services de Brest', siret: '21290019700017' });
  quimper = await createStructure(t.db, { name: 'CCAS de Quimper', siret: '26290232400012' });
  await t.db('structures').where({ id: quimper }).update({ city: 'Quimper', postal_code: '29000' });
  await createAccount(t.db, { email: 'anne.kerjean@brest.fr', first_name: 'Anne', last_name: 'Kerjean', structureId: brest, referent: true, can_create_mandats: false });
  await t.db('aidants').where({ email: 'anne.kerjean@brest.fr' }).update({ referent_non_aidant: true });
  const m = await createAccount(t.db, { email: 'marie.le-gall@brest.fr', first_name: 'Marie', last_name: 'Le Gall', structureId: brest });
  marie = { id: m.aidant.id, secret: m.totpSecret };
  const rq = await createAccount(t.db, { email: 'loic.tanguy@quimper.fr', first_name: 'Loïc', last_name: 'Tanguy', structureId: quimper, referent: true });
  const s = await createAccount(t.db, { email: 'equipe@aidantsconnect.beta.gouv.fr', first_name: 'Équipe', last_name: 'AC', is_staff: true });
  angela = await creerUsager(t.db, IDENTITES_FC.angela);
  mandat = await mandatPreuve(t.db, { structureId: brest, aidantId: marie.id, usagerId: angela.id, demarches: ['famille', 'argent'] });
  staff = new HttpClient(app.url);
  await loginHttp(staff, mail.catcher, 'equipe@aidantsconnect.beta.gouv.fr', s.totpSecret);
  referentQuimper = new HttpClient(app.url);
  await loginHttp(referentQuimper, mail.catcher, 'loic.tanguy@quimper.fr', rq.totpSecret);
});
afterAll(async () => {
  await app?.close();
  await mail?.stop();
  await t?.drop();
});

const csrf = async (client: HttpClient, path: string) => csrfFrom(await (await client.get(path)).text());
const texte = async (client: HttpClient, path: string) => {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  return res.text();
};
async function connecterMarie(): Promise<HttpClient> {
  const client = new HttpClient(app.url);
  await loginHttp(client, mail.catcher, 'marie.le-gall@brest.fr', marie.secret);
  return client;
}
/** Logs Marie in while the structure is suspended, by lifting the flag for the login only (a race). */
async function connecterMarieMalgre(): Promise<HttpClient> {
  const { suspended_at } = await t.db('structures').where({ id: brest }).first('suspended_at');
  await t.db('structures').where({ id: brest }).update({ suspended_at: null });
  const client = await connecterMarie();
  await t.db('structures').where({ id: brest }).update({ suspended_at });
  return client;
}
const brouillon = () => ({
  id: randomUUID(), aidantId: marie.id, structureId: brest, demarches: ['famille' as const], duree: 'SHORT' as const, telephone: null,
  creeLeMs: Date.now(), renouvellementUsagerId: angela.id,
});

describe('structures (équipe)', () => {
  test('list and search by name, SIRET and city; the structure’s page', async () => {
    const tout = await texte(staff, '/staff/structures');
    expect(tout).toContain('France Services de Brest');
    expect(tout).toContain('CCAS de Quimper');
    for (const recherche of ['brest', '212900', 'Quimper']) {
      const page = await texte(staff, `/staff/structures?recherche=${encodeURIComponent(recherche)}`);
      expect(page.includes('France Services de Brest')).toBe(recherche !== 'Quimper');
      expect(page.includes('CCAS de Quimper')).toBe(recherche === 'Quimper');
    }
    const fiche = await texte(staff, `/staff/structures/${brest}`);
    for (const attendu of ['Anne Kerjean (référent, non aidant)', 'Marie Le Gall', '1 mandat actif', 'Lundi : 8\u00a0h–19\u00a0h', 'Aucune alerte ouverte', 'Démarches autorisées', 'Suspendre la structure']) {
      expect(fiche).toContain(attendu);
    }
    expect((await staff.get('/staff/structures/999999')).status).toBe(404);
    expect((await staff.get('/staff/structures/abc')).status).toBe(404);
  });

  test('suspension: the aidant is refused at login, at mandat creation and in the FranceConnect flow; reactivation restores all', async () => {
    const ouverte = await connecterMarie();
    const page = `/staff/structures/${brest}/suspension`;
    const vide = await staff.postForm(page, { raison: '  ' }, await csrf(staff, page));
    expect(vide.status).toBe(400);
    expect(await vide.text()).toContain('Indiquez le motif de la suspension');
    const ok = await staff.postForm(page, { raison: 'Contrôle après signalement de la CAF' }, await csrf(staff, page));
    expect(ok.status).toBe(303);
    expect((await t.db('structures').where({ id: brest }).first()).suspended_at).not.toBeNull();
    expect(await t.db('journal').where({ action: 'suspension_structure', structure_id: brest }).first()).toMatchObject({ additional_information: expect.stringContaining('Contrôle après signalement') });
    const courriel = await mail.catcher.waitFor((e) => e.to.includes('anne.kerjean@brest.fr') && e.subject.includes('est suspendue'));
    expect(courriel.text).toContain('Contrôle après signalement de la CAF');
    expect(await texte(staff, `/staff/structures/${brest}`)).toContain('Structure suspendue depuis le');

    // The open session is over; a new login is refused with its reason.
    expect((await ouverte.get('/espace')).headers.get('location')).toMatch(/^\/connexion/);
    const client = new HttpClient(app.url);
    const refus = await client.postForm('/connexion', { email: 'marie.le-gall@brest.fr', code: await totpCode(marie.secret) }, await csrf(client, '/connexion'));
    expect(refus.status).toBe(403);
    expect(await refus.text()).toContain('Votre structure est suspendue');
    // Mandat creation (the transaction itself, whatever the session) and the usable autorisations.
    await expect(creerMandat(t.db, brouillon())).rejects.toMatchObject({ raison: 'structure-suspendue' });
    await expect(creerMandat(t.db, brouillon())).rejects.toBeInstanceOf(CreationMandatRefusee);
    expect(await autorisationsUtilisables(t.db, { aidantId: marie.id })).toEqual([]);
    // FranceConnect's flow: the interaction asks to log in, and the login is refused.
    const demande = demandeFranceConnect(fc, { repScope: ['famille'] });
    const fcClient = new HttpClient(app.url);
    const versLogin = await suivre(fcClient, demande.url, app.url);
    expect(versLogin.location).toContain('/connexion');
    await expect(loginPuisRetour(fcClient, mail.catcher, versLogin.location!, 'marie.le-gall@brest.fr', marie.secret)).rejects.toThrow('login refused: 403');

    // A session opened in a race with the suspension (its version not moved on): the interaction refuses too,
    // and FranceConnect gets access_denied.
    const course = await connecterMarieMalgre();
    const demandeCourse = demandeFranceConnect(fc, { repScope: ['famille'] });
    const pageCourse = await suivre(course, demandeCourse.url, app.url);
    expect(pageCourse.status).toBe(403);
    expect(pageCourse.body).toContain('rattaché à une structure active');
    expect(pageCourse.body).toContain('Revenir au service en ligne');

    // Reactivation: journaled, référent emailed, and everything works again.
    const lever = await staff.postForm(`/staff/structures/${brest}/reactivation`, {}, await csrf(staff, `/staff/structures/${brest}`));
    expect(lever.status).toBe(303);
    expect((await t.db('structures').where({ id: brest }).first()).suspended_at).toBeNull();
    expect(await t.db('journal').where({ action: 'reactivation_structure', structure_id: brest }).first()).toBeTruthy();
    await mail.catcher.waitFor((e) => e.to.includes('anne.kerjean@brest.fr') && e.subject.includes('de nouveau'));
    expect(await t.db('suspensions_structure').where({ structure_id: brest }).first()).toMatchObject({ reason: 'Contrôle après signalement de la CAF', lifted_at: expect.any(Date) });
    const deNouveau = await connecterMarie();
    expect((await autorisationsUtilisables(t.db, { aidantId: marie.id })).map((a) => a.demarche).sort()).toEqual(['argent', 'famille']);
    const demande2 = demandeFranceConnect(fc, { repScope: ['famille'] });
    const callback = await choisir(deNouveau, app.url, demande2, { usagerId: angela.id, demarche: 'famille' });
    expect(callback).toContain(FC.callback);
    const cree = await creerMandat(t.db, brouillon());
    expect(cree).toMatchObject({ cree: true, usagerId: angela.id });
  });

  test('transfer: the form, a confirmation that changes nothing, then the transfer journaled with the new proof hash', async () => {
    const page = `/staff/structures/${brest}/transfert`;
    const formulaire = await texte(staff, page);
    expect(formulaire).toContain(`Mandat n° ${mandat.mandatId}`);
    const mauvais = await staff.postForm(page, { cible: String(brest), portee: 'tous' }, csrfFrom(formulaire));
    expect(mauvais.status).toBe(400);
    expect(await mauvais.text()).toContain('Indiquez le SIRET ou le numéro d’une autre structure');
    const rien = await staff.postForm(page, { cible: '26290232400012', portee: 'choisis' }, await csrf(staff, page));
    expect(rien.status).toBe(400);
    expect(await rien.text()).toContain('Cochez au moins un mandat');

    const confirmation = await staff.postForm(page, { cible: '262 902 324 00012', portee: 'choisis', mandats: String(mandat.mandatId) }, await csrf(staff, page));
    expect(confirmation.status).toBe(200);
    const html = await confirmation.text();
    expect(html).toContain('Confirmer le transfert');
    expect(html).toContain('CCAS de Quimper');
    expect((await t.db('mandats').where({ id: mandat.mandatId }).first()).structure_id).toBe(brest);

    const hashAvant = (await hashesDuMandat(t.db, mandat.mandatId)).journalise;
    const fait = await staff.postForm(`${page}/confirmation`, { cible: String(quimper), portee: 'choisis', mandats: String(mandat.mandatId) }, csrfFrom(html));
    expect(fait.status).toBe(303);
    expect((await t.db('mandats').where({ id: mandat.mandatId }).first()).structure_id).toBe(quimper);
    const ligne = await t.db('journal').where({ action: 'transfer_mandat', mandat_id: mandat.mandatId }).first();
    const hashes = await hashesDuMandat(t.db, mandat.mandatId);
    expect(ligne).toMatchObject({ structure_id: quimper, attestation_hash: hashes.actuel, additional_information: `structure précédente=${brest}; hash précédent=${hashAvant}` });
    expect(hashes.actuel).not.toBe(hashAvant);
    // The printed code still verifies, now naming the new structure.
    const verif = await fetch(`${app.url}/verifier/${formaterCode(mandat.code)}`, { headers: { accept: 'text/html' } });
    const verifPage = await verif.text();
    expect(verifPage).toMatch(/<h2 class="fr-alert__title">Mandat valide<\/h2>/);
    expect(verifPage).toContain('CCAS de Quimper');
    expect(verifPage).not.toContain('France Services de Brest');
    // Both structures' référents are told; Brest's aidant can no longer use it, Quimper's référent-aidant can.
    await mail.catcher.waitFor((e) => e.to.includes('anne.kerjean@brest.fr') && e.subject.includes('transférés à CCAS de Quimper'));
    await mail.catcher.waitFor((e) => e.to.includes('loic.tanguy@quimper.fr') && e.subject.includes('depuis France Services de Brest'));
    expect((await autorisationsUtilisables(t.db, { aidantId: marie.id })).filter((a) => a.mandat_id === mandat.mandatId)).toEqual([]);
    // Confirming again moves nothing more.
    const encore = await staff.postForm(`${page}/confirmation`, { cible: String(quimper), portee: 'choisis', mandats: String(mandat.mandatId) }, await csrf(staff, page));
    expect(encore.status).toBe(303);
    expect(Number((await t.db('journal').where({ action: 'transfer_mandat', mandat_id: mandat.mandatId }).count({ n: '*' }))[0].n)).toBe(1);
  });

  test('opening hours: a référent sets theirs, not another structure’s; staff set any', async () => {
    const page = '/espace-referent/horaires';
    expect(await texte(referentQuimper, page)).toContain('CCAS de Quimper');
    const faux = await referentQuimper.postForm(`${page}/${quimper}`, { j1_debut1: '18:00', j1_fin1: '09:00' }, await csrf(referentQuimper, page));
    expect(faux.status).toBe(400);
    expect(await faux.text()).toContain('la fermeture doit suivre l’ouverture');
    const ok = await referentQuimper.postForm(`${page}/${quimper}`, { j1_debut1: '09:00', j1_fin1: '12:30', j1_debut2: '13:30', j1_fin2: '17:00', j6_debut1: '09:00', j6_fin1: '12:00' }, await csrf(referentQuimper, page));
    expect(ok.status).toBe(303);
    expect((await t.db('structures').where({ id: quimper }).first()).opening_hours).toEqual({ 1: [['09:00', '12:30'], ['13:30', '17:00']], 2: [], 3: [], 4: [], 5: [], 6: [['09:00', '12:00']], 7: [] });
    expect(await t.db('journal').where({ action: 'horaires_structure', structure_id: quimper }).first()).toBeTruthy();
    const ailleurs = await referentQuimper.postForm(`${page}/${brest}`, { j1_debut1: '09:00', j1_fin1: '10:00' }, await csrf(referentQuimper, page));
    expect(ailleurs.status).toBe(404);
    const fiche = `/staff/structures/${brest}`;
    const parStaff = await staff.postForm(`${fiche}/horaires`, { j2_debut1: '10:00', j2_fin1: '16:00', feries: 'oui' }, await csrf(staff, fiche));
    expect(parStaff.status).toBe(303);
    expect(await texte(staff, fiche)).toContain('Mardi : 10\u00a0h–16\u00a0h');
    const erreur = await staff.postForm(`${fiche}/horaires`, { j2_debut1: 'midi', j2_fin1: '16:00' }, await csrf(staff, fiche));
    expect(erreur.status).toBe(400);
  });

  test('refusals: non-staff on staff pages (403), another structure’s alert (404) for a référent', async () => {
    for (const path of ['/staff/structures', `/staff/structures/${brest}`, '/staff/alertes', `/staff/structures/${brest}/transfert`]) {
      expect((await referentQuimper.get(path)).status).toBe(403);
    }
    expect((await referentQuimper.postForm(`/staff/structures/${brest}/suspension`, { raison: 'x' }, await csrf(referentQuimper, '/espace-referent'))).status).toBe(403);
    const [alerte] = await t.db('alertes').insert({ regle: 'hors_horaires', structure_id: brest, aidant_id: marie.id, preuves: [1], cle_preuves: 'test-1', description: 'Mandat créé la nuit.' }).returning('id');
    expect((await referentQuimper.get(`/espace-referent/alertes/${alerte.id}`)).status).toBe(404);
    const cloture = await referentQuimper.postForm(`/espace-referent/alertes/${alerte.id}/cloture`, { commentaire: 'Vu' }, await csrf(referentQuimper, '/espace-referent/alertes'));
    expect(cloture.status).toBe(404);
    expect((await t.db('alertes').where({ id: alerte.id }).first()).closed_at).toBeNull();
    expect(await texte(referentQuimper, '/espace-referent/alertes')).not.toContain('Mandat créé la nuit');
    expect(await texte(staff, '/staff/alertes')).toContain('France Services de Brest');
    await outboxSettled(t.db);
  });
});
