// The habilitation pages over HTTP, with a real worker on the time-skipping server: the demandeur's form
// (each bad input refused in French, nothing written), submission and the follow page, staff decisions,
// resubmission without changes, training/Pix recording and the CSV import report, and the référent's
// waiting list scoped to their own structures.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import { snapshotCounts, type TestDb } from '../helpers/db.ts';
import { HttpClient, csrfFrom, type RunningApp } from '../../scripts/fixtures/web.ts';
import { createAccount, createStructure, loginHttp } from '../../scripts/fixtures/comptes.ts';
import { creerDemandeComplete, siretAleatoire } from '../helpers/habilitation.ts';

let stack: ServiceStack;
let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: ServiceStack['mail'];
let app: RunningApp;

beforeAll(async () => {
  stack = await startServiceStack();
  ({ env, t, mail, app } = stack);
});
afterAll(async () => {
  await stack?.stop();
});

const lien = (texte: string) => new URL(texte.match(/http:\/\/app\.test\/\S+/)![0]).pathname;

async function refusSansEffet(fn: () => Promise<Response>, status: number, texte: string | RegExp): Promise<string> {
  const avant = await snapshotCounts(t.db);
  const res = await fn();
  const corps = await res.text();
  expect(res.status).toBe(status);
  expect(corps).toMatch(texte);
  expect(await snapshotCounts(t.db)).toEqual(avant);
  return corps;
}

