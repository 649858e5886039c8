// Issue 13, attacks through the habilitation process, each performed and shown refused: taking over an
// existing structure with a new request (item 1), attaching another structure's aidant through the waiting
// list (item 3), official emails on demand (item 10), the confirmation link burnt by a mail scanner (item 12).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import type { TestDb } from '../helpers/db.ts';
import { HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { creerDemandeComplete, siretAleatoire } from '../helpers/habilitation.ts';
import { deciderHabilitation, demarrerHabilitation } from '../../db/temporal/processes/habilitation.ts';
import { idHabilitation } from '../../workflows/habilitation.ts';

let stack: ServiceStack;
let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: ServiceStack['mail'];
let app: RunningApp;
let staff: HttpClient;
let staffId: number;

beforeAll(async () => {
  stack = await startServiceStack();
  ({ env, t, mail, app } = stack);
  const compte = await createAccount(t.db, { email: 'equipe.securite@anct.gouv.fr', is_staff: true });
  staffId = compte.aidant.id;
  staff = new HttpClient(app.url);
  await loginHttp(staff, mail.catcher, 'equipe.securite@anct.gouv.fr', compte.totpSecret);
});
afterAll(async () => {
  await stack?.stop();
});

/** A habilitated structure with its référent (the victim), and a submitted request for the same SIRET. */
async function structureEtDemandeSurSonSiret(suffixe: string) {
  const siret = siretAleatoire();
  const structureId = await createStructure(t.db, { name: `CCAS victime ${suffixe}`, siret });
  const victime = await createAccount(t.db, { email: `referente.${suffixe}@ccas-victime.fr`, first_name: 'Véra', structureId, referent: true });
  const demande = await creerDemandeComplete(t.db, { suffixe, status: 'AC_VALIDATION_PROCESSING' });
  await t.db('demandes_habilitation').where({ id: demande.demandeId }).update({ siret, referent_email: `attaquant.${suffixe}@ailleurs.fr` });
  await demarrerHabilitation(env.client, demande.demandeId, demande.empreinte);
  return { siret, structureId, victime, demande };
}

const referentsDe = (structureId: number) => t.db('referent_structures').join('aidants', 'aidants.id', 'referent_structures.aidant_id').where({ structure_id: structureId }).pluck('aidants.email');

describe('item 1: a new request for the SIRET of a habilitated structure', () => {
  test('its référents are warned at once; staff see it flagged with them; validating without an explicit decision is refused', async () => {
    const { structureId, victime, demande } = await structureEtDemandeSurSonSiret('a1');
    const alerte = await mail.catcher.waitFor((m) => m.to.includes(victime.aidant.email) && m.subject.startsWith('Une demande d’habilitation a été déposée'));
    expect(alerte.text).toContain('attaquant.a1@ailleurs.fr');

    const page = await (await staff.get(`/staff/habilitations/${demande.demandeId}`)).text();
    expect(page).toContain('Structure déjà habilitée');
    expect(page).toContain(victime.aidant.email);
    const refus = await staff.postForm(`/staff/habilitations/${demande.demandeId}/decision`, { decision: 'valider' }, csrfFrom(page));
    expect(refus.status).toBe(400);
    expect(await refus.text()).toContain('cochez la case pour confirmer l’ajout de ce référent');
    expect((await t.db('demandes_habilitation').where({ id: demande.demandeId }).first()).status).toBe('AC_VALIDATION_PROCESSING');
    expect(await referentsDe(structureId)).toEqual([victime.aidant.email]);
  });

  test('even a validation that bypasses the page attaches no one to the structure without the recorded decision', async () => {
    const { structureId, victime, demande } = await structureEtDemandeSurSonSiret('a2');
    await deciderHabilitation(env.client, demande.demandeId, { decision: 'valider', auteurId: staffId });
    const err = await env.client.workflow.getHandle(idHabilitation(demande.demandeId)).result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String(((err as WorkflowFailedError).cause?.cause as Error | undefined)?.message)).toContain('sans décision explicite');
    expect(await referentsDe(structureId)).toEqual([victime.aidant.email]);
    expect(await t.db('aidant_structures').where({ structure_id: structureId })).toHaveLength(1);
    expect(await t.db('aidants').where({ email: 'attaquant.a2@ailleurs.fr' })).toHaveLength(0);
  });

  test('an explicit staff decision attaches the référent, is journaled naming the change, and the current référents are told', async () => {
    const { structureId, victime, demande } = await structureEtDemandeSurSonSiret('a3');
    const page = await (await staff.get(`/staff/habilitations/${demande.demandeId}`)).text();
    const ok = await staff.postForm(`/staff/habilitations/${demande.demandeId}/decision`, { decision: 'valider', rattachement: 'oui' }, csrfFrom(page));
    expect(ok.status).toBe(303);
    const info = await mail.catcher.waitFor((m) => m.to.includes(victime.aidant.email) && m.subject.startsWith('Nouveau référent'));
    expect(info.text).toContain('attaquant.a3@ailleurs.fr');
    expect((await referentsDe(structureId)).sort()).toEqual(['attaquant.a3@ailleurs.fr', victime.aidant.email].sort());
    const entree = await t.db('journal').where({ action: 'referent_attachment', structure_id: structureId }).first();
    expect(entree).toMatchObject({ aidant_id: staffId });
    expect(entree.additional_information).toContain('attaquant.a3@ailleurs.fr');
    expect(entree.additional_information).toContain('structure existante');
  });
});

