// What the aidant hits with the usager at the desk (issue 18, « What the aidant hits »), over HTTP on the whole
// service (FranceConnect sandbox, time-skipping Temporal): printing, the recap's code, renewal from a mandat,
// names instead of INSEE codes, the remote waiting page, the 15-minute re-check, the identity provider's
// cancellation, a deactivated aidant's page.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generate } from 'otplib';
import { createStructure, createAccount, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { csrfFrom, HttpClient } from '../../scripts/fixtures/web.ts';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { suivreFranceConnect } from '../helpers/franceconnect.ts';
import { textePdf } from '../helpers/pdf.ts';

let s: ServiceStack;
let structureA: number;
let aidant: HttpClient;
let aidantSecret: string;
let aidantId: number;
let autre: HttpClient;

const PUBLIC = 'http://app.test';

/** A fresh code of the aidant's app: the test forgets the last time step used (see tests/integration/mandats.test.ts). */
async function codeFrais(): Promise<string> {
  await s.t.db('totp_devices').where({ aidant_id: aidantId }).update({ last_time_step: null });
  return generate({ secret: aidantSecret, period: 30 });
}

beforeAll(async () => {
  s = await startServiceStack(PUBLIC, { franceConnect: true });
  structureA = await createStructure(s.t.db, { name: 'France Services de Roubaix' });
  const a = await createAccount(s.t.db, { email: 'samia.haddad@roubaix.fr', first_name: 'Samia', last_name: 'Haddad', structureId: structureA });
  aidantSecret = a.totpSecret;
  aidantId = a.aidant.id;
  aidant = new HttpClient(s.app.url);
  await loginHttp(aidant, s.mail.catcher, 'samia.haddad@roubaix.fr', a.totpSecret);
  const structureB = await createStructure(s.t.db, { name: 'CCAS de Vannes' });
  const b = await createAccount(s.t.db, { email: 'erwan.guillou@vannes.fr', first_name: 'Erwan', last_name: 'Guillou', structureId: structureB });
  autre = new HttpClient(s.app.url);
  await loginHttp(autre, s.mail.catcher, 'erwan.guillou@vannes.fr', b.totpSecret);
});
afterAll(async () => {
  await s?.stop();
});

/** The form, then FranceConnect as `identite`, then our callback: the recap is next. */
async function jusquAuRecapitulatif(champs: Record<string, string | string[]>, identite: string): Promise<string> {
  const form = await (await aidant.get('/mandats/nouveau')).text();
  const res = await aidant.postForm('/mandats/nouveau', champs, csrfFrom(form));
  expect(res.status).toBe(303);
  const retour = await suivreFranceConnect(res.headers.get('location')!, identite);
  expect((await aidant.get(retour.pathname + retour.search)).status).toBe(303);
  const recap = await aidant.get('/mandats/nouveau/recapitulatif');
  expect(recap.status).toBe(200);
  return recap.text();
}

async function creer(identite: string, demarches: string[], duree = 'LONG', telephone = '0611223344'): Promise<{ usagerId: number; mandatId: number }> {
  const recap = await jusquAuRecapitulatif({ demarches, duree, telephone, modalite: 'presence' }, identite);
  const res = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await codeFrais() }, csrfFrom(recap));
  expect(res.status).toBe(303);
  const m = res.headers.get('location')!.match(/^\/usagers\/(\d+)#mandat-(\d+)$/)!;
  return { usagerId: Number(m[1]), mandatId: Number(m[2]) };
}

