// Several structures per aidant (db/domain/README.md#plusieurs-structures), over HTTP on the whole service:
// the header and « Changer de structure », the switch journaled and followed by everything scoped (usagers,
// mandat creation through FranceConnect, the identity provider's usager list), the espace référent's
// structures (selector, another structure's aidant with its référent's consent, designate a référent, remove),
// and what a removal does to the aidant's open sessions — with every refusal leaving the database unchanged.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generate } from 'otplib';
import type { BaseClient } from 'openid-client-5';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { clientFranceConnect, demandeFranceConnect, startOidcApp, suivre, uidOf, type OidcApp } from '../../scripts/fixtures/fournisseur-identite.ts';
import { snapshotCounts } from '../helpers/db.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { suivreFranceConnect } from '../helpers/franceconnect.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { retirerDeLaStructure } from '../../db/queries/appartenances.ts';

const PUBLIC = 'http://app.test';
let s: ServiceStack;
let lille: number;
let roubaix: number;
let tourcoing: number;
let fermee: number;
let nora: { id: number; secret: string; http: HttpClient };
let ines: { id: number; http: HttpClient };
let paul: { id: number; http: HttpClient };
let yannId: number;
let leoId: number;
let usagerLille: number;
let usagerRoubaix: number;

const db = () => s.t.db;
const courante = async (id: number) => (await db()('aidants').where({ id }).first('current_structure_id')).current_structure_id as number | null;
const membres = async (id: number) => (await db()('aidant_structures').where({ aidant_id: id }).orderBy('structure_id').pluck('structure_id')) as number[];
const csrfDe = async (http: HttpClient, path: string) => csrfFrom(await (await http.get(path)).text());
const journal = (action: string) => db()('journal').where({ action }).orderBy('id');

