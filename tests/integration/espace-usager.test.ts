// The espace usager (issue 21) over HTTP, against real PostgreSQL and the time-skipping Temporal server, with
// usagers logging in on the local FranceConnect sandbox: each usager sees exactly their own mandats and acts,
// revokes online (the mandat's workflow goes to retention at once), reports an act (emailed once to the
// référents and the staff, even when the notification runs again), downloads their data (compared with the
// database); and every attack of the issue: another usager's ids, forged or replayed FranceConnect returns,
// a wrong acr, double submits, a report flood, downloads without a session, sessions that would cross.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient, startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { outboxSettled } from '../../scripts/fixtures/mail.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { IDENTITES_TEST_FRANCECONNECT, startTestFranceConnect, suivreDeconnexionFranceConnect, suivreFranceConnect, type TestFranceConnect } from '../helpers/franceconnect.ts';
import { creerMandatDeTest } from '../helpers/mandats.ts';
import { subFranceConnectTest } from '../../scripts/fakes/franceconnect-identites.ts';
import { hashSaltFromEnv, subUsager } from '../../db/domain/usager.ts';
import { createFranceConnectClient } from '../../api/franceconnect/index.ts';
import { demarrerVieMandat, idVieMandat } from '../../db/temporal/processes/mandat.ts';
import { notifierSignalement } from '../../api/espace-usager/signalements.ts';
import { IDENTIFIANT_BAC_A_SABLE_DEMO, IDENTITE_USAGER_DEMO, subBacASable } from '../../db/seed/espace-usager.ts';
import { freePort } from '../../db/free-port.ts';

const PUBLIC = 'http://app.test';
let s: ServiceStack;
let structureA: number;
let structureB: number;
let aidantA: number;
let aidantB: number;
let referentA: HttpClient;
let referentB: HttpClient;
let staff: HttpClient;
let aidantHttp: HttpClient;
/** Angela (sandbox login `test`): mandats in A and B. Jean Philippe (`plusieurs_prénoms_3`): one in A. */
let angela: { id: number; mandatA: number; mandatB: number; autorisationsA: number[] };
let jean: { id: number; mandat: number };

async function usagerDuBacASable(identifiant: string): Promise<number> {
  const i = IDENTITES_TEST_FRANCECONNECT.find((x) => x.identifiant === identifiant)!;
  const [{ id }] = await s.t.db('usagers')
    .insert({ sub: subUsager(subFranceConnectTest(identifiant), hashSaltFromEnv()), ...i.pivot, preferred_username: i.pivot.preferred_username ?? null })
    .returning('id');
  return id;
}