describe('habilitation pages', () => {
  let demandeId = '';
  const demandeur = new HttpClient('');
  let siret = '';

  test('the demandeur fills the request step by step; bad input is refused in French and writes nothing', async () => {
    const c = new HttpClient(app.url);
    Object.assign(demandeur, c);
    let page = await (await c.get('/habilitation')).text();
    let csrf = csrfFrom(page);
    await refusSansEffet(() => c.postForm('/habilitation', { first_name: '', last_name: 'Petit', email: 'pas-un-email', profession: 'DGS' }, csrf), 400, /Indiquez votre prénom[\s\S]*n&#39;est pas valide/);
    const envoi = await c.postForm('/habilitation', { first_name: 'Claire', last_name: 'Petit', email: 'claire.petit@mairie-web.fr', profession: 'DGS' }, csrf);
    expect(envoi.status).toBe(200);
    const confirmation = await mail.catcher.waitFor((m) => m.to.includes('claire.petit@mairie-web.fr') && m.subject.startsWith('Confirmez'));
    const confirmer = await c.get(lien(confirmation.text));
    expect(confirmer.status).toBe(200);
    const ouvert = await c.postForm(lien(confirmation.text), {}, csrfFrom(await confirmer.text()));
    expect(ouvert.status).toBe(303);
    const structurePath = ouvert.headers.get('location')!;
    demandeId = structurePath.split('/')[3];
    page = await (await c.get(structurePath)).text();
    csrf = csrfFrom(page);
    const structure = { siret: '12345678901234', structure_name: 'Mairie de Web', structure_type: 'mairie', address: '1 rue Haute', postal_code: '45000', city: 'Orléans', is_public: 'oui', free_support_certified: 'on' };
    await refusSansEffet(() => c.postForm(structurePath, structure, csrf), 400, /la clé de contrôle ne correspond pas/);
    const autre = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    await refusSansEffet(() => c.postForm(structurePath, { ...structure, siret: autre.siret }, csrf), 400, /déjà en cours pour ce SIRET/);
    await refusSansEffet(() => c.postForm(structurePath, { ...structure, siret: siretAleatoire(), is_public: 'non' }, csrf), 400, /administration partenaire/);
    siret = siretAleatoire();
    expect((await c.postForm(structurePath, { ...structure, siret }, csrf)).headers.get('location')).toBe(`/habilitation/demande/${demandeId}/referent`);
    const referent = { referent_first_name: 'Paul', referent_last_name: 'Durand', referent_email: 'contact@mairie-web.fr', referent_phone: '06 12 34 56 78', referent_profession: 'Responsable accueil' };
    await refusSansEffet(() => c.postForm(`/habilitation/demande/${demandeId}/referent`, referent, csrf), 400, /adresse e-mail est générique/);
    expect((await c.postForm(`/habilitation/demande/${demandeId}/referent`, { ...referent, referent_email: 'paul.durand@mairie-web.fr' }, csrf)).status).toBe(303);
    // Step 5 without any aidant: what is missing, with a link back to step 4.
    const sansAidant = await (await c.get(`/habilitation/demande/${demandeId}/engagements`)).text();
    expect(sansAidant).toContain(`<a href="/habilitation/demande/${demandeId}/aidants">au moins un aidant à habiliter</a>`);
    await refusSansEffet(() => c.postForm(`/habilitation/demande/${demandeId}/aidants`, { first_name: 'Léa', last_name: 'Roux', email: 'accueil@mairie-web.fr', profession: 'Agente' }, csrf), 400, /générique/);
    expect((await c.postForm(`/habilitation/demande/${demandeId}/aidants`, { first_name: 'Léa', last_name: 'Roux', email: 'lea.roux@mairie-web.fr', profession: 'Agente' }, csrf)).status).toBe(303);
    const recap = await (await c.get(`/habilitation/demande/${demandeId}/engagements`)).text();
    expect(recap).toContain('Récapitulatif de votre demande');
    expect(recap).toContain('Léa Roux — lea.roux@mairie-web.fr');
    expect(recap).not.toContain('La demande ne peut pas encore être envoyée');
    await refusSansEffet(() => c.postForm(`/habilitation/demande/${demandeId}/engagements`, { cgu: 'on' }, csrf), 400, /Cochez l&#39;engagement sur la gratuité de l&#39;accompagnement pour les usagers/);
    const soumis = await c.postForm(`/habilitation/demande/${demandeId}/engagements`, { cgu: 'on', not_free: 'on', professionals_only: 'on', without_elected: 'on', dpo: 'on' }, csrf);
    expect(soumis.headers.get('location')).toBe(`/habilitation/demande/${demandeId}`);
    // Right after the redirect, before the workflow's first activity: the timeline shows the submission.
    expect(await (await c.get(`/habilitation/demande/${demandeId}`)).text()).toContain('Demande soumise');
    expect((await t.db('demandes_habilitation').where({ id: demandeId }).first()).status).toBe('AC_VALIDATION_PROCESSING');
    await mail.catcher.waitFor((m) => m.to.includes('claire.petit@mairie-web.fr') && m.subject.startsWith('Demande d’habilitation reçue'));
    const suivi = await (await c.get(`/habilitation/demande/${demandeId}`)).text();
    expect(suivi).toContain("En cours d&#39;instruction");
    expect(suivi).toContain('Demande soumise');
    // Another browser has no access without the emailed link.
    const intrus = await new HttpClient(app.url).get(`/habilitation/demande/${demandeId}`);
    expect(intrus.headers.get('location')).toBe(`/habilitation/demande/${demandeId}/acces`);
  });

  test('staff require changes; a resubmission without changes is refused; staff validate; training and Pix activate the aidant; CSV import reports line by line', async () => {
    const { totpSecret } = await createAccount(t.db, { email: 'camille.instruction@anct.gouv.fr', is_staff: true });
    const staff = new HttpClient(app.url);
    await loginHttp(staff, mail.catcher, 'camille.instruction@anct.gouv.fr', totpSecret);
    const liste = await (await staff.get(`/staff/habilitations?q=${siret}`)).text();
    expect(liste).toContain('Mairie de Web');
    let page = await (await staff.get(`/staff/habilitations/${demandeId}`)).text();
    const csrf = csrfFrom(page);
    await refusSansEffet(() => staff.postForm(`/staff/habilitations/${demandeId}/decision`, { decision: 'demander_modifications', message: '' }, csrf), 400, /Indiquez les modifications attendues/);
    expect((await staff.postForm(`/staff/habilitations/${demandeId}/decision`, { decision: 'demander_modifications', message: 'Précisez la fonction du référent.' }, csrf)).status).toBe(303);

    // Under review: no training forms, the staff's next step, and a training or Pix refused with its reason.
    const enRevue = await (await staff.get(`/staff/habilitations/${demandeId}`)).text();
    expect(enRevue).not.toContain('Enregistrer la formation');
    expect(enRevue).toContain('En attente du demandeur');
    const enAttente = await t.db('demandes_aidant').where({ demande_id: demandeId }).first('id');
    await refusSansEffet(() => staff.postForm(`/staff/habilitations/aidants/${enAttente.id}/formation`, { [`${enAttente.id}-formation_date`]: '2026-01-09', [`${enAttente.id}-formation_type`]: 'classic' }, csrf), 409, /s&#39;enregistrent après sa validation/);
    await refusSansEffet(() => staff.postForm('/staff/habilitations/import-pix', { csv: 'lea.roux@mairie-web.fr;10/01/2026;80' }, csrf), 200, /Demande non validée/);

    // The demandeur resubmits without changing anything: refused, nothing recorded; then with a change.
    const c = demandeur as HttpClient;
    const eng = await (await c.get(`/habilitation/demande/${demandeId}/engagements`)).text();
    const dcsrf = csrfFrom(eng);
    const certifs = { cgu: 'on', not_free: 'on', professionals_only: 'on', without_elected: 'on', dpo: 'on' };
    await refusSansEffet(() => c.postForm(`/habilitation/demande/${demandeId}/engagements`, certifs, dcsrf), 409, /pas été modifiée/);
    await c.postForm(`/habilitation/demande/${demandeId}/referent`, { referent_first_name: 'Paul', referent_last_name: 'Durand', referent_email: 'paul.durand@mairie-web.fr', referent_phone: '0612345678', referent_profession: 'Responsable du pôle accueil' }, dcsrf);
    expect((await c.postForm(`/habilitation/demande/${demandeId}/engagements`, certifs, dcsrf)).status).toBe(303);

    expect((await staff.postForm(`/staff/habilitations/${demandeId}/decision`, { decision: 'valider' }, csrf)).status).toBe(303);
    await mail.catcher.waitFor((m) => m.to.includes('paul.durand@mairie-web.fr') && m.subject.startsWith('Votre rôle de référent'));
    await new Promise((r) => setTimeout(r, 300));
    await refusSansEffet(() => staff.postForm(`/staff/habilitations/${demandeId}/decision`, { decision: 'valider' }, csrf), 409, /Impossible de valider la demande/);
    const aidant = await t.db('demandes_aidant').where({ demande_id: demandeId }).first();
    page = await (await staff.get(`/staff/habilitations/${demandeId}`)).text();
    expect(page).toContain('Enregistrer la formation');
    await refusSansEffet(() => staff.postForm(`/staff/habilitations/aidants/${aidant.id}/pix`, { [`${aidant.id}-pix_date`]: '2026-01-10', [`${aidant.id}-pix_score`]: '20' }, csrf), 400, /Score Pix insuffisant/);
    await refusSansEffet(() => staff.postForm(`/staff/habilitations/aidants/${aidant.id}/formation`, { [`${aidant.id}-formation_date`]: '2026-01-09', [`${aidant.id}-formation_type`]: 'p2p', [`${aidant.id}-formateur`]: 'camille.instruction@anct.gouv.fr' }, csrf), 400, /au moins 5 mandats/);
    expect((await staff.postForm(`/staff/habilitations/aidants/${aidant.id}/formation`, { [`${aidant.id}-formation_date`]: '2026-01-09', [`${aidant.id}-formation_type`]: 'classic' }, csrf)).status).toBe(303);
    const importe = await staff.postForm('/staff/habilitations/import-pix', { csv: 'email;date;score\ninconnu.personne@ailleurs.fr;10/01/2026;80\nlea.roux@mairie-web.fr;10/01/2026;80' }, csrf);
    const rapport = await importe.text();
    expect(rapport).toContain('1 ligne enregistrée sur 2');
    expect(rapport).toContain('Adresse inconnue');
    await mail.catcher.waitFor((m) => m.to.includes('lea.roux@mairie-web.fr') && m.subject === 'Votre compte Aidants Connect est activé');
    // Imported again once activated: the report says so (not "adresse inconnue").
    const encore = await (await staff.postForm('/staff/habilitations/import-pix', { csv: 'lea.roux@mairie-web.fr;10/01/2026;80' }, csrf)).text();
    expect(encore).toContain('0 ligne enregistrée sur 1');
    expect(encore).toContain('Déjà activé');
    expect(encore).not.toContain('Adresse inconnue');
    expect(await t.db('aidants').where({ email: 'lea.roux@mairie-web.fr' }).first('can_create_mandats')).toEqual({ can_create_mandats: true });
  });

  test('a référent adds an aidant to the waiting list and cannot touch another structure', async () => {
    const a = await createStructure(t.db, { name: 'Structure A', siret: siretAleatoire() });
    const b = await createStructure(t.db, { name: 'Structure B', siret: siretAleatoire() });
    const { totpSecret } = await createAccount(t.db, { email: 'rita.ref@structure-a.fr', structureId: a, referent: true });
    const [autre] = await t.db('demandes_aidant').insert({ structure_id: b, email: 'bob.martin@structure-b.fr', first_name: 'Bob', last_name: 'Martin', status: 'waiting_list' }).returning('id');
    const r = new HttpClient(app.url);
    await loginHttp(r, mail.catcher, 'rita.ref@structure-a.fr', totpSecret);
    const page = await r.get('/espace-referent/habilitation');
    const csrf = csrfFrom(await page.text());
    await refusSansEffet(() => r.postForm('/espace-referent/habilitation/aidants', { structure_id: String(a), first_name: 'Zoé', last_name: 'Lin', email: 'contact@structure-a.fr', profession: 'Médiatrice' }, csrf), 400, /générique/);
    expect((await r.postForm('/espace-referent/habilitation/aidants', { structure_id: String(a), first_name: 'Zoé', last_name: 'Lin', email: 'zoe.lin@structure-a.fr', profession: 'Médiatrice' }, csrf)).status).toBe(303);
    expect(await t.db('demandes_aidant').where({ email: 'zoe.lin@structure-a.fr' }).first('status', 'structure_id')).toEqual({ status: 'waiting_list', structure_id: a });
    await refusSansEffet(() => r.postForm(`/espace-referent/habilitation/aidants/${autre.id}/retirer`, {}, csrf), 404, /Page non trouvée/);
    await refusSansEffet(() => r.postForm('/espace-referent/habilitation/aidants', { structure_id: String(b), first_name: 'X', last_name: 'Y', email: 'x.y@structure-b.fr', profession: 'Agent' }, csrf), 403, /Accès refusé/);
  });
});