beforeAll(async () => {
  s = await startServiceStack(PUBLIC, { franceConnect: true });
  lille = await createStructure(db(), { name: 'France Services de Lille' });
  roubaix = await createStructure(db(), { name: 'CCAS de Roubaix' });
  tourcoing = await createStructure(db(), { name: 'Mairie de Tourcoing' });
  fermee = await createStructure(db(), { name: 'Médiathèque fermée' });
  await db()('structures').where({ id: fermee }).update({ is_active: false });

  const n = await createAccount(db(), { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit', structureId: lille });
  await db()('aidant_structures').insert([{ aidant_id: n.aidant.id, structure_id: roubaix }, { aidant_id: n.aidant.id, structure_id: fermee }]);
  nora = { id: n.aidant.id, secret: n.totpSecret, http: new HttpClient(s.app.url) };
  await loginHttp(nora.http, s.mail.catcher, 'nora.petit@lille.fr', n.totpSecret);

  // Inès: référent of Lille and Roubaix (not an aidant herself); Paul: référent of Tourcoing only.
  const i = await createAccount(db(), { email: 'ines.garnier@lille.fr', first_name: 'Inès', last_name: 'Garnier', structureId: lille, referent: true, can_create_mandats: false });
  await db()('aidant_structures').insert({ aidant_id: i.aidant.id, structure_id: roubaix });
  await db()('referent_structures').insert({ aidant_id: i.aidant.id, structure_id: roubaix });
  ines = { id: i.aidant.id, http: new HttpClient(s.app.url) };
  await loginHttp(ines.http, s.mail.catcher, 'ines.garnier@lille.fr', i.totpSecret);
  const p = await createAccount(db(), { email: 'paul.lefebvre@tourcoing.fr', first_name: 'Paul', last_name: 'Lefebvre', structureId: tourcoing, referent: true });
  paul = { id: p.aidant.id, http: new HttpClient(s.app.url) };
  await loginHttp(paul.http, s.mail.catcher, 'paul.lefebvre@tourcoing.fr', p.totpSecret);
  yannId = (await createAccount(db(), { email: 'yann.dumont@tourcoing.fr', first_name: 'Yann', last_name: 'Dumont', structureId: tourcoing })).aidant.id;
  leoId = (await createAccount(db(), { email: 'leo.martin@lille.fr', first_name: 'Léo', last_name: 'Martin', structureId: lille })).aidant.id;

  usagerLille = (await creerMandatDeTest(db(), { structureId: lille, aidantId: nora.id, usager: { given_name: 'Angela', family_name: 'Lilloise' }, demarches: ['famille'], duree: 'LONG' })).usagerId;
  usagerRoubaix = (await creerMandatDeTest(db(), { structureId: roubaix, aidantId: nora.id, usager: { given_name: 'Jean', family_name: 'Roubaisien' }, demarches: ['social'], duree: 'LONG' })).usagerId;
});
afterAll(async () => {
  await s?.stop();
});

describe('the current structure', () => {
  test('the header shows it; « Changer de structure » lists the active structures only', async () => {
    const accueil = await (await nora.http.get('/espace-aidant')).text();
    expect(accueil).toContain('href="/espace-aidant/structure">France Services de Lille<span class="fr-sr-only"> — changer de structure</span>');
    const page = await (await nora.http.get('/espace-aidant/structure')).text();
    expect(page).toContain(`name="structure_id" value="${lille}" checked`);
    expect(page).toContain(`name="structure_id" value="${roubaix}"`);
    expect(page).not.toContain('Médiathèque fermée');
    expect(page).not.toContain('Mairie de Tourcoing');
    // An aidant with one structure sees its name, linking to their space.
    const unique = await (await paul.http.get('/espace-referent')).text();
    expect(unique).toContain('href="/espace-aidant">Mairie de Tourcoing<span class="fr-sr-only"> — ma structure</span>');
  });

  test('bad input: another structure, a closed one, garbage or no CSRF token → refused, nothing changes', async () => {
    const avant = await snapshotCounts(db());
    for (const valeur of [String(tourcoing), String(fermee), 'abc', '', '0', `${lille} or 1=1`]) {
      const res = await nora.http.postForm('/espace-aidant/structure', { structure_id: valeur }, await csrfDe(nora.http, '/espace-aidant/structure'));
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Choisissez l’une de vos structures.');
    }
    const sansJeton = await nora.http.postForm('/espace-aidant/structure', { structure_id: String(roubaix) }, 'faux');
    expect(sansJeton.status).toBe(403);
    expect(await courante(nora.id)).toBe(lille);
    expect(await snapshotCounts(db())).toEqual(avant);
  });

  test('switching is journaled and the usagers follow', async () => {
    expect(await (await nora.http.get('/usagers')).text()).toContain('Lilloise');
    const res = await nora.http.postForm('/espace-aidant/structure', { structure_id: String(roubaix), suivant: '/usagers' }, await csrfDe(nora.http, '/espace-aidant/structure'));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/usagers');
    expect(await courante(nora.id)).toBe(roubaix);
    expect(await journal('switch_organisation')).toEqual([expect.objectContaining({ aidant_id: nora.id, structure_id: roubaix, additional_information: `structure précédente=${lille}` })]);
    const liste = await (await nora.http.get('/usagers')).text();
    expect(liste).toContain('Roubaisien');
    expect(liste).not.toContain('Lilloise');
    expect(liste).toContain('href="/espace-aidant/structure">CCAS de Roubaix');
    expect((await nora.http.get(`/usagers/${usagerLille}`)).status).toBe(404);
    expect((await nora.http.get(`/usagers/${usagerRoubaix}`)).status).toBe(200);
  });

  test('a mandat is created for the current structure, and stays with it', async () => {
    const form = await (await nora.http.get('/mandats/nouveau')).text();
    const debut = await nora.http.postForm('/mandats/nouveau', { demarches: ['papiers'], duree: 'SHORT', telephone: '06 11 22 33 44' }, csrfFrom(form));
    expect(debut.status).toBe(303);
    const retour = await suivreFranceConnect(debut.headers.get('location')!, 'test');
    expect((await nora.http.get(retour.pathname + retour.search)).status).toBe(303);
    const recap = await (await nora.http.get('/mandats/nouveau/recapitulatif')).text();
    expect(recap).toContain('CCAS de Roubaix');
    await db()('totp_devices').where({ aidant_id: nora.id }).update({ last_time_step: null });
    const fin = await nora.http.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await generate({ secret: nora.secret, period: 30 }) }, csrfFrom(recap));
    expect(fin.status).toBe(303);
    const mandatId = Number(fin.headers.get('location')!.match(/#mandat-(\d+)$/)![1]);
    expect(await db()('mandats').where({ id: mandatId }).first()).toMatchObject({ structure_id: roubaix, aidant_id: nora.id });
    expect(await db()('journal').where({ action: 'create_attestation', mandat_id: mandatId }).first()).toMatchObject({ structure_id: roubaix });
    // Back to Lille: that mandat's usager is Roubaix's, not hers there.
    await nora.http.postForm('/espace-aidant/structure', { structure_id: String(lille) }, await csrfDe(nora.http, '/espace-aidant/structure'));
    const usagerId = (await db()('mandats').where({ id: mandatId }).first()).usager_id;
    expect((await nora.http.get(`/usagers/${usagerId}`)).status).toBe(404);
    expect((await db()('mandats').where({ id: mandatId }).first()).structure_id).toBe(roubaix);
    await nora.http.postForm('/espace-aidant/structure', { structure_id: String(roubaix) }, await csrfDe(nora.http, '/espace-aidant/structure'));
    expect(await courante(nora.id)).toBe(roubaix);
  });
  test('a creation started for one structure cannot end for another after a switch', async () => {
    const form = await (await nora.http.get('/mandats/nouveau')).text();
    const debut = await nora.http.postForm('/mandats/nouveau', { demarches: ['papiers'], duree: 'SHORT', telephone: '06 11 22 33 44' }, csrfFrom(form));
    const retour = await suivreFranceConnect(debut.headers.get('location')!, 'test');
    expect((await nora.http.get(retour.pathname + retour.search)).status).toBe(303);
    const recap = await (await nora.http.get('/mandats/nouveau/recapitulatif')).text();
    expect(recap).toContain('CCAS de Roubaix');
    await nora.http.postForm('/espace-aidant/structure', { structure_id: String(lille) }, await csrfDe(nora.http, '/espace-aidant/structure'));
    const avant = await snapshotCounts(db());
    await db()('totp_devices').where({ aidant_id: nora.id }).update({ last_time_step: null });
    const fin = await nora.http.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await generate({ secret: nora.secret, period: 30 }) }, csrfFrom(recap));
    expect(fin.status).toBe(400);
    expect(await fin.text()).toContain('pour une autre structure');
    expect(await snapshotCounts(db())).toEqual(avant);
    await nora.http.postForm('/espace-aidant/structure', { structure_id: String(roubaix) }, await csrfDe(nora.http, '/espace-aidant/structure'));
  });
});