beforeAll(async () => {
  s = await startServiceStack(PUBLIC, { franceConnect: true });
  structureA = await createStructure(s.t.db, { name: 'France Services de Lille' });
  structureB = await createStructure(s.t.db, { name: 'CCAS de Brest' });
  await s.t.db('structures').where({ id: structureA }).update({ address: '10 rue Nationale', postal_code: '59000', city: 'Lille' });
  aidantA = (await createAccount(s.t.db, { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit', structureId: structureA })).aidant.id;
  aidantB = (await createAccount(s.t.db, { email: 'yann.le-goff@brest.fr', first_name: 'Yann', last_name: 'Le Goff', structureId: structureB })).aidant.id;
  const rA = await createAccount(s.t.db, { email: 'ines.garnier@lille.fr', first_name: 'Inès', last_name: 'Garnier', structureId: structureA, referent: true, can_create_mandats: false });
  const rB = await createAccount(s.t.db, { email: 'loic.tanguy@brest.fr', first_name: 'Loïc', last_name: 'Tanguy', structureId: structureB, referent: true, can_create_mandats: false });
  const st = await createAccount(s.t.db, { email: 'camille.bernard@anct.gouv.fr', first_name: 'Camille', last_name: 'Bernard', is_staff: true });
  referentA = new HttpClient(s.app.url);
  referentB = new HttpClient(s.app.url);
  staff = new HttpClient(s.app.url);
  await loginHttp(referentA, s.mail.catcher, 'ines.garnier@lille.fr', rA.totpSecret);
  await loginHttp(referentB, s.mail.catcher, 'loic.tanguy@brest.fr', rB.totpSecret);
  await loginHttp(staff, s.mail.catcher, 'camille.bernard@anct.gouv.fr', st.totpSecret);
  const a = await createAccount(s.t.db, { email: 'hugo.lambert@lille.fr', first_name: 'Hugo', last_name: 'Lambert', structureId: structureA });
  aidantHttp = new HttpClient(s.app.url);
  await loginHttp(aidantHttp, s.mail.catcher, 'hugo.lambert@lille.fr', a.totpSecret);

  const angelaId = await usagerDuBacASable('test');
  const mA = await creerMandatDeTest(s.t.db, { structureId: structureA, aidantId: aidantA, usager: angelaId, demarches: ['papiers', 'social', 'argent'], duree: 'LONG' });
  const mB = await creerMandatDeTest(s.t.db, { structureId: structureB, aidantId: aidantB, usager: angelaId, demarches: ['logement'], duree: 'SEMESTER' });
  angela = { id: angelaId, mandatA: mA.mandatId, mandatB: mB.mandatId, autorisationsA: mA.autorisationIds };
  const jeanId = await usagerDuBacASable('plusieurs_prénoms_3');
  const mJ = await creerMandatDeTest(s.t.db, { structureId: structureA, aidantId: aidantA, usager: jeanId, demarches: ['famille'], duree: 'MONTH' });
  jean = { id: jeanId, mandat: mJ.mandatId };
  // Two uses of an autorisation through FranceConnect for Angela, one for Jean.
  await s.t.db('journal').insert([
    { action: 'use_autorisation', aidant_id: aidantA, structure_id: structureA, usager_id: angelaId, mandat_id: mA.mandatId, demarche: 'argent', autorisation_id: mA.autorisationIds[2], additional_information: 'service=impots.gouv.fr' },
    { action: 'use_autorisation', aidant_id: aidantB, structure_id: structureB, usager_id: angelaId, mandat_id: mB.mandatId, demarche: 'logement', autorisation_id: mB.autorisationIds[0] },
    { action: 'use_autorisation', aidant_id: aidantA, structure_id: structureA, usager_id: jeanId, mandat_id: mJ.mandatId, demarche: 'famille', autorisation_id: mJ.autorisationIds[0] },
  ]);
  for (const m of [mA, mB, mJ]) await demarrerVieMandat(s.t.db, s.env.client, { mandatId: m.mandatId, expiresAt: m.expiresAt, duree: m.duree, structureId: m.structureId });
});
afterAll(async () => {
  await s?.stop();
});

/** GET the login page, POST « S’identifier avec FranceConnect »: the sandbox's authorization URL. */
async function commencer(client: HttpClient): Promise<string> {
  const page = await (await client.get('/espace-usager')).text();
  expect(page).toContain('S’identifier avec');
  const res = await client.postForm('/espace-usager/connexion', {}, csrfFrom(page));
  expect(res.status).toBe(303);
  return res.headers.get('location')!;
}

/** The whole login; returns the callback path (to replay it). */
async function connecter(client: HttpClient, identite: string): Promise<string> {
  const retour = await suivreFranceConnect(await commencer(client), identite);
  expect(retour.origin + retour.pathname).toBe(`${PUBLIC}/espace-usager/franceconnect`);
  const chemin = retour.pathname + retour.search;
  const cb = await client.get(chemin);
  expect(cb.status).toBe(303);
  expect(cb.headers.get('location')).toBe('/espace-usager');
  return chemin;
}

const texte = async (client: HttpClient, path: string) => (await client.get(path)).text();

describe('connexion avec FranceConnect', () => {
  test('the usager cookie lives under /espace-usager only; connect_usager is journaled', async () => {
    const c = new HttpClient(s.app.url);
    const page = await c.request('/espace-usager', { headers: { accept: 'text/html' } });
    await page.text();
    const res = await c.postForm('/espace-usager/connexion', {}, csrfFrom(await texte(c, '/espace-usager')));
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('acr_values')).toBe('eidas1');
    expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/espace-usager/franceconnect`);
    expect(location.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);
    const retour = await suivreFranceConnect(location.href, 'test');
    const cb = await c.get(retour.pathname + retour.search);
    expect(cb.status).toBe(303);
    const cookie = cb.headers.getSetCookie().find((l) => l.startsWith('ac_usager='))!;
    expect(cookie).toMatch(/Path=\/espace-usager/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(await s.t.db('journal').where({ action: 'connect_usager', usager_id: angela.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  test('a person with no mandat: a kind page, FranceConnect logged out, nothing stored', async () => {
    const c = new HttpClient(s.app.url);
    const usagers = await s.t.db('usagers').count({ n: '*' }).first();
    const journal = await s.t.db('journal').count({ n: '*' }).first();
    const retour = await suivreFranceConnect(await commencer(c), 'caractères_spéciaux');
    const cb = await c.get(retour.pathname + retour.search);
    expect(cb.status).toBe(303);
    const logout = cb.headers.get('location')!;
    expect(new URL(logout).origin).toBe(s.fc!.fake.issuer);
    const apres = await suivreDeconnexionFranceConnect(logout);
    expect(apres.pathname).toBe('/espace-usager/deconnecte');
    const page = await texte(c, apres.pathname + apres.search);
    expect(page).toContain('Aucun mandat à votre nom');
    expect(await s.t.db('usagers').count({ n: '*' }).first()).toEqual(usagers);
    expect(await s.t.db('journal').count({ n: '*' }).first()).toEqual(journal);
    expect(await texte(c, '/espace-usager')).toContain('S’identifier avec');
  });

  test('a forged return (no login started, made-up code and state): clear page, no session', async () => {
    const c = new HttpClient(s.app.url);
    const res = await c.get('/espace-usager/franceconnect?code=abc&state=' + 'f'.repeat(64));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Cette réponse de FranceConnect n’est plus valable');
    expect(await texte(c, '/espace-usager')).toContain('S’identifier avec');
    // A login started, but another state comes back: refused, and the genuine return still works.
    const url = await commencer(c);
    const autre = await c.get('/espace-usager/franceconnect?code=abc&state=' + '0'.repeat(64));
    expect(autre.status).toBe(400);
    expect(await texte(c, '/espace-usager')).not.toContain('Mes mandats');
    const retour = await suivreFranceConnect(url, 'test');
    expect((await c.get(retour.pathname + retour.search)).status).toBe(303);
    expect(await texte(c, '/espace-usager')).toContain('Mes mandats');
  });

  test('a replayed state is refused and closes the session it would reopen', async () => {
    const c = new HttpClient(s.app.url);
    const chemin = await connecter(c, 'test');
    expect(await texte(c, '/espace-usager')).toContain('Mes mandats');
    const rejoue = await c.get(chemin);
    expect(rejoue.status).toBe(400);
    expect(await rejoue.text()).toContain('n’est plus valable');
    expect(await texte(c, '/espace-usager')).toContain('S’identifier avec');
    // Another browser replaying the same callback gets nothing either.
    const intrus = new HttpClient(s.app.url);
    expect((await intrus.get(chemin)).status).toBe(400);
  });

  test('a cancel at FranceConnect: a clear page, no session', async () => {
    const c = new HttpClient(s.app.url);
    const retour = await suivreFranceConnect(await commencer(c), 'annuler');
    const res = await c.get(retour.pathname + retour.search);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Vous avez annulé la connexion avec FranceConnect');
  });

  test('a wrong acr (not eidas1): refused with a French page, no session', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let fc: TestFranceConnect | null = null;
    let app: RunningApp | null = null;
    try {
      fc = await startTestFranceConnect(base, { acr: 'eidas2' });
      app = await startApp({ db: s.t.db, temporal: async () => s.env.client, publicUrl: base, port, franceConnect: createFranceConnectClient(fc.config) });
      const c = new HttpClient(app.url);
      const page = await (await c.get('/espace-usager')).text();
      const res = await c.postForm('/espace-usager/connexion', {}, csrfFrom(page));
      const retour = await suivreFranceConnect(res.headers.get('location')!, 'test');
      const cb = await c.get(retour.pathname + retour.search);
      expect(cb.status).toBe(400);
      expect(await cb.text()).toContain('La réponse de FranceConnect n’a pas pu être vérifiée');
      expect(await (await c.get('/espace-usager')).text()).toContain('S’identifier avec');
    } finally {
      await app?.close();
      await fc?.stop();
    }
  });

  test('the demo usager of the seed is the sandbox’s person (same sub formula, same pivot identity)', () => {
    const i = IDENTITES_TEST_FRANCECONNECT.find((x) => x.identifiant === IDENTIFIANT_BAC_A_SABLE_DEMO)!;
    expect(subBacASable(IDENTIFIANT_BAC_A_SABLE_DEMO)).toBe(i.sub);
    expect(IDENTITE_USAGER_DEMO).toEqual(i.pivot);
  });
});

describe('chaque usager voit exactement les siens', () => {
  let cA: HttpClient;
  let cJ: HttpClient;
  beforeAll(async () => {
    cA = new HttpClient(s.app.url);
    cJ = new HttpClient(s.app.url);
    await connecter(cA, 'test');
    await connecter(cJ, 'plusieurs_prénoms_3');
  });

  test('mandats: their own, in both structures, with structure, démarches, code', async () => {
    const pageA = await texte(cA, '/espace-usager');
    expect(pageA).toContain(`Mandat n° ${angela.mandatA} avec France Services de Lille`);
    expect(pageA).toContain(`Mandat n° ${angela.mandatB} avec CCAS de Brest`);
    expect(pageA).toContain('10 rue Nationale, 59000 Lille');
    expect(pageA).toContain('Argent - Impôts - Consommation');
    expect(pageA).not.toContain(`Mandat n° ${jean.mandat} `);
    const pageJ = await texte(cJ, '/espace-usager');
    expect(pageJ).toContain(`Mandat n° ${jean.mandat} avec France Services de Lille`);
    expect(pageJ).not.toContain(`Mandat n° ${angela.mandatA} `);
    expect(pageJ).not.toContain(`Mandat n° ${angela.mandatB} `);
  });

  test('acts: their own journal entries, newest first, aidant as first name and initial, service when known', async () => {
    const page = await texte(cA, '/espace-usager/actes');
    const ids = [...page.matchAll(/id="acte-(\d+)"/g)].map((m) => Number(m[1]));
    const attendus = await s.t.db('journal').where({ usager_id: angela.id })
      .whereIn('action', ['use_autorisation', 'create_attestation', 'init_renew_mandat', 'cancel_autorisation', 'cancel_mandat'])
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).pluck('id');
    expect(ids).toEqual(attendus);
    expect(page).toContain('Nora P.');
    expect(page).not.toContain('Petit');
    expect(page).toContain('Service : impots.gouv.fr');
    const pageJ = await texte(cJ, '/espace-usager/actes');
    for (const id of attendus) expect(pageJ).not.toContain(`id="acte-${id}"`);
  });

  test('another usager’s mandat or journal entry in a URL is a 404', async () => {
    const entreeJean = (await s.t.db('journal').where({ usager_id: jean.id, action: 'use_autorisation' }).first('id')).id;
    for (const chemin of [
      `/espace-usager/mandats/${jean.mandat}/mandat.pdf`,
      `/espace-usager/mandats/${jean.mandat}/revoquer`,
      `/espace-usager/mandats/${angela.mandatA}/revoquer?autorisation=${(await s.t.db('autorisations').where({ mandat_id: jean.mandat }).first('id')).id}`,
      `/espace-usager/actes/${entreeJean}/signaler`,
      '/espace-usager/mandats/abc/mandat.pdf',
    ]) {
      expect({ chemin, status: (await cA.get(chemin)).status }).toEqual({ chemin, status: 404 });
    }
    const csrf = csrfFrom(await texte(cA, '/espace-usager'));
    expect((await cA.postForm(`/espace-usager/mandats/${jean.mandat}/revoquer`, {}, csrf)).status).toBe(404);
    expect((await cA.postForm(`/espace-usager/actes/${entreeJean}/signaler`, { motif: 'pas_demande' }, csrf)).status).toBe(404);
    expect(await s.t.db('autorisations').where({ mandat_id: jean.mandat }).whereNotNull('revoked_at')).toHaveLength(0);
    expect(await s.t.db('signalements_usager')).toHaveLength(0);
  });

  test('the mandat PDF and the CSV are for the logged-in usager only, and no-store', async () => {
    const pdf = await cA.get(`/espace-usager/mandats/${angela.mandatA}/mandat.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const csv = await cA.get('/espace-usager/actes.csv');
    expect(csv.headers.get('cache-control')).toBe('no-store');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lignes = (await csv.text()).trim().split('\r\n');
    const visibles = await s.t.db('journal').where({ usager_id: angela.id }).whereIn('action', ['use_autorisation', 'create_attestation', 'init_renew_mandat', 'cancel_autorisation', 'cancel_mandat']).count({ n: '*' }).first();
    expect(lignes.length - 1).toBe(Number(visibles!.n));
    expect(lignes[0]).toContain('Date et heure');
    const anonyme = new HttpClient(s.app.url);
    for (const chemin of ['/espace-usager/actes.csv', '/espace-usager/mes-donnees.json', `/espace-usager/mandats/${angela.mandatA}/mandat.pdf`]) {
      const r = await anonyme.get(chemin);
      expect({ chemin, status: r.status, location: r.headers.get('location') }).toEqual({ chemin, status: 303, location: '/espace-usager' });
    }
  });
});

describe('révocation en ligne', () => {
  let c: HttpClient;
  beforeAll(async () => {
    c = new HttpClient(s.app.url);
    await connecter(c, 'test');
  });

  test('one démarche: confirmation page, then the same effect as an aidant’s revocation, journaled as the usager’s; emails with initials only', async () => {
    const autorisation = angela.autorisationsA[0];
    const page = await texte(c, `/espace-usager/mandats/${angela.mandatA}/revoquer?autorisation=${autorisation}`);
    expect(page).toContain('Révoquer une démarche');
    expect(page).toContain('Papiers - Citoyenneté - Élections');
    const champs = { autorisation: String(autorisation) };
    const res = await c.postForm(`/espace-usager/mandats/${angela.mandatA}/revoquer`, champs, csrfFrom(page));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/espace-usager/mandats/${angela.mandatA}/revocation?fin=demarche`);
    // Submitted twice: one revocation.
    const encore = await c.postForm(`/espace-usager/mandats/${angela.mandatA}/revoquer`, champs, csrfFrom(page));
    expect(encore.status).toBe(409);
    expect(await encore.text()).toContain('déjà révoqué');
    expect((await s.t.db('autorisations').where({ id: autorisation }).first()).revoked_at).not.toBeNull();
    const lignes = await s.t.db('journal').where({ autorisation_id: autorisation, action: 'cancel_autorisation' });
    expect(lignes).toHaveLength(1);
    expect(lignes[0]).toMatchObject({ aidant_id: null, structure_id: structureA, usager_id: angela.id, mandat_id: angela.mandatA, additional_information: 'origine=usager' });
    expect((await s.t.db('mandats').where({ id: angela.mandatA }).first()).status).toBe('active');

    const confirmation = await texte(c, res.headers.get('location')!);
    expect(confirmation).toContain('Télécharger l’attestation de révocation');
    const attestation = await c.get(`/espace-usager/mandats/${angela.mandatA}/attestation-revocation.pdf`);
    expect(attestation.status).toBe(200);
    expect(attestation.headers.get('content-type')).toBe('application/pdf');

    const courriels = await s.t.db('outbox').where('idempotency_key', 'like', `revocation-usager-${angela.mandatA}-${autorisation}-%`).orderBy('recipient');
    // Référente and aidants of structure A (Nora, Hugo, Inès), and the usager's receipt.
    expect(courriels.map((m) => m.recipient).sort()).toEqual(['hugo.lambert@lille.fr', 'ines.garnier@lille.fr', 'nora.petit@lille.fr', 'wossewodda-3728@yopmail.com']);
    for (const m of courriels.filter((x) => x.recipient !== 'wossewodda-3728@yopmail.com')) {
      expect(m.body).toContain('A. D.');
      expect(m.body).not.toMatch(/DUBOIS|Angela|1962/);
      expect(m.body).toContain(`${PUBLIC}/usagers/${angela.id}`);
    }
    // The aidant's usager page shows the démarche revoked.
    const fiche = await texte(aidantHttp, `/usagers/${angela.id}`);
    expect(fiche).toMatch(/Papiers - Citoyenneté - Élections<\/strong>\s*— révoquée le/);
    await outboxSettled(s.t.db);
    await s.mail.catcher.waitFor((m) => m.to.includes('wossewodda-3728@yopmail.com') && m.subject === 'Votre révocation est enregistrée');
  });

  test('the whole mandat: revoked, cancel_mandat by the usager, and the mandat’s workflow goes to retention at once', async () => {
    const page = await texte(c, `/espace-usager/mandats/${angela.mandatB}/revoquer`);
    expect(page).toContain('Révoquer le mandat');
    const res = await c.postForm(`/espace-usager/mandats/${angela.mandatB}/revoquer`, {}, csrfFrom(page));
    expect(res.status).toBe(303);
    expect((await s.t.db('mandats').where({ id: angela.mandatB }).first()).status).toBe('revoked');
    expect(await s.t.db('journal').where({ mandat_id: angela.mandatB, action: 'cancel_mandat' })).toEqual([
      expect.objectContaining({ aidant_id: null, usager_id: angela.id, additional_information: 'origine=usager' }),
    ]);
    const fin = Date.now() + 30_000;
    let type = '';
    while (Date.now() < fin) {
      type = (await s.env.client.workflow.getHandle(idVieMandat(angela.mandatB)).describe()).type;
      if (type === 'conservationMandat') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(type).toBe('conservationMandat');
    expect(await s.t.db('outbox').where('idempotency_key', 'like', `revocation-usager-${angela.mandatB}-tout-%`).pluck('recipient')).toEqual(
      expect.arrayContaining(['yann.le-goff@brest.fr', 'loic.tanguy@brest.fr', 'wossewodda-3728@yopmail.com']),
    );
    // The list now shows it revoked, with the date its data will be purged.
    const liste = await texte(c, '/espace-usager');
    expect(liste).toContain('Mandats révoqués');
    expect(liste).toContain('seront supprimées le');
    // The acts say who revoked: the usager, not the structure.
    const actes = await texte(c, '/espace-usager/actes');
    expect(actes).toMatch(/Mandat révoqué<br><span class="fr-text--sm">par vous<\/span>/);
    expect(actes).toMatch(/Mandat signé<br><span class="fr-text--sm">par la structure<\/span>/);
    expect(await (await c.get('/espace-usager/actes.csv')).text()).toMatch(/"Mandat révoqué";"CCAS de Brest";"";"";"";"Vous"/);
  });
});

describe('« Je ne reconnais pas cette action »', () => {
  let c: HttpClient;
  let entree: number;
  beforeAll(async () => {
    c = new HttpClient(s.app.url);
    await connecter(c, 'plusieurs_prénoms_3');
    entree = (await s.t.db('journal').where({ usager_id: jean.id, action: 'use_autorisation' }).first('id')).id;
  });

  test('bad input: a clear message, nothing stored', async () => {
    const page = await texte(c, `/espace-usager/actes/${entree}/signaler`);
    const vide = await c.postForm(`/espace-usager/actes/${entree}/signaler`, {}, csrfFrom(page));
    expect(vide.status).toBe(400);
    expect(await vide.text()).toContain('Choisissez ce qui ne va pas.');
    const long = await c.postForm(`/espace-usager/actes/${entree}/signaler`, { motif: 'autre', precision: 'x'.repeat(1001) }, csrfFrom(page));
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('1000 caractères au plus');
    expect(await s.t.db('signalements_usager')).toHaveLength(0);
  });

  test('stored, journaled, emailed once to the référents and the staff even when the notification runs again', async () => {
    const page = await texte(c, `/espace-usager/actes/${entree}/signaler`);
    const res = await c.postForm(`/espace-usager/actes/${entree}/signaler`, { motif: 'pas_demande', precision: 'Je n’ai jamais demandé d’allocation.' }, csrfFrom(page));
    expect(res.status).toBe(303);
    const [signalement] = await s.t.db('signalements_usager');
    expect(signalement).toMatchObject({ usager_id: jean.id, journal_id: entree, structure_id: structureA, motif: 'pas_demande', etat: 'nouveau' });
    expect(await s.t.db('journal').where({ action: 'signalement_usager', usager_id: jean.id })).toHaveLength(1);
    const cles = async () => (await s.t.db('outbox').where('idempotency_key', 'like', `signalement-usager-${signalement.id}-%`).orderBy('recipient').pluck('recipient'));
    expect(await cles()).toEqual(['camille.bernard@anct.gouv.fr', 'ines.garnier@lille.fr']);
    // A retried notification writes nothing more.
    await notifierSignalement(s.t.db, signalement.id, PUBLIC);
    await notifierSignalement(s.t.db, signalement.id, PUBLIC);
    expect(await cles()).toEqual(['camille.bernard@anct.gouv.fr', 'ines.garnier@lille.fr']);
    await outboxSettled(s.t.db);
    const recus = s.mail.catcher.emails().filter((m) => m.subject === 'Un usager ne reconnaît pas une action faite en son nom');
    expect(recus.map((m) => m.to).flat().sort()).toEqual(['camille.bernard@anct.gouv.fr', 'ines.garnier@lille.fr']);
    expect(recus[0].text).toContain('J. D.');
    expect(recus[0].text).not.toContain('DUBIGNOT');
    // Reported twice: one report.
    const encore = await c.postForm(`/espace-usager/actes/${entree}/signaler`, { motif: 'date' }, csrfFrom(page));
    expect(encore.status).toBe(303);
    expect(await s.t.db('signalements_usager')).toHaveLength(1);
    expect(await texte(c, '/espace-usager/actes')).toContain('Signalé');
  });

  test('listed in the espace référent of the structure only, and in the staff back office; state and comment journaled', async () => {
    const [signalement] = await s.t.db('signalements_usager');
    const pageA = await texte(referentA, '/espace-referent/signalements');
    expect(pageA).toContain(`Signalement n° ${signalement.id}`);
    expect(pageA).toContain('Je n’ai jamais demandé d’allocation.');
    const pageB = await texte(referentB, '/espace-referent/signalements');
    expect(pageB).not.toContain(`Signalement n° ${signalement.id}`);
    const refus = await referentB.postForm(`/espace-referent/signalements/${signalement.id}`, { etat: 'clos', commentaire: 'x' }, csrfFrom(pageB));
    expect(refus.status).toBe(404);
    const ok = await referentA.postForm(`/espace-referent/signalements/${signalement.id}`, { etat: 'en_cours', commentaire: 'Vu avec Nora.' }, csrfFrom(pageA));
    expect(ok.status).toBe(303);
    expect(await s.t.db('signalements_usager').where({ id: signalement.id }).first()).toMatchObject({ etat: 'en_cours', commentaire: 'Vu avec Nora.' });
    const invalide = await referentA.postForm(`/espace-referent/signalements/${signalement.id}`, { etat: 'perdu' }, csrfFrom(pageA));
    expect(invalide.status).toBe(400);
    const pageStaff = await texte(staff, '/staff/signalements');
    expect(pageStaff).toContain(`Signalement n° ${signalement.id}`);
    expect(pageStaff).toContain('En cours');
    const clos = await staff.postForm(`/staff/signalements/${signalement.id}`, { etat: 'clos', commentaire: 'Démarche confirmée par l’usager.' }, csrfFrom(pageStaff));
    expect(clos.status).toBe(303);
    expect(await s.t.db('journal').where({ action: 'signalement_suivi' }).pluck('additional_information')).toEqual([
      `signalement=${signalement.id};etat=en_cours`, `signalement=${signalement.id};etat=clos`,
    ]);
    // A usager's session opens neither page.
    expect((await c.get('/espace-referent/signalements')).status).toBe(303);
  });

  test('more than 5 reports per usager per hour: refused with a message', async () => {
    const mandat = (await s.t.db('mandats').where({ id: jean.mandat }).first());
    const ids: number[] = await s.t.db('journal').insert(Array.from({ length: 6 }, () => ({
      action: 'use_autorisation', aidant_id: aidantA, structure_id: structureA, usager_id: jean.id, mandat_id: mandat.id, demarche: 'famille',
    }))).returning('id').then((rows) => rows.map((r: { id: number }) => r.id));
    const csrf = csrfFrom(await texte(c, '/espace-usager/actes'));
    // The first report above counts: 4 more are accepted, then refused.
    for (const id of ids.slice(0, 4)) expect((await c.postForm(`/espace-usager/actes/${id}/signaler`, { motif: 'date' }, csrf)).status).toBe(303);
    const refus = await c.postForm(`/espace-usager/actes/${ids[4]}/signaler`, { motif: 'date' }, csrf);
    expect(refus.status).toBe(429);
    expect(await refus.text()).toContain('Vous avez déjà envoyé 5 signalements en une heure');
    expect(await s.t.db('signalements_usager').where({ usager_id: jean.id })).toHaveLength(5);
  });
});

describe('pagination', () => {
  test('20 acts per page, newest first; a page past the end shows the last one', async () => {
    const c = new HttpClient(s.app.url);
    await connecter(c, 'plusieurs_prénoms_3');
    const total = Number((await s.t.db('journal').where({ usager_id: jean.id }).whereIn('action', ['use_autorisation', 'create_attestation', 'init_renew_mandat', 'cancel_autorisation', 'cancel_mandat']).count({ n: '*' }).first())!.n);
    expect(total).toBeGreaterThan(0);
    const ajout = 41 - total;
    await s.t.db('journal').insert(Array.from({ length: ajout }, (_, i) => ({
      action: 'use_autorisation', aidant_id: aidantA, structure_id: structureA, usager_id: jean.id, mandat_id: jean.mandat, demarche: 'famille',
      created_at: new Date(Date.now() - (i + 1) * 60_000),
    })));
    const ids = async (n: string) => [...(await texte(c, `/espace-usager/actes?page=${n}`)).matchAll(/id="acte-(\d+)"/g)].map((m) => Number(m[1]));
    const [p1, p2, p3] = [await ids('1'), await ids('2'), await ids('3')];
    expect([p1.length, p2.length, p3.length]).toEqual([20, 20, 1]);
    expect(new Set([...p1, ...p2, ...p3]).size).toBe(41);
    expect(await ids('99')).toEqual(p3);
    expect(await ids('abc')).toEqual(p1);
    const page2 = await texte(c, '/espace-usager/actes?page=2');
    expect(page2).toContain('page 2 sur 3');
    expect(page2).toContain('href="/espace-usager/actes?page=3"');
  });
});

describe('mes données (RGPD)', () => {
  test('the JSON holds exactly the usager’s data, compared with the database; no-store; journaled', async () => {
    const c = new HttpClient(s.app.url);
    await connecter(c, 'test');
    const journalAvant: number[] = await s.t.db('journal').where({ usager_id: angela.id }).orderBy('id').pluck('id');
    const res = await c.get('/espace-usager/mes-donnees.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const d = await res.json() as Record<string, any>;
    const usager = await s.t.db('usagers').where({ id: angela.id }).first();
    expect(d.identite_franceconnect).toEqual({
      given_name: usager.given_name, family_name: usager.family_name, preferred_username: usager.preferred_username, birthdate: usager.birthdate,
      gender: usager.gender, birthplace: usager.birthplace, birthcountry: usager.birthcountry, email: usager.email,
    });
    expect(d.mandats.map((m: { id: number }) => m.id)).toEqual(await s.t.db('mandats').where({ usager_id: angela.id }).orderBy('id').pluck('id'));
    const autorisations = d.mandats.flatMap((m: { autorisations: { id: number }[] }) => m.autorisations.map((a) => a.id)).sort((a: number, b: number) => a - b);
    expect(autorisations).toEqual(await s.t.db('autorisations').whereIn('mandat_id', [angela.mandatA, angela.mandatB]).orderBy('id').pluck('id'));
    expect(d.journal.map((j: { id: number }) => j.id)).toEqual(journalAvant);
    expect(d.signalements).toEqual([]);
    expect(JSON.stringify(d)).not.toContain('DUBIGNOT');
    expect(d.conservation.length).toBeGreaterThan(0);
    expect(await s.t.db('journal').where({ usager_id: angela.id, action: 'export_donnees_usager' })).toHaveLength(1);
    expect(await texte(c, '/espace-usager/mes-donnees')).toContain('6 ans après la fin');
  });
});

describe('sessions séparées', () => {
  test('an aidant’s session never opens /espace-usager; a usager’s never opens an aidant page', async () => {
    const page = await texte(aidantHttp, '/espace-usager');
    expect(page).toContain('S’identifier avec');
    expect(page).not.toContain('Mes mandats');
    const u = new HttpClient(s.app.url);
    await connecter(u, 'test');
    for (const chemin of ['/usagers', '/espace', '/espace-aidant', `/usagers/${angela.id}`]) {
      const r = await u.get(chemin);
      expect({ chemin, status: r.status, vers: r.headers.get('location')?.split('?')[0] }).toEqual({ chemin, status: 303, vers: '/connexion' });
    }
  });

  test('a usager session ends after 30 minutes, however active', async () => {
    const u = new HttpClient(s.app.url);
    await connecter(u, 'test');
    expect(await texte(u, '/espace-usager')).toContain('Mes mandats');
    await s.t.db.raw(`update sessions set sess = jsonb_set(sess, '{usager,loginAt}', to_jsonb(?::bigint)) where sess->'usager' is not null`, [Date.now() - 31 * 60 * 1000]);
    const page = await texte(u, '/espace-usager');
    expect(page).toContain('S’identifier avec');
    expect((await u.get('/espace-usager/actes')).headers.get('location')).toBe('/espace-usager');
    // The FranceConnect ID token kept for the logout is sealed at rest.
    const sessions: { sess: Record<string, any> }[] = await s.t.db('sessions').whereRaw(`sess->'usager' is not null`).select('sess');
    expect(sessions.length).toBeGreaterThan(0);
    for (const row of sessions) expect(JSON.stringify(row.sess)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    // « Se déconnecter » after the end still ends FranceConnect's session.
    const res = await u.postForm('/espace-usager/deconnexion', {}, csrfFrom(page));
    const apres = await suivreDeconnexionFranceConnect(res.headers.get('location')!);
    expect(await texte(u, apres.pathname + apres.search)).toContain('Votre session a expiré');
  });

  test('« Se déconnecter » ends the usager session and the FranceConnect session', async () => {
    const u = new HttpClient(s.app.url);
    await connecter(u, 'test');
    const page = await texte(u, '/espace-usager');
    const res = await u.postForm('/espace-usager/deconnexion', {}, csrfFrom(page));
    expect(res.status).toBe(303);
    const logout = new URL(res.headers.get('location')!);
    expect(logout.origin).toBe(s.fc!.fake.issuer);
    expect(logout.searchParams.get('id_token_hint')).toBeTruthy();
    const apres = await suivreDeconnexionFranceConnect(logout.href);
    expect(apres.pathname).toBe('/espace-usager/deconnecte');
    expect(await texte(u, apres.pathname + apres.search)).toContain('Vous êtes déconnecté');
    expect(await texte(u, '/espace-usager')).toContain('S’identifier avec');
  });
});

describe('données de démonstration', () => {
  test('after the seed, the demo usager logs in on the sandbox and sees their two mandats and the acts done in their name', async () => {
    const { seedDemo } = await import('../../db/seed/index.ts');
    const r = await seedDemo(s.t.db);
    expect(r.usagerDemo.mandatIds).toHaveLength(2);
    expect(await seedDemo(s.t.db)).toEqual(r);
    const c = new HttpClient(s.app.url);
    await connecter(c, IDENTIFIANT_BAC_A_SABLE_DEMO);
    const mandats = await texte(c, '/espace-usager');
    for (const id of r.usagerDemo.mandatIds) expect(mandats).toContain(`Mandat n° ${id} avec France Services de Saint-Denis`);
    expect(mandats).toContain('Mandats actifs');
    expect(mandats).toContain('Mandats expirés');
    const actes = await texte(c, '/espace-usager/actes');
    expect([...actes.matchAll(/Démarche réalisée en votre nom/g)]).toHaveLength(12);
    expect(actes).toContain('Service : impots.gouv.fr');
  });
});