describe('item 3: attaching an aidant of another structure', () => {
  test('a référent of A lists an aidant of B: flagged to staff, not accepted, not activated, until a référent of B consents', async () => {
    const a = await createStructure(t.db, { name: 'Structure A attaquante', siret: siretAleatoire() });
    const b = await createStructure(t.db, { name: 'Structure B victime', siret: siretAleatoire() });
    const ra = await createAccount(t.db, { email: 'ref.a@structure-a.fr', structureId: a, referent: true });
    const rb = await createAccount(t.db, { email: 'ref.b@structure-b.fr', structureId: b, referent: true });
    const x = await createAccount(t.db, { email: 'xavier.aidant@structure-b.fr', first_name: 'Xavier', last_name: 'Aidant', structureId: b });
    const referentA = new HttpClient(app.url);
    await loginHttp(referentA, mail.catcher, ra.aidant.email, ra.totpSecret);
    let page = await (await referentA.get('/espace-referent/habilitation')).text();
    // The answer says nothing of the existing account.
    const ajout = await referentA.postForm('/espace-referent/habilitation/aidants', { structure_id: String(a), first_name: 'Xavier', last_name: 'Aidant', email: x.aidant.email, profession: 'Conseiller' }, csrfFrom(page));
    expect(ajout.status).toBe(303);
    const demande = await t.db('demandes_aidant').where({ email: x.aidant.email, structure_id: a }).first();

    const attente = await (await staff.get('/staff/habilitations/liste-attente')).text();
    expect(attente).toContain('Compte existant dans une autre structure (Structure B victime) — accord de son référent attendu');
    await staff.postForm(`/staff/habilitations/aidants/${demande.id}/accepter`, {}, csrfFrom(attente));
    expect((await t.db('demandes_aidant').where({ id: demande.id }).first()).status).toBe('waiting_list');
    expect(await (await staff.get('/staff/habilitations/liste-attente')).text()).toContain('un référent de cette structure doit d&#39;abord donner son accord');

    // Even forced into training, the activation does not attach the account without the consent.
    const { createHabilitationActivities } = await import('../../activities/habilitation.ts');
    const activites = createHabilitationActivities({ db: t.db, mailer: mail.mailer });
    await t.db('demandes_aidant').where({ id: demande.id }).update({ status: 'new' });
    await expect(activites.activerAidant({ demandeAidantId: demande.id })).rejects.toThrow(/en attente de l'accord de son référent/);
    expect(await t.db('aidant_structures').where({ aidant_id: x.aidant.id }).pluck('structure_id')).toEqual([b]);
    await t.db('demandes_aidant').where({ id: demande.id }).update({ status: 'waiting_list' });

    // The référent of A cannot consent for B's aidant; the référent of B sees the request and consents.
    page = await (await referentA.get('/espace-referent/habilitation')).text();
    expect(page).not.toContain('Donner mon accord');
    expect((await referentA.postForm(`/espace-referent/habilitation/rattachements/${demande.id}/accord`, {}, csrfFrom(page))).status).toBe(404);
    const referentB = new HttpClient(app.url);
    await loginHttp(referentB, mail.catcher, rb.aidant.email, rb.totpSecret);
    const pageB = await (await referentB.get('/espace-referent/habilitation')).text();
    expect(pageB).toContain('Vos aidants demandés par une autre structure');
    expect(pageB).toContain('Structure A attaquante');
    expect((await referentB.postForm(`/espace-referent/habilitation/rattachements/${demande.id}/accord`, {}, csrfFrom(pageB))).status).toBe(303);
    expect(await t.db('journal').where({ action: 'attachment_consent', aidant_id: rb.aidant.id, structure_id: b })).toHaveLength(1);
    const apres = await (await staff.get('/staff/habilitations/liste-attente')).text();
    expect(apres).toContain('accord de son référent donné');
    expect((await staff.postForm(`/staff/habilitations/aidants/${demande.id}/accepter`, {}, csrfFrom(apres))).status).toBe(303);
    expect((await t.db('demandes_aidant').where({ id: demande.id }).first()).status).toBe('new');
  });

  test('an aidant of another structure listed in a public request waits on the list instead of being trained', async () => {
    const b = await createStructure(t.db, { name: 'Structure B2', siret: siretAleatoire() });
    const y = await createAccount(t.db, { email: 'yanis.aidant@structure-b2.fr', structureId: b });
    const demande = await creerDemandeComplete(t.db, { suffixe: 'x3', status: 'AC_VALIDATION_PROCESSING', aidants: 1 });
    await t.db('demandes_aidant').where({ demande_id: demande.demandeId }).update({ email: y.aidant.email });
    const { createHabilitationActivities } = await import('../../activities/habilitation.ts');
    const resultat = await createHabilitationActivities({ db: t.db, mailer: mail.mailer }).creerStructureEtComptes({ demandeId: demande.demandeId });
    expect(resultat.demandesAidant).toEqual([]);
    expect(await t.db('demandes_aidant').where({ demande_id: demande.demandeId }).first('status')).toEqual({ status: 'waiting_list' });
    expect(await t.db('aidant_structures').where({ aidant_id: y.aidant.id }).pluck('structure_id')).toEqual([b]);
  });
});

describe('item 10: official emails on a visitor’s request', () => {
  test('names carry only letters and common punctuation; text or links in them are refused and nothing is sent', async () => {
    const c = new HttpClient(app.url);
    const csrf = csrfFrom(await (await c.get('/habilitation')).text());
    const avant = await t.db('outbox').count({ n: '*' }).first();
    const res = await c.postForm('/habilitation', { first_name: 'Gagnez 1000 € sur http://arnaque.example', last_name: 'Petit', email: 'cible.spam@mairie.fr', profession: 'DGS' }, csrf);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Utilisez seulement des lettres');
    expect(await t.db('outbox').count({ n: '*' }).first()).toEqual(avant);
    const ok = await c.postForm('/habilitation', { first_name: 'Jean-Éric', last_name: 'O’Neil', email: 'jean-eric.oneil@mairie.fr', profession: 'DGS' }, csrf);
    expect(ok.status).toBe(200);
  });

  test('at most 3 emails an hour to one address, whoever asks; the access form says the same whatever the address', async () => {
    const c = new HttpClient(app.url);
    const csrf = csrfFrom(await (await c.get('/habilitation')).text());
    const champs = { first_name: 'Victime', last_name: 'Spam', email: 'victime.spam@mairie.fr', profession: 'DGS' };
    for (let i = 0; i < 3; i++) expect((await c.postForm('/habilitation', champs, csrf)).status).toBe(200);
    const bloque = await c.postForm('/habilitation', champs, csrf);
    expect(bloque.status).toBe(429);
    expect(await bloque.text()).toContain('Trop de demandes');
    expect(await t.db('outbox').where({ recipient: 'victime.spam@mairie.fr' })).toHaveLength(3);
    // The access-link form of any request counts the typed address too, matching or not.
    const demande = (await t.db('demandes_habilitation').join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id').where({ 'demandeurs.email': 'victime.spam@mairie.fr' }).first('demandes_habilitation.id')).id;
    const acces = await c.postForm(`/habilitation/demande/${demande}/acces`, { email: 'victime.spam@mairie.fr' }, csrf);
    expect(acces.status).toBe(429);
    expect(await t.db('outbox').where({ recipient: 'victime.spam@mairie.fr' })).toHaveLength(3);
  });
});

describe('item 12: the demandeur’s confirmation link', () => {
  test('opening it (a mail scanner) does not use it; the button does, once, even when two arrive together', async () => {
    const c = new HttpClient(app.url);
    const csrf = csrfFrom(await (await c.get('/habilitation')).text());
    await c.postForm('/habilitation', { first_name: 'Nadia', last_name: 'Scan', email: 'nadia.scan@mairie.fr', profession: 'DGS' }, csrf);
    const m = await mail.catcher.waitFor((e) => e.to.includes('nadia.scan@mairie.fr'));
    const chemin = new URL(m.text.match(/http:\/\/app\.test\/\S+/)![0]).pathname;
    const scanner = new HttpClient(app.url);
    for (let i = 0; i < 3; i++) expect((await scanner.get(chemin)).status).toBe(200);
    expect(await t.db('jetons_demandeur').whereNotNull('used_at')).toHaveLength(0);
    expect((await t.db('demandeurs').where({ email: 'nadia.scan@mairie.fr' }).first()).email_confirmed_at).toBeNull();
    const page = await (await c.get(chemin)).text();
    const deux = await Promise.all([c.postForm(chemin, {}, csrfFrom(page)), c.postForm(chemin, {}, csrfFrom(page))]);
    expect(deux.map((r) => r.status).sort()).toEqual([303, 404]);
    expect((await t.db('demandeurs').where({ email: 'nadia.scan@mairie.fr' }).first()).email_confirmed_at).not.toBeNull();
    expect((await scanner.get(chemin)).status).toBe(404);
  });
});