describe('the identity provider follows the current structure', () => {
  let oidc: OidcApp;
  let fc: BaseClient;
  let http: HttpClient;
  const radios = (page: string) => [...page.matchAll(/name="usager" value="(\d+)"/g)].map((m) => Number(m[1]));
  beforeAll(async () => {
    oidc = await startOidcApp({ db: db() });
    fc = await clientFranceConnect(oidc.url);
    http = new HttpClient(oidc.url);
    await loginHttp(http, s.mail.catcher, 'nora.petit@lille.fr', nora.secret);
  });
  afterAll(async () => {
    await oidc?.close();
  });
  const pageUsagers = async () => {
    const r = await suivre(http, demandeFranceConnect(fc, { repScope: null }).url, oidc.url);
    return { uid: uidOf(r.path), body: r.body, status: r.status };
  };

  test('the usagers offered are those of the current structure, and switch with it', async () => {
    expect(await courante(nora.id)).toBe(roubaix);
    const roubaixPage = await pageUsagers();
    expect(roubaixPage.status).toBe(200);
    expect(radios(roubaixPage.body)).toContain(usagerRoubaix);
    expect(radios(roubaixPage.body)).not.toContain(usagerLille);
    expect((await http.postForm('/espace-aidant/structure', { structure_id: String(lille) }, await csrfDe(http, '/espace-aidant/structure'))).status).toBe(303);
    const lillePage = await pageUsagers();
    expect(radios(lillePage.body)).toEqual([usagerLille]);
    // A forged choice of the other structure's usager is refused.
    const forge = await http.postForm(`/interaction/${lillePage.uid}/demarche`, { usager: String(usagerRoubaix), demarche: 'social' }, csrfFrom(lillePage.body));
    expect(forge.status).toBe(404);
  });

  test('removed from the structure while choosing: the interaction checks again and refuses', async () => {
    const page = await pageUsagers();
    expect(radios(page.body)).toEqual([usagerLille]);
    const choix = await http.get(`/interaction/${page.uid}/demarche?usager=${usagerLille}`);
    const form = await choix.text();
    // Inès removes Nora from Lille (her current structure) meanwhile: it moves to Roubaix.
    const res = await ines.http.postForm(`/espace-referent/structures/${lille}/aidants/${nora.id}/retrait`, {}, await csrfDe(ines.http, `/espace-referent/structures/${lille}/aidants/${nora.id}/retrait`));
    expect(res.status).toBe(303);
    expect(await courante(nora.id)).toBe(roubaix);
    const fin = await http.postForm(`/interaction/${page.uid}/demarche`, { usager: String(usagerLille), demarche: 'famille' }, csrfFrom(form));
    expect(fin.status).toBe(404);
    // Put back for the next tests (a référent of both structures adds her again).
    await db()('aidant_structures').insert({ aidant_id: nora.id, structure_id: lille });
  });
});