describe('au guichet', () => {
  test('1. the PDFs open in the browser to print (inline), « Télécharger » saves them (attachment)', async () => {
    const { usagerId, mandatId } = await creer('test', ['papiers']);
    const page = await (await aidant.get(`/usagers/${usagerId}`)).text();
    expect(page).toMatch(new RegExp(`<a class="fr-btn[^"]*" href="/mandats/${mandatId}/mandat.pdf"[^>]*>Imprimer le mandat<`));
    expect(page).toContain(`href="/mandats/${mandatId}/mandat.pdf?telecharger=1" download>Télécharger<`);
    const imprimer = await aidant.get(`/mandats/${mandatId}/mandat.pdf`);
    expect([imprimer.status, imprimer.headers.get('content-type'), imprimer.headers.get('content-disposition')])
      .toEqual([200, 'application/pdf', `inline; filename="mandat-${mandatId}.pdf"`]);
    const telecharger = await aidant.get(`/mandats/${mandatId}/mandat.pdf?telecharger=1`);
    expect(telecharger.headers.get('content-disposition')).toBe(`attachment; filename="mandat-${mandatId}.pdf"`);
  });

  test('2. a recap sent without the consent box does not use the code: the same code then creates the mandat', async () => {
    const recap = await jusquAuRecapitulatif({ demarches: ['logement'], duree: 'MONTH', modalite: 'presence' }, 'test');
    const code = await codeFrais();
    const sansCase = await aidant.postForm('/mandats/nouveau/recapitulatif', { code }, csrfFrom(recap));
    expect(sansCase.status).toBe(400);
    expect(await sansCase.text()).toContain('Cochez la case pour attester du consentement');
    expect(await s.t.db('totp_devices').where({ aidant_id: aidantId }).first('last_time_step')).toEqual({ last_time_step: null });
    const cree = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code }, csrfFrom(recap));
    expect(cree.status).toBe(303);
    expect(cree.headers.get('location')).toMatch(/^\/usagers\/\d+#mandat-\d+$/);
  });

  test('3. « Renouveler » on a mandat opens the renewal form with its démarches and duration ticked', async () => {
    const { usagerId, mandatId } = await creer('avec_nom_dusage', ['papiers', 'social', 'travail'], 'SEMESTER');
    const [travail] = await s.t.db('autorisations').where({ mandat_id: mandatId, demarche: 'travail' }).pluck('id');
    const usager = await (await aidant.get(`/usagers/${usagerId}`)).text();
    const revoquer = await aidant.get(`/mandats/${mandatId}/revoquer?autorisation=${travail}`);
    expect((await aidant.postForm(`/mandats/${mandatId}/revoquer`, { autorisation: String(travail) }, csrfFrom(await revoquer.text()))).status).toBe(303);
    expect(usager).toContain(`href="/mandats/${mandatId}/renouveler">Renouveler<span class="fr-sr-only"> le mandat n° ${mandatId}</span>`);
    const form = await aidant.get(`/mandats/${mandatId}/renouveler`);
    expect(form.status).toBe(200);
    const page = await form.text();
    expect(page).toContain('Renouveler le mandat de Pierre MERCIER');
    const cochees = [...page.matchAll(/<input type="(?:checkbox|radio)" id="([a-z]+-[a-zA-Z]+)" name="(?:demarches|duree)" value="[^"]+" checked/g)].map((m) => m[1]);
    expect(cochees.sort()).toEqual(['demarche-papiers', 'demarche-social', 'duree-SEMESTER']);
    expect(page).toContain(`action="/mandats/nouveau?usager=${usagerId}"`);
    // Another structure's mandat, or no mandat at all: not found.
    expect((await autre.get(`/mandats/${mandatId}/renouveler`)).status).toBe(404);
    expect((await aidant.get('/mandats/999999/renouveler')).status).toBe(404);
    expect((await aidant.get('/mandats/abc/renouveler')).status).toBe(404);
  });

  test('4. the recap, the usager page and the PDF write the birthplace by name and the phone the French way', async () => {
    const recap = await jusquAuRecapitulatif({ demarches: ['famille'], duree: 'LONG', telephone: '+33698765432', modalite: 'presence' }, 'test');
    expect(recap).toContain('<dt class="fr-text--bold">Lieu de naissance</dt><dd>Paris 7e Arrondissement (75)</dd>');
    expect(recap).toContain('<dd>06 98 76 54 32</dd>');
    expect(recap).not.toContain('75107');
    const cree = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await codeFrais() }, csrfFrom(recap));
    const [, usagerId, mandatId] = cree.headers.get('location')!.match(/^\/usagers\/(\d+)#mandat-(\d+)$/)!.map(Number);
    expect(await (await aidant.get(`/usagers/${usagerId}`)).text()).toMatch(/Né\(e\) le 24\/08\/1962 à Paris 7e Arrondissement \(75\) · \S+ · 06 98 76 54 32<\/p>/);
    const pdf = (await textePdf(Buffer.from(await (await aidant.get(`/mandats/${mandatId}/mandat.pdf`)).arrayBuffer()))).join(' ');
    expect(pdf).toContain('Lieu de naissance : Paris 7e Arrondissement (75)');
    expect(pdf).toContain('06 98 76 54 32');
    expect(pdf).not.toContain('INSEE');

    const etranger = await jusquAuRecapitulatif({ demarches: ['famille'], duree: 'LONG', modalite: 'presence' }, 'naissance_Espagne');
    expect(etranger).toContain('<dt class="fr-text--bold">Lieu de naissance</dt><dd>Espagne</dd>');
    expect(etranger).not.toContain('99134');
  });

  test('9. a deactivated aidant’s page says when, by whom and why the account was deactivated', async () => {
    const r = await createAccount(s.t.db, { email: 'louise.lambert@roubaix.fr', first_name: 'Louise', last_name: 'Lambert', structureId: structureA, referent: true, can_create_mandats: false });
    const referent = new HttpClient(s.app.url);
    await loginHttp(referent, s.mail.catcher, 'louise.lambert@roubaix.fr', r.totpSecret);
    const { aidant: cible } = await createAccount(s.t.db, { email: 'hugo.marchand@roubaix.fr', first_name: 'Hugo', last_name: 'Marchand', structureId: structureA });
    const page = `/espace-referent/aidants/${cible.id}`;
    const confirmation = await (await referent.get(`${page}/desactivation`)).text();
    expect((await referent.postForm(`${page}/desactivation`, { raison: 'autre', precision: 'Détaché au CCAS, retour en 2027' }, csrfFrom(confirmation))).status).toBe(303);
    const html = await (await referent.get(page)).text();
    const ligne = await s.t.db('journal').where({ action: 'aidant_deactivation', additional_information: `aidant.id=${cible.id}, raison=Autre raison : Détaché au CCAS, retour en 2027` }).first('created_at');
    expect(ligne).toBeDefined();
    const le = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' }).format(ligne.created_at).replace(/^1 /, '1er ');
    expect(html).toContain(`Compte désactivé le ${le} par Louise Lambert.`);
    expect(html).toContain('Raison : Autre raison : Détaché au CCAS, retour en 2027');
    // Another account, deactivated without a référent’s row: no reason borrowed from someone else’s.
    const { aidant: autreCible } = await createAccount(s.t.db, { email: 'zoe.marchand@roubaix.fr', first_name: 'Zoé', last_name: 'Marchand', structureId: structureA, is_active: false });
    expect(await (await referent.get(`/espace-referent/aidants/${autreCible.id}`)).text()).not.toContain('Compte désactivé le');
    // Reactivated: the page no longer shows the old reason.
    const actions = await (await referent.get(page)).text();
    expect((await referent.postForm(`${page}/reactivation`, {}, csrfFrom(actions))).status).toBe(303);
    expect(await (await referent.get(page)).text()).not.toContain('Raison : ');
  });

  test('6. past the 15 minutes, the creation form and the recap come back after the code with everything kept', async () => {
    const perime = () => s.t.db('sessions').whereRaw(`sess->>'aidantId' = ?`, [String(aidantId)])
      .update({ sess: s.t.db.raw(`jsonb_set(sess, '{lastActivityCheckAt}', to_jsonb(0))`) });
    const verifier = async (suivant: string) => {
      const page = await (await aidant.get(`/verification?suivant=${encodeURIComponent(suivant)}`)).text();
      const res = await aidant.postForm(`/verification?suivant=${encodeURIComponent(suivant)}`, { code: await codeFrais() }, csrfFrom(page));
      expect([res.status, res.headers.get('location')]).toEqual([303, suivant]);
    };

    // The creation form: sent past the 15 minutes, it comes back filled after the code.
    const form = await (await aidant.get('/mandats/nouveau')).text();
    await perime();
    const envoi = await aidant.postForm('/mandats/nouveau', { demarches: ['papiers', 'justice'], duree: 'SEMESTER', telephone: '06 12 34 56 78', modalite: 'presence' }, csrfFrom(form));
    expect([envoi.status, envoi.headers.get('location')]).toEqual([303, `/verification?suivant=${encodeURIComponent('/mandats/nouveau')}`]);
    await verifier('/mandats/nouveau');
    const repris = await (await aidant.get('/mandats/nouveau')).text();
    const cochees = [...repris.matchAll(/id="((?:demarche|duree|modalite)-[a-zA-Z]+)" name="[a-z]+" value="[^"]+" checked/g)].map((m) => m[1]);
    expect(cochees.sort()).toEqual(['demarche-justice', 'demarche-papiers', 'duree-SEMESTER', 'modalite-presence']);
    expect(repris).toContain('value="06 12 34 56 78"');
    // Once: a later visit starts afresh.
    expect(await (await aidant.get('/mandats/nouveau')).text()).not.toContain('value="06 12 34 56 78"');

    // The recap past the 15 minutes: its own code is the fresh check, one code is enough.
    let recap = await jusquAuRecapitulatif({ demarches: ['papiers'], duree: 'LONG', modalite: 'presence' }, 'test');
    await perime();
    const cree = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: await codeFrais() }, csrfFrom(recap));
    expect([cree.status, cree.headers.get('location')]).toEqual([303, expect.stringMatching(/^\/usagers\/\d+#mandat-\d+$/)]);

    // Past the 15 minutes with a code to correct: the code first, then the recap with its box still ticked.
    recap = await jusquAuRecapitulatif({ demarches: ['papiers'], duree: 'LONG', modalite: 'presence' }, 'test');
    await perime();
    const faux = await aidant.postForm('/mandats/nouveau/recapitulatif', { consentement: 'oui', code: '000000' }, csrfFrom(recap));
    expect([faux.status, faux.headers.get('location')]).toEqual([303, `/verification?suivant=${encodeURIComponent('/mandats/nouveau/recapitulatif')}`]);
    await verifier('/mandats/nouveau/recapitulatif');
    const retour = await (await aidant.get('/mandats/nouveau/recapitulatif')).text();
    expect(retour).toContain('id="consentement" name="consentement" value="oui" checked');
    expect(retour).toContain('Paris 7e Arrondissement');
  });
});
