// Creating, listing, renewing and revoking mandats over HTTP, with the usager identified by the local
// FranceConnect sandbox, the mandat's workflow on the time-skipping server — and every refusal, with the
// database unchanged.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generate } from 'otplib';
import { createStructure, createAccount, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { snapshotCounts } from '../helpers/db.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { suivreFranceConnect } from '../helpers/franceconnect.ts';
import { createActivities } from '../../activities/index.ts';
import { textePdf } from '../helpers/pdf.ts';
import { enregistrerUsager } from '../../db/queries/mandats.ts';

let s: ServiceStack;
let structureA: number;
let structureB: number;
let aidant: HttpClient;
let aidantSecret: string;
let aidantId: number;
let autreSecret: string;
let autreId: number;
/**
 * Each recap consumes the current time step of the aidant's app; the test forgets the last step used so it
 * need not wait 30 seconds between two creations (the replay guard itself is tested with the login).
 */
async function codeFrais(): Promise<string> {
  await s.t.db('totp_devices').where({ aidant_id: aidantId }).update({ last_time_step: null });
  return generate({ secret: aidantSecret, period: 30 });
}
let autre: HttpClient;
let referent: HttpClient;

const PUBLIC = 'http://app.test';

beforeAll(async () => {
  s = await startServiceStack(PUBLIC, { franceConnect: true });
  structureA = await createStructure(s.t.db, { name: 'France Services de Lille' });
  structureB = await createStructure(s.t.db, { name: 'CCAS de Brest' });
  const a = await createAccount(s.t.db, { email: 'nora.petit@lille.fr', first_name: 'Nora', last_name: 'Petit', structureId: structureA });
  aidantSecret = a.totpSecret;
  aidantId = a.aidant.id;
  aidant = new HttpClient(s.app.url);
  await loginHttp(aidant, s.mail.catcher, 'nora.petit@lille.fr', a.totpSecret);
  const b = await createAccount(s.t.db, { email: 'yann.le-goff@brest.fr', first_name: 'Yann', last_name: 'Le Goff', structureId: structureB });
  autreSecret = b.totpSecret;
  autreId = b.aidant.id;
  autre = new HttpClient(s.app.url);
  await loginHttp(autre, s.mail.catcher, 'yann.le-goff@brest.fr', b.totpSecret);
  const r = await createAccount(s.t.db, { email: 'ines.garnier@lille.fr', first_name: 'Inès', last_name: 'Garnier', structureId: structureA, referent: true, can_create_mandats: false });
  referent = new HttpClient(s.app.url);
  await loginHttp(referent, s.mail.catcher, 'ines.garnier@lille.fr', r.totpSecret);
});
afterAll(async () => {
  await s?.stop();
});

/** The form, then FranceConnect as `identite`; returns the path of our callback with FranceConnect's answer. */
async function commencer(client: HttpClient, champs: Record<string, string | string[]>, identite: string): Promise<string> {
  const form = await (await client.get('/mandats/nouveau')).text();
  const res = await client.postForm('/mandats/nouveau', champs, csrfFrom(form));
  expect(res.status).toBe(303);
  const retour = await suivreFranceConnect(res.headers.get('location')!, identite);
  expect(retour.origin + retour.pathname).toBe(`${PUBLIC}/mandats/nouveau/franceconnect`);
  return retour.pathname + retour.search;
}

async function recapitulatif(client: HttpClient, champs: Record<string, string>) {
  const page = await client.get('/mandats/nouveau/recapitulatif');
  const html = await page.text();
  return { page: html, res: await client.postForm('/mandats/nouveau/recapitulatif', champs, csrfFrom(html)) };
}

async function creer(identite: string, demarches: string[], duree = 'LONG'): Promise<{ usagerId: number; mandatId: number }> {
  const retour = await commencer(aidant, { demarches, duree, telephone: '06 11 22 33 44' }, identite);
  const cb = await aidant.get(retour);
  expect(cb.status).toBe(303);
  const { page, res } = await recapitulatif(aidant, { consentement: 'oui', code: await codeFrais() });
  expect(page).toContain('Récapitulatif du mandat');
  expect(res.status).toBe(303);
  const m = res.headers.get('location')!.match(/^\/usagers\/(\d+)#mandat-(\d+)$/)!;
  return { usagerId: Number(m[1]), mandatId: Number(m[2]) };
}

const journal = (mandatId: number) => s.t.db('journal').where({ mandat_id: mandatId }).orderBy('id').pluck('action');

describe('création d’un mandat en présence de l’usager', () => {
  let premier: { usagerId: number; mandatId: number };

  test('form → FranceConnect → recap with TOTP: usager, mandat, autorisations, journal and workflow', async () => {
    premier = await creer('test', ['papiers', 'argent']);
    const usager = await s.t.db('usagers').where({ id: premier.usagerId }).first();
    expect(usager).toMatchObject({ given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', birthplace: '75107', birthcountry: '99100' });
    // The mobile is the creating structure's (issue 18, item 6).
    expect(await s.t.db('usager_contacts').where({ usager_id: premier.usagerId }).select('structure_id', 'phone')).toEqual([{ structure_id: structureA, phone: '+33611223344' }]);
    expect(usager.sub).toMatch(/^[0-9a-f]{64}$/);
    const mandat = await s.t.db('mandats').where({ id: premier.mandatId }).first();
    expect(mandat).toMatchObject({ structure_id: structureA, status: 'active', duree_keyword: 'LONG', ended_at: null });
    expect(mandat.expires_at.getTime() - mandat.created_at.getTime()).toBe(365 * 24 * 3600 * 1000);
    expect((await s.t.db('autorisations').where({ mandat_id: premier.mandatId }).pluck('demarche')).sort()).toEqual(['argent', 'papiers']);
    expect(await s.t.db('journal').where({ usager_id: premier.usagerId }).orderBy('id').pluck('action')).toEqual([
      'franceconnect_usager', 'create_attestation', 'create_autorisation', 'create_autorisation',
    ]);
    const description = await s.env.client.workflow.getHandle(`mandat-${premier.mandatId}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect((await s.t.db('mandats').where({ id: premier.mandatId }).first()).workflow_started_at).not.toBeNull();
    const page = await (await aidant.get(`/usagers/${premier.usagerId}`)).text();
    expect(page).toContain('Le mandat a été créé.');
    expect(page).toContain('Papiers - Citoyenneté - Élections');
    expect(page).toContain('Mandats actifs');
  });

  test('a double submit or a back-and-resubmit creates one mandat', async () => {
    const avant = await snapshotCounts(s.t.db);
    const again = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await codeFrais() }, csrfFrom(await (await aidant.get('/usagers')).text()));
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/usagers/${premier.usagerId}`);
    expect(await snapshotCounts(s.t.db)).toEqual(avant);
  });

  test('the reminder email before expiry links to the usager’s page, where the aidant renews or revokes', async () => {
    const { rappelerExpirationMandat } = createActivities({ db: s.t.db, mailer: s.mail.mailer, publicUrl: PUBLIC });
    const expiration = (await s.t.db('mandats').where({ id: premier.mandatId }).first()).expires_at.getTime();
    expect(await rappelerExpirationMandat({ mandatId: premier.mandatId, maintenantMs: expiration - 30 * 24 * 3600 * 1000 })).toMatchObject({ issue: 'rappele' });
    const courriel = await s.mail.catcher.waitFor((m) => m.to.includes('nora.petit@lille.fr') && m.subject.includes('arrive à échéance'));
    const lien = new URL(courriel.text.match(/https?:\/\/\S+\/usagers\/\d+/)![0]);
    expect(lien.origin).toBe(PUBLIC);
    const page = await aidant.get(lien.pathname);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('DUBOIS');
    expect(html).toContain('Renouveler le mandat');
    expect(html).toContain('Révoquer le mandat');
  });

  test('the same person again: usager updated, not duplicated; overlapping autorisation superseded', async () => {
    const second = await creer('test', ['papiers', 'famille'], 'MONTH');
    expect(second.usagerId).toBe(premier.usagerId);
    const anciennes = await s.t.db('autorisations').where({ mandat_id: premier.mandatId }).orderBy('demarche');
    expect(anciennes.find((a) => a.demarche === 'papiers').revoked_at).not.toBeNull();
    expect(anciennes.find((a) => a.demarche === 'argent').revoked_at).toBeNull();
    expect(await journal(premier.mandatId)).toContain('cancel_autorisation');
    expect((await s.t.db('mandats').where({ id: premier.mandatId }).first()).status).toBe('active');
    expect(await s.t.db('usagers').count({ n: '*' }).first()).toEqual({ n: 1 });
    // Journaled in the order things happened, though written in one statement at the end (api/mandats/creation.ts).
    expect((await s.t.db('journal').where({ usager_id: premier.usagerId }).orderBy('id').pluck('action')).slice(-5)).toEqual([
      'franceconnect_usager', 'cancel_autorisation', 'create_attestation', 'create_autorisation', 'create_autorisation',
    ]);
  });

  test('a known usager whose email changed at FranceConnect: stored, and journaled without the address', async () => {
    const aidantId = (await s.t.db('aidants').where({ email: 'nora.petit@lille.fr' }).first()).id;
    const contexte = { aidant_id: aidantId, structure_id: structureA };
    const identite = { given_name: 'Jeanne', family_name: 'MARTIN', birthdate: '1950-02-03', gender: 'female' as const, birthplace: '75107', birthcountry: '99100', email: 'jeanne@example.test' };
    const enregistrer = (email: string) => s.t.db.transaction((trx) => enregistrerUsager(trx, { usager: { sub: 'sub-courriel-change', identite: { ...identite, email } }, telephone: null }, contexte));
    const premiere = await enregistrer('jeanne@example.test');
    expect(premiere).toMatchObject({ nouveau: true, journal: [{ action: 'franceconnect_usager' }] });
    const meme = await enregistrer('jeanne@example.test');
    expect(meme).toMatchObject({ id: premiere!.id, nouveau: false, journal: [{ action: 'franceconnect_usager' }] });
    const change = await enregistrer('jeanne.martin@example.test');
    expect(change).toMatchObject({ id: premiere!.id, nouveau: false });
    expect(change!.journal.map((e) => e.action)).toEqual(['update_email_usager', 'franceconnect_usager']);
    expect((await s.t.db('usagers').where({ id: premiere!.id }).first()).email).toBe('jeanne.martin@example.test');
    await s.t.db('usagers').where({ id: premiere!.id }).delete();
  });

  test('a usager born abroad and one with a partly unknown birth date are stored exactly as received', async () => {
    const { usagerId } = await creer('naissance_Espagne', ['etranger']);
    const u = await s.t.db('usagers').where({ id: usagerId }).first();
    expect(u.birthplace === '' || u.birthplace === null).toBe(true);
    expect(u.birthcountry).not.toBe('99100');
    const inconnue = await creer('étranger_présumé_né_jour_et_mois', ['social'], 'SHORT');
    expect((await s.t.db('usagers').where({ id: inconnue.usagerId }).first()).birthdate).toMatch(/-00$/);
  });
});

describe('refus, sans rien écrire', () => {
  const rien = async (action: () => Promise<void>) => {
    const avant = await snapshotCounts(s.t.db);
    await action();
    const apres = await snapshotCounts(s.t.db);
    // Sessions and rate-limit counters move; the domain tables do not.
    for (const table of ['usagers', 'mandats', 'autorisations', 'journal']) expect(apres[table]).toBe(avant[table]);
  };

  test('no démarche, a démarche the structure does not allow, an unknown duration', async () => {
    await s.t.db('structures').where({ id: structureA }).update({ allowed_demarches: ['papiers', 'famille', 'social', 'argent', 'etranger', 'logement'] });
    await rien(async () => {
      const form = await (await aidant.get('/mandats/nouveau')).text();
      expect(form).not.toContain('value="justice"');
      for (const champs of [{ duree: 'LONG' } as Record<string, string>, { demarches: 'justice', duree: 'LONG' }, { demarches: 'papiers', duree: 'EUS_03_20' }, { demarches: 'papiers', duree: 'LONG', telephone: '01 23' }]) {
        const res = await aidant.postForm('/mandats/nouveau', champs, csrfFrom(form));
        expect(res.status).toBe(400);
        expect(await res.text()).toMatch(/Choisissez au moins une démarche|n’est pas autorisée|Choisissez la durée|numéro de mobile/);
      }
    });
  });

  test('FranceConnect cancelled, state tampered, state reused', async () => {
    await rien(async () => {
      const annule = await commencer(aidant, { demarches: 'papiers', duree: 'LONG' }, 'annuler');
      const res = await aidant.get(annule);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Le mandat n’a pas été créé');

      const retour = await commencer(aidant, { demarches: 'papiers', duree: 'LONG' }, 'test');
      const falsifie = retour.replace(/state=([0-9a-f])/, (_m, c: string) => `state=${c === 'a' ? 'b' : 'a'}`);
      const refus = await aidant.get(falsifie);
      expect(refus.status).toBe(400);
      expect(await refus.text()).toContain('n&#39;est plus valable');
      // Issue 18, item 7: a return with another state (a stray link, a GET an attacker induces) consumes
      // nothing — the genuine return that follows still identifies the usager, once.
      const sansState = await aidant.get(retour.replace(/[?&]state=[0-9a-f]+/, ''));
      expect(sansState.status).toBe(400);
      const vrai = await aidant.get(retour);
      expect(vrai.status).toBe(303);
      const rejoue = await aidant.get(retour);
      expect([rejoue.status, rejoue.headers.get('location')]).toEqual([400, null]);

      const encore = await commencer(aidant, { demarches: 'papiers', duree: 'LONG' }, 'test');
      expect((await aidant.get(encore)).status).toBe(303);
      expect((await aidant.get(encore)).status).toBe(400);
    });
  });

  test('a wrong TOTP or no consent on the recap; a creation older than 30 minutes', async () => {
    await rien(async () => {
      const retour = await commencer(aidant, { demarches: 'famille', duree: 'SEMESTER' }, 'test');
      expect((await aidant.get(retour)).status).toBe(303);
      const faux = await recapitulatif(aidant, { consentement: 'oui', code: '000000' });
      expect(faux.res.status).toBe(401);
      expect(await faux.res.text()).toContain('Ce code est incorrect');
      const sansConsentement = await recapitulatif(aidant, { code: await codeFrais() });
      expect(sansConsentement.res.status).toBe(400);
      expect(await sansConsentement.res.text()).toContain('Cochez la case');
      await s.t.db('sessions').update({ sess: s.t.db.raw(`jsonb_set(sess, '{brouillonMandat,creeLeMs}', to_jsonb(0))`) }).whereRaw(`jsonb_exists(sess, 'brouillonMandat')`);
      const tard = await recapitulatif(aidant, { consentement: 'oui', code: await codeFrais() });
      expect(tard.res.status).toBe(400);
      expect(await tard.res.text()).toContain('plus de 30 minutes');
    });
  });

  test('a référent who is not an aidant cannot create mandats', async () => {
    expect((await referent.get('/mandats/nouveau')).status).toBe(403);
    expect((await referent.get('/usagers')).status).toBe(403);
  });
});

describe('usagers, renouvellement et révocation', () => {
  let cible: { usagerId: number; mandatId: number };
  beforeAll(async () => {
    cible = await creer('carac_speciaux', ['logement', 'social']);
  });

  test('the list searches by name and shows only the structure’s usagers', async () => {
    const tous = await (await aidant.get('/usagers')).text();
    expect(tous).toContain('DUBOIS');
    const cherche = await (await aidant.get('/usagers?recherche=dubois')).text();
    expect(cherche).toContain('DUBOIS');
    expect(cherche).not.toContain('DURANT');
    expect(await (await aidant.get('/usagers?recherche=zzzz')).text()).toContain('Aucun usager ne correspond');
    expect(await (await autre.get('/usagers')).text()).not.toContain('DUBOIS');
  });

  test('an aidant of another structure gets 404 on everything of this one', async () => {
    const avant = await snapshotCounts(s.t.db);
    expect((await autre.get(`/usagers/${cible.usagerId}`)).status).toBe(404);
    expect((await autre.get(`/mandats/${cible.mandatId}/revoquer`)).status).toBe(404);
    expect((await autre.get(`/mandats/nouveau?usager=${cible.usagerId}`)).status).toBe(404);
    const form = await (await autre.get('/mandats/nouveau')).text();
    expect((await autre.postForm(`/mandats/${cible.mandatId}/revoquer`, {}, csrfFrom(form))).status).toBe(404);
    expect((await autre.postForm(`/mandats/nouveau?usager=${cible.usagerId}`, { demarches: 'papiers', duree: 'LONG' }, csrfFrom(form))).status).toBe(404);
    expect((await aidant.get('/usagers/abc')).status).toBe(404);
    expect(await snapshotCounts(s.t.db)).toEqual(avant);
  });

  test('revoke one autorisation, then the whole mandat: journal, status, workflow told', async () => {
    const [logement] = await s.t.db('autorisations').where({ mandat_id: cible.mandatId, demarche: 'logement' }).pluck('id');
    const confirmation = await aidant.get(`/mandats/${cible.mandatId}/revoquer?autorisation=${logement}`);
    expect(confirmation.status).toBe(200);
    const html = await confirmation.text();
    expect(html).toContain('Révoquer une démarche');
    const une = await aidant.postForm(`/mandats/${cible.mandatId}/revoquer`, { autorisation: String(logement) }, csrfFrom(html));
    expect(une.status).toBe(303);
    expect((await s.t.db('mandats').where({ id: cible.mandatId }).first()).status).toBe('active');

    const tout = await aidant.get(`/mandats/${cible.mandatId}/revoquer`);
    const res = await aidant.postForm(`/mandats/${cible.mandatId}/revoquer`, {}, csrfFrom(await tout.text()));
    expect(res.status).toBe(303);
    const mandat = await s.t.db('mandats').where({ id: cible.mandatId }).first();
    expect(mandat.status).toBe('revoked');
    expect(mandat.ended_at).not.toBeNull();
    expect(await journal(cible.mandatId)).toEqual(expect.arrayContaining(['cancel_autorisation', 'cancel_autorisation', 'cancel_mandat']));
    const page = await (await aidant.get(`/usagers/${cible.usagerId}`)).text();
    expect(page).toContain('Mandats révoqués');
    // Revoking again changes nothing.
    const avant = await snapshotCounts(s.t.db);
    const encore = await aidant.postForm(`/mandats/${cible.mandatId}/revoquer`, {}, csrfFrom(page));
    expect(encore.status).toBe(303);
    expect(await snapshotCounts(s.t.db)).toEqual(avant);
  });

  test('renewal reuses the stored identity (no FranceConnect) and creates a new mandat', async () => {
    const form = await aidant.get(`/mandats/nouveau?usager=${cible.usagerId}`);
    expect(form.status).toBe(200);
    const res = await aidant.postForm(`/mandats/nouveau?usager=${cible.usagerId}`, { demarches: ['social'], duree: 'MONTH' }, csrfFrom(await form.text()));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/mandats/nouveau/recapitulatif');
    expect(await s.t.db('journal').where({ usager_id: cible.usagerId, action: 'init_renew_mandat' }).count({ n: '*' }).first()).toEqual({ n: 1 });
    const { res: cree } = await recapitulatif(aidant, { consentement: 'oui', code: await codeFrais() });
    expect(cree.status).toBe(303);
    expect(cree.headers.get('location')).toMatch(new RegExp(`^/usagers/${cible.usagerId}#mandat-\\d+$`));
    expect(await s.t.db('mandats').where({ usager_id: cible.usagerId, status: 'active' }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });
});

describe('démarches autorisées de la structure', () => {
  test('the référent sets them; a removed démarche stays on existing autorisations but cannot be chosen', async () => {
    const page = await referent.get('/espace-referent/demarches');
    expect(page.status).toBe(200);
    const html = await page.text();
    const res = await referent.postForm(`/espace-referent/demarches/${structureA}`, { demarches: ['famille', 'social'] }, csrfFrom(html));
    expect(res.status).toBe(303);
    expect((await s.t.db('structures').where({ id: structureA }).first()).allowed_demarches).toEqual(['famille', 'social']);
    expect(await s.t.db('autorisations').where({ demarche: 'argent' }).whereNull('revoked_at').count({ n: '*' }).first()).toEqual({ n: 1 });
    const form = await (await aidant.get('/mandats/nouveau')).text();
    expect(form).not.toContain('value="argent"');
    expect(form).toContain('value="famille"');
  });

  test('none, an unknown one, or another structure: refused', async () => {
    const html = await (await referent.get('/espace-referent/demarches')).text();
    const avant = await snapshotCounts(s.t.db);
    expect((await referent.postForm(`/espace-referent/demarches/${structureA}`, {}, csrfFrom(html))).status).toBe(400);
    expect((await referent.postForm(`/espace-referent/demarches/${structureA}`, { demarches: 'magie' }, csrfFrom(html))).status).toBe(400);
    expect((await referent.postForm(`/espace-referent/demarches/${structureB}`, { demarches: 'papiers' }, csrfFrom(html))).status).toBe(404);
    expect((await autre.get('/espace-referent/demarches')).status).toBe(403);
    expect((await autre.get(`/staff/structures/${structureA}`)).status).toBe(403);
    expect(await snapshotCounts(s.t.db)).toEqual(avant);
  });
});

describe('issue 18: contact details', () => {
  test('issue 18, item 6: the mobile structure B enters is B’s: not on structure A’s page nor in A’s PDF; the identity stays shared', async () => {
    const deA = await creer('plusieurs_prénoms_3', ['famille']);
    const retour = await commencer(autre, { demarches: 'famille', duree: 'SHORT', telephone: '07 98 76 54 32' }, 'plusieurs_prénoms_3');
    expect((await autre.get(retour)).status).toBe(303);
    await s.t.db('totp_devices').where({ aidant_id: autreId }).update({ last_time_step: null });
    const { res } = await recapitulatif(autre, { consentement: 'oui', code: await generate({ secret: autreSecret, period: 30 }) });
    expect(res.status).toBe(303);
    const [, usagerB, mandatB] = res.headers.get('location')!.match(/^\/usagers\/(\d+)#mandat-(\d+)$/)!.map(Number);
    // The same person (FranceConnect's identity is shared), two structures' own numbers.
    expect(usagerB).toBe(deA.usagerId);
    expect(await s.t.db('usager_contacts').where({ usager_id: usagerB }).orderBy('structure_id').select('structure_id', 'phone'))
      .toEqual([{ structure_id: structureA, phone: '+33611223344' }, { structure_id: structureB, phone: '+33798765432' }].sort((x, y) => x.structure_id - y.structure_id));
    const pageA = await (await aidant.get(`/usagers/${deA.usagerId}`)).text();
    expect(pageA).toContain('DUBIGNOT');
    expect(pageA).not.toMatch(/98 ?76 ?54 ?32|798765432/);
    expect(pageA).toMatch(/11 ?22 ?33 ?44|611223344/);
    const pdfA = await aidant.get(`/mandats/${deA.mandatId}/mandat.pdf`);
    expect(pdfA.status).toBe(200);
    const texteA = (await textePdf(Buffer.from(await pdfA.arrayBuffer()))).join(' ');
    expect(texteA).toContain('DUBIGNOT');
    expect(texteA).not.toMatch(/98 ?76 ?54 ?32|798765432/);
    const pageB = await (await autre.get(`/usagers/${usagerB}`)).text();
    expect(pageB).toMatch(/98 ?76 ?54 ?32|798765432/);
    expect(pageB).not.toMatch(/11 ?22 ?33 ?44|611223344/);
    const texteB = (await textePdf(Buffer.from(await (await autre.get(`/mandats/${mandatB}/mandat.pdf`)).arrayBuffer()))).join(' ');
    expect(texteB).not.toMatch(/11 ?22 ?33 ?44|611223344/);
  });
});