describe('the espace référent of several structures', () => {
  test('the selector lists the référent’s structures; another structure is a 404 everywhere', async () => {
    const index = await (await ines.http.get('/espace-referent/structures')).text();
    expect(index).toContain(`<option value="${lille}"`);
    expect(index).toContain(`<option value="${roubaix}"`);
    expect(index).not.toContain('Mairie de Tourcoing');
    expect((await ines.http.get(`/espace-referent/structures?structure=${roubaix}`)).headers.get('location')).toBe(`/espace-referent/structures/${roubaix}`);
    const roubaixPage = await (await ines.http.get(`/espace-referent/structures/${roubaix}`)).text();
    expect(roubaixPage).toContain('nora.petit@lille.fr');
    expect(roubaixPage).not.toContain('leo.martin@lille.fr');

    const avant = await snapshotCounts(db());
    const jeton = await csrfDe(ines.http, '/espace-referent/structures');
    for (const chemin of [`/espace-referent/structures/${tourcoing}`, `/espace-referent/structures?structure=${tourcoing}`, `/espace-referent/structures/${tourcoing}/aidants/${yannId}`,
      `/espace-referent/structures/${fermee}`, `/espace-referent/structures/${lille}/aidants/${yannId}`, '/espace-referent/structures/abc', `/espace-referent/structures/${tourcoing}/aidants/${yannId}/retrait`]) {
      expect([chemin, (await ines.http.get(chemin)).status]).toEqual([chemin, 404]);
    }
    for (const chemin of [`/espace-referent/structures/${tourcoing}/aidants/${yannId}/retrait`, `/espace-referent/structures/${tourcoing}/aidants/${yannId}/referent`,
      `/espace-referent/structures/${tourcoing}/rattachements`, `/espace-referent/structures/${lille}/aidants/${yannId}/referent`]) {
      expect([chemin, (await ines.http.postForm(chemin, { email: 'yann.dumont@tourcoing.fr' }, jeton)).status]).toEqual([chemin, 404]);
    }
    // Adding one of her aidants to a structure she does not manage: 404 too.
    expect((await ines.http.postForm(`/espace-referent/structures/${lille}/aidants/${leoId}/ajout`, { structure_id: String(tourcoing) }, jeton)).status).toBe(404);
    expect(await snapshotCounts(db())).toEqual(avant);
  });

  test('designating a référent; removing the last référent of a structure is refused with a message', async () => {
    const base = `/espace-referent/structures/${lille}/aidants/${ines.id}`;
    const avant = await snapshotCounts(db());
    const refus = await ines.http.postForm(`${base}/retrait`, {}, await csrfDe(ines.http, `${base}/retrait`));
    expect(refus.status).toBe(400);
    expect(await refus.text()).toContain('dernière référente active de la structure');
    expect(await snapshotCounts(db())).toEqual(avant);
    expect(await membres(ines.id)).toEqual([lille, roubaix]);

    const leo = `/espace-referent/structures/${lille}/aidants/${leoId}`;
    expect((await ines.http.postForm(`${leo}/referent`, {}, await csrfDe(ines.http, leo))).status).toBe(303);
    expect(await db()('referent_structures').where({ aidant_id: leoId, structure_id: lille }).first()).toBeTruthy();
    expect(await journal('referent_designation')).toEqual([expect.objectContaining({ aidant_id: ines.id, structure_id: lille, additional_information: `aidant.id=${leoId}` })]);
    // Designated again: nothing more.
    await ines.http.postForm(`${leo}/referent`, {}, await csrfDe(ines.http, leo));
    expect(await journal('referent_designation')).toHaveLength(1);
  });

  test('adding one of her aidants to another of her structures (her own consent)', async () => {
    const leo = `/espace-referent/structures/${lille}/aidants/${leoId}`;
    const res = await ines.http.postForm(`${leo}/ajout`, { structure_id: String(roubaix) }, await csrfDe(ines.http, leo));
    expect(res.status).toBe(303);
    expect(await membres(leoId)).toEqual([lille, roubaix]);
    expect(await journal('aidant_attachment')).toEqual([expect.objectContaining({ aidant_id: ines.id, structure_id: roubaix, additional_information: `aidant.id=${leoId}` })]);
    // Léo keeps acting for Lille until he switches.
    expect(await courante(leoId)).toBe(lille);
  });

  test('an aidant of another structure joins only with its référent’s consent; unknown addresses get the same answer', async () => {
    const page = `/espace-referent/structures/${lille}`;
    const inconnue = await ines.http.postForm(`${page}/rattachements`, { email: 'personne@ailleurs.fr' }, await csrfDe(ines.http, page));
    expect(inconnue.status).toBe(303);
    const flashInconnue = await (await ines.http.get(page)).text();
    const invalide = await ines.http.postForm(`${page}/rattachements`, { email: 'pas une adresse' }, await csrfDe(ines.http, page));
    expect(invalide.status).toBe(400);
    expect(await invalide.text()).toContain('Saisissez une adresse e-mail valide');
    expect(Number((await db()('demandes_rattachement').count({ n: '*' }).first())?.n)).toBe(0);

    const demande = await ines.http.postForm(`${page}/rattachements`, { email: ' Yann.Dumont@tourcoing.fr ' }, await csrfDe(ines.http, page));
    expect(demande.status).toBe(303);
    const flashDemande = await (await ines.http.get(page)).text();
    const message = (html: string) => html.match(/fr-alert--info[^>]*><p>([^<]*)</)?.[1];
    expect(message(flashDemande)).toBe(message(flashInconnue));
    expect(await membres(yannId)).toEqual([tourcoing]);
    const [d] = await db()('demandes_rattachement');
    expect(d).toMatchObject({ aidant_id: yannId, structure_id: lille, demandee_par: ines.id, statut: 'en_attente' });

    // Paul, référent of Yann's structure, is asked by email, once; its link leads to where he answers.
    const courriel = await s.mail.catcher.waitFor((m) => m.to.includes('paul.lefebvre@tourcoing.fr') && m.subject === 'Accord demandé : Yann Dumont dans une autre structure');
    expect(courriel.text).toContain('Inès Garnier, référent de « France Services de Lille », demande que Yann Dumont');
    const lien = courriel.text.match(/http:\/\/app\.test(\S+)/)![1];
    expect(lien).toBe('/espace-referent/structures');
    expect(await db()('outbox').where({ recipient: 'paul.lefebvre@tourcoing.fr' }).whereLike('idempotency_key', 'rattachement-%').count({ n: '*' }).first()).toEqual({ n: 1 });
    await ines.http.postForm(`${page}/rattachements`, { email: 'yann.dumont@tourcoing.fr' }, await csrfDe(ines.http, page));
    expect(await db()('demandes_rattachement').count({ n: '*' }).first()).toEqual({ n: 1 });
    // Only a référent of Yann's structure may answer: Inès's attempt is a 404.
    expect((await ines.http.postForm(`/espace-referent/rattachements/${d.id}/accord`, {}, await csrfDe(ines.http, page))).status).toBe(404);
    const attente = await (await paul.http.get(lien)).text();
    expect(attente).toContain('Yann Dumont (yann.dumont@tourcoing.fr) — demandé par Inès Garnier pour « France Services de Lille »');
    const accord = await paul.http.postForm(`/espace-referent/rattachements/${d.id}/accord`, {}, await csrfDe(paul.http, '/espace-referent/structures'));
    expect(accord.status).toBe(303);
    expect(await membres(yannId)).toEqual([lille, tourcoing].sort((a, b) => a - b));
    expect(await db()('demandes_rattachement').where({ id: d.id }).first()).toMatchObject({ statut: 'acceptee', decidee_par: paul.id });
    expect(await journal('attachment_consent')).toEqual([expect.objectContaining({ aidant_id: paul.id, structure_id: tourcoing })]);
    expect((await journal('aidant_attachment')).at(-1)).toMatchObject({ aidant_id: ines.id, structure_id: lille, additional_information: `aidant.id=${yannId}, accord de aidant.id=${paul.id}` });
    // Answered once: a second answer is a 404.
    expect((await paul.http.postForm(`/espace-referent/rattachements/${d.id}/refus`, {}, await csrfDe(paul.http, '/espace-referent/structures'))).status).toBe(404);
    // Yann is now in Inès's team of Lille; his current structure stays Tourcoing.
    expect(await (await ines.http.get(page)).text()).toContain('yann.dumont@tourcoing.fr');
    expect(await courante(yannId)).toBe(tourcoing);
  });
});

