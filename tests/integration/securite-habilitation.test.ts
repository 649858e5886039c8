// Issue 13, attacks through the habilitation process, each performed and shown refused: taking over an
// existing structure with a new request (item 1), attaching another structure's aidant through the waiting
// list (item 3), official emails on demand (item 10), the confirmation link burnt by a mail scanner (item 12).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startServiceStack, type ServiceStack } from '../helpers/stack.ts';
import type { TestDb } from '../helpers/db.ts';
import { HttpClient, csrfFrom, type RunningApp } from '../helpers/web.ts';
import { createAccount, createStructure, loginHttp } from '../helpers/auth.ts';
import { creerDemandeComplete, siretAleatoire } from '../helpers/habilitation.ts';
import { deciderHabilitation, demarrerHabilitation } from '../../api/processes/habilitation.ts';
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
    expect(String((err as WorkflowFailedError).cause?.cause?.message)).toContain('sans décision explicite');
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
