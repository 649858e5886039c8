// Every email the service sends, produced by the real code (pages over HTTP, activities called directly),
// and its link followed like a person would: logged out when the recipient usually is, through the login
// when the page needs one. Each lands on the page where the email's action is.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail, type CaughtEmail } from '../../scripts/fixtures/mail.ts';
import { startTestSms } from '../helpers/sms.ts';
import { startApp, HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, totpCode } from '../../scripts/fixtures/comptes.ts';
import { creerDemandeComplete } from '../helpers/habilitation.ts';
import { createActivities } from '../../activities/index.ts';
import { refuserAidantEnAttente } from '../../api/staff/habilitations.ts';

const PUBLIC = 'http://app.test';
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let sms: Awaited<ReturnType<typeof startTestSms>>;
let app: RunningApp;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  sms = await startTestSms();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('Temporal absent de ce test'); }, mailer: mail.mailer, sms: sms.sms, publicUrl: PUBLIC });
  activities = createActivities({ db: t.db, mailer: mail.mailer, publicUrl: PUBLIC });
});
afterAll(async () => {
  await app?.close();
  await sms?.stop();
  await mail?.stop();
  await t?.drop();
});

/** The site's links in an email (the signature's public address is not one of them). */
const links = (m: CaughtEmail) => [...m.text.matchAll(/http:\/\/app\.test(\/\S*)/g)].map((x) => x[1].replace(/[.,;)]+$/, ''));
const onlyLink = (m: CaughtEmail) => {
  expect(links(m)).toHaveLength(1);
  return links(m)[0];
};
/** The email to this address with this subject (each test uses its own addresses). */
const emailTo = (to: string, subject: RegExp): Promise<CaughtEmail> => mail.catcher.waitFor((e) => e.to.includes(to) && subject.test(e.subject));

/** A demandeur's link opens a page whose button uses it (mail scanners only open links): both, like a person. */
async function useDemandeurLink(client: HttpClient, path: string): Promise<Response> {
  const page = await client.get(path);
  expect(page.status).toBe(200);
  return client.postForm(path, {}, csrfFrom(await page.text()));
}

/** Follows a link to a protected page while logged out: the login keeps it as the next page and lands there. */
async function followThroughLogin(path: string, email: string, totpSecret: string): Promise<string> {
  const client = new HttpClient(app.url);
  const first = await client.get(path);
  expect(first.status).toBe(303);
  const login = first.headers.get('location')!;
  expect(login).toBe(`/connexion?suivant=${encodeURIComponent(path)}`);
  const before = mail.catcher.emails().length;
  const sent = await client.postForm(login, { email, code: await totpCode(totpSecret) }, csrfFrom(await (await client.get(login)).text()));
  expect(sent.status).toBe(200);
  const loginMail = await mail.catcher.waitFor((e) => mail.catcher.emails().indexOf(e) >= before && e.to.includes(email) && e.subject.includes('lien de connexion'));
  const magic = onlyLink(loginMail);
  const done = await client.postForm(magic, {}, csrfFrom(await (await client.get(magic)).text()));
  expect(done.headers.get('location')).toBe(path);
  const landing = await client.get(path);
  expect(landing.status).toBe(200);
  return landing.text();
}