describe('requests for aidants of other structures are rate limited', () => {
  test('ten an hour per référent, whatever the address; the eleventh is refused with a message, nothing written', async () => {
    const page = `/espace-referent/structures/${lille}`;
    // Three already counted above (an unknown address, Yann twice); the invalid one was not.
    for (let i = 0; i < 7; i += 1) {
      expect((await ines.http.postForm(`${page}/rattachements`, { email: `inconnu.${i}@ailleurs.fr` }, await csrfDe(ines.http, page))).status).toBe(303);
    }
    const avant = await snapshotCounts(db());
    const refus = await ines.http.postForm(`${page}/rattachements`, { email: 'yann.dumont@tourcoing.fr' }, await csrfDe(ines.http, page));
    expect(refus.status).toBe(429);
    expect(await refus.text()).toContain('Trop de demandes en peu de temps');
    expect(await snapshotCounts(db())).toEqual(avant);
  });
});

describe('removing an aidant from a structure', () => {
  test('the current structure moves, the usagers go at the next request, the mandats stay', async () => {
    expect(await courante(nora.id)).toBe(roubaix);
    expect(await (await nora.http.get('/usagers')).text()).toContain('Roubaisien');
    const base = `/espace-referent/structures/${roubaix}/aidants/${nora.id}`;
    const confirmation = await (await ines.http.get(`${base}/retrait`)).text();
    expect(confirmation).toContain('Confirmer le retrait');
    const res = await ines.http.postForm(`${base}/retrait`, {}, csrfFrom(confirmation));
    expect(res.status).toBe(303);
    expect(await membres(nora.id)).toEqual([lille, fermee].sort((a, b) => a - b));
    expect(await courante(nora.id)).toBe(lille);
    expect((await journal('aidant_removal')).at(-1)).toMatchObject({ aidant_id: ines.id, structure_id: roubaix, additional_information: `aidant.id=${nora.id}, structure courante=${lille}` });
    // Her open session: the next page is Lille's.
    const liste = await (await nora.http.get('/usagers')).text();
    expect(liste).toContain('Lilloise');
    expect(liste).not.toContain('Roubaisien');
    expect((await nora.http.get(`/usagers/${usagerRoubaix}`)).status).toBe(404);
    const page = await (await nora.http.get('/espace-aidant/structure')).text();
    expect(page).not.toContain(`value="${roubaix}"`);
    // Roubaix's mandats stay Roubaix's.
    expect(await db()('mandats').where({ usager_id: usagerRoubaix }).pluck('structure_id')).toEqual([roubaix]);
    expect((await nora.http.postForm('/espace-aidant/structure', { structure_id: String(roubaix) }, await csrfDe(nora.http, '/espace-aidant/structure'))).status).toBe(400);
  });

  test('removed from her last active structure: the account is deactivated and her session ends', async () => {
    const base = `/espace-referent/structures/${lille}/aidants/${nora.id}`;
    const confirmation = await (await ines.http.get(`${base}/retrait`)).text();
    expect(confirmation).toContain('son compte sera désactivé');
    expect((await ines.http.postForm(`${base}/retrait`, {}, csrfFrom(confirmation))).status).toBe(303);
    const compte = await db()('aidants').where({ id: nora.id }).first();
    expect(compte).toMatchObject({ is_active: false, current_structure_id: null });
    expect((await journal('aidant_deactivation')).at(-1)).toMatchObject({ aidant_id: ines.id, structure_id: lille, additional_information: `aidant.id=${nora.id}, raison=n’appartient plus à aucune structure active` });
    const apres = await nora.http.get('/usagers');
    expect(apres.status).toBe(303);
    expect(apres.headers.get('location')).toMatch(/^\/connexion/);
  });

  test('two référents removing each other at once: the structure keeps one of them', async () => {
    const wattrelos = await createStructure(db(), { name: 'CCAS de Wattrelos' });
    const a = (await createAccount(db(), { email: 'anne.roux@wattrelos.fr', structureId: wattrelos, referent: true })).aidant.id;
    const b = (await createAccount(db(), { email: 'bruno.roux@wattrelos.fr', structureId: wattrelos, referent: true })).aidant.id;
    await db()('aidant_structures').insert([{ aidant_id: a, structure_id: lille }, { aidant_id: b, structure_id: lille }]);
    const resultats = await Promise.all([
      retirerDeLaStructure(db(), { acteurId: a, aidantId: b, structureId: wattrelos }),
      retirerDeLaStructure(db(), { acteurId: b, aidantId: a, structureId: wattrelos }),
    ]);
    expect(resultats.map((r) => r?.refus).sort()).toEqual(['dernier-referent', null].sort());
    expect(await db()('referent_structures').where({ structure_id: wattrelos }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });
});