describe('every email link lands where its action is', () => {
  test('authentication: the login link and the first-connection link', async () => {
    const s = await createStructure(t.db, { name: 'Maison France Services de Vannes' });
    const { totpSecret } = await createAccount(t.db, { email: 'yann.le-goff@vannes.fr', first_name: 'Yann', structureId: s });
    await createAccount(t.db, { email: 'elise.caradec@vannes.fr', first_name: 'Élise', structureId: s, referent: true, phone: '+33611223344', withDevice: false });
    const client = new HttpClient(app.url);

    await client.postForm('/connexion', { email: 'yann.le-goff@vannes.fr', code: await totpCode(totpSecret) }, csrfFrom(await (await client.get('/connexion')).text()));
    const login = await emailTo('yann.le-goff@vannes.fr', /lien de connexion/);
    expect(login.text).toContain('prévenez le référent Aidants Connect de votre structure');
    const confirm = await (await client.get(onlyLink(login))).text();
    expect(confirm).toContain('Me connecter');
    // Staff have no référent: their login email does not send them to one.
    const staff = await createAccount(t.db, { email: 'nolwenn.equipe@anct.gouv.fr', is_staff: true });
    const staffClient = new HttpClient(app.url);
    await staffClient.postForm('/connexion', { email: 'nolwenn.equipe@anct.gouv.fr', code: await totpCode(staff.totpSecret) }, csrfFrom(await (await staffClient.get('/connexion')).text()));
    const staffLogin = await emailTo('nolwenn.equipe@anct.gouv.fr', /lien de connexion/);
    expect(staffLogin.text).not.toContain('référent');
    expect(await (await staffClient.get(onlyLink(staffLogin))).text()).toContain('Me connecter');

    await client.postForm('/premiere-connexion', { email: 'elise.caradec@vannes.fr', phone: '06 11 22 33 44' }, csrfFrom(await (await client.get('/premiere-connexion')).text()));
    const first = await emailTo('elise.caradec@vannes.fr', /première connexion/);
    expect(await (await client.get(onlyLink(first))).text()).toContain('Saisissez le code reçu par SMS');
  });

  test('habilitation: confirmation, access, submission, changes, validation (demandeur and référent), staff reminder, refusal', async () => {
    // The demandeur's confirmation link opens the next step of the form.
    const demandeur = new HttpClient(app.url);
    await demandeur.postForm('/habilitation', { first_name: 'Nadia', last_name: 'Haddad', email: 'nadia.haddad@mairie-lien.fr', profession: 'DGS' }, csrfFrom(await (await demandeur.get('/habilitation')).text()));
    const confirmation = await emailTo('nadia.haddad@mairie-lien.fr', /Confirmez/);
    const step = await useDemandeurLink(demandeur, onlyLink(confirmation));
    expect(step.headers.get('location')).toMatch(/^\/habilitation\/demande\/[0-9a-f-]{36}\/structure$/);
    expect(await (await demandeur.get(step.headers.get('location')!)).text()).toContain('Numéro SIRET');

    // A complete request: the access link opens its follow page in any browser.
    const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    const { email: demandeurEmail } = await t.db('demandeurs').where({ id: f.demandeurId }).first('email');
    const ailleurs = new HttpClient(app.url);
    const follow = `/habilitation/demande/${f.demandeId}`;
    expect((await ailleurs.get(follow)).headers.get('location')).toBe(`${follow}/acces`);
    await ailleurs.postForm(`${follow}/acces`, { email: demandeurEmail }, csrfFrom(await (await ailleurs.get(`${follow}/acces`)).text()));
    const acces = await emailTo(demandeurEmail, /lien d’accès/);
    expect((await useDemandeurLink(ailleurs, onlyLink(acces))).headers.get('location')).toBe(follow);
    expect(await (await ailleurs.get(follow)).text()).toContain("Suivi de la demande d'habilitation");

    // Submission acknowledgement and changes requested: the follow page, with the buttons to modify.
    await activities.enregistrerSoumission({ demandeId: f.demandeId, numero: 1 });
    expect(onlyLink(await emailTo(demandeurEmail, /reçue/))).toBe(follow);
    await activities.enregistrerDecision({ demandeId: f.demandeId, action: 'demander_modifications', vers: 'CHANGES_REQUIRED', numero: 1, message: 'Précisez le SIRET.' });
    expect(onlyLink(await emailTo(demandeurEmail, /Modifications demandées/))).toBe(follow);
    const suivi = await (await ailleurs.get(follow)).text();
    expect(suivi).toContain('Modifier la structure');
    expect(suivi).toContain('Précisez le SIRET.');

    // Staff reminder: the request's staff page, with the decisions.
    const staff = await createAccount(t.db, { email: 'relance.equipe@anct.gouv.fr', is_staff: true });
    await t.db('demandes_habilitation').where({ id: f.demandeId }).update({ status: 'AC_VALIDATION_PROCESSING' });
    await activities.relancerEquipe({ demandeId: f.demandeId, numero: 1 });
    const relance = onlyLink(await emailTo('relance.equipe@anct.gouv.fr', /Relance/));
    expect(relance).toBe(`/staff/habilitations/${f.demandeId}`);
    expect(await followThroughLogin(relance, 'relance.equipe@anct.gouv.fr', staff.totpSecret)).toContain('Valider la demande');

    // Validation: the demandeur's follow page; the référent's first connection (not the login page).
    await activities.notifierValidation({ demandeId: f.demandeId });
    expect(onlyLink(await emailTo(demandeurEmail, /validée/))).toBe(follow);
    const { referent_email: referentEmail } = await t.db('demandes_habilitation').where({ id: f.demandeId }).first('referent_email');
    const referent = await emailTo(referentEmail, /Votre rôle de référent/);
    expect(onlyLink(referent)).toBe('/premiere-connexion');
    expect(await (await new HttpClient(app.url).get('/premiere-connexion')).text()).toContain('Recevoir mon code');

    // A refusal has no link to follow (nothing more to do on the site).
    const g = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    const { email: autreDemandeur } = await t.db('demandeurs').where({ id: g.demandeurId }).first('email');
    await activities.enregistrerDecision({ demandeId: g.demandeId, action: 'refuser', vers: 'REFUSED', numero: 1, message: 'Structure non éligible.' });
    expect(links(await emailTo(autreDemandeur, /refusée/))).toEqual([]);
  });

  test('training: activation (aidant and référent) and the référent’s reminder', async () => {
    const s = await createStructure(t.db, { name: 'CCAS de Lorient' });
    const ref = await createAccount(t.db, { email: 'morgane.le-bihan@lorient.fr', first_name: 'Morgane', structureId: s, referent: true });
    const [activation] = await t.db('demandes_aidant')
      .insert({ structure_id: s, email: 'ines.dupuis@lorient.fr', first_name: 'Inès', last_name: 'Dupuis', profession: 'Médiatrice', status: 'processing', formation_date: '2026-03-01', formation_type: 'classic', pix_date: '2026-03-02', pix_score: 70 })
      .returning('id');
    const { aidantId } = await activities.activerAidant({ demandeAidantId: activation.id });

    expect(onlyLink(await emailTo('ines.dupuis@lorient.fr', /activé/))).toBe('/connexion');
    const pourReferent = onlyLink(await emailTo('morgane.le-bihan@lorient.fr', /Compte d'aidant activé/));
    expect(pourReferent).toBe(`/espace-referent/aidants/${aidantId}`);
    const page = await followThroughLogin(pourReferent, 'morgane.le-bihan@lorient.fr', ref.totpSecret);
    expect(page).toContain('Associer la carte');
    expect(page).toContain('Configurer une application');

    const [enRetard] = await t.db('demandes_aidant')
      .insert({ structure_id: s, email: 'hugo.perrin@lorient.fr', first_name: 'Hugo', last_name: 'Perrin', profession: 'Agent', status: 'new' }).returning('id');
    await activities.relancerFormation({ demandeAidantId: enRetard.id, numero: 1, manque: 'la formation et le test Pix' });
    const rappel = await emailTo('morgane.le-bihan@lorient.fr', /Relance/);
    expect(onlyLink(rappel)).toBe('/espace-referent/habilitation');
    expect(await followThroughLogin('/espace-referent/habilitation', 'morgane.le-bihan@lorient.fr', ref.totpSecret)).toContain('Retirer Hugo Perrin');

    // An aidant of the waiting list refused by staff: the référent is told, with nothing to do on the site.
    const [refuse] = await t.db('demandes_aidant')
      .insert({ structure_id: s, email: 'alan.morvan@lorient.fr', first_name: 'Alan', last_name: 'Morvan', profession: 'Agent', status: 'waiting_list' }).returning('id');
    expect(await refuserAidantEnAttente({ db: t.db }, { id: refuse.id, structure_id: s, first_name: 'Alan', last_name: 'Morvan' })).toBe(true);
    expect(links(await emailTo('morgane.le-bihan@lorient.fr', /refusée pour Alan Morvan/))).toEqual([]);
  });

  test('inactivity: the warning and the deactivation notices (aidant and référent)', async () => {
    const s = await createStructure(t.db, { name: 'Mairie de Concarneau' });
    const ref = await createAccount(t.db, { email: 'gael.riou@concarneau.fr', first_name: 'Gaël', structureId: s, referent: true });
    const { aidant } = await createAccount(t.db, { email: 'lena.guillou@concarneau.fr', first_name: 'Léna', last_name: 'Guillou', structureId: s });
    const referenceMs = Date.parse('2026-01-01T10:00:00Z');
    await activities.avertirSiInactif({ aidantId: aidant.id, referenceMs, maintenantMs: referenceMs + 150 * 86_400_000, desactivationPrevueMs: referenceMs + 180 * 86_400_000 });
    const avertissement = await emailTo('lena.guillou@concarneau.fr', /Réactivez/);
    expect(onlyLink(avertissement)).toBe('/connexion');
    expect(await (await new HttpClient(app.url).get('/connexion')).text()).toContain('Recevoir mon lien de connexion');

    await activities.desactiverSiInactif({ aidantId: aidant.id, referenceMs, maintenantMs: referenceMs + 180 * 86_400_000 });
    expect(onlyLink(await emailTo('lena.guillou@concarneau.fr', /désactivé/))).toBe('/connexion');
    const pourReferent = onlyLink(await emailTo('gael.riou@concarneau.fr', /désactivé/));
    expect(pourReferent).toBe(`/espace-referent/aidants/${aidant.id}`);
    expect(await followThroughLogin(pourReferent, 'gael.riou@concarneau.fr', ref.totpSecret)).toContain('Réactiver le compte');
  });
});
