// The habilitation workflow and its training children on the time-skipping server: the whole path with
// reminders (staff, then référent), changes required and resubmission, both orders of training and Pix,
// activation and closure; the refusals that change nothing; the exactly-once validation after a retry.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { timeSkippingEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { createTestDb, snapshotCounts, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import { creerDemandeComplete, creerMembreEquipe } from '../helpers/habilitation.ts';
import { empreinteDemande } from '../../db/domain/demande-habilitation.ts';
import {
  deciderHabilitation, demarrerHabilitation, enregistrerFormationAidant, enregistrerPixAidant, lireEtatHabilitation, RefusProcessus, resoumettreHabilitation,
} from '../../db/temporal/processes/habilitation.ts';
import { idHabilitation } from '../../workflows/habilitation.ts';
import { idFormationAidant } from '../../workflows/formation-aidant.ts';
import { jusqua } from '../helpers/attente.ts';

const attendre = <T>(fn: () => Promise<T | null | undefined | false>, quoi: string, ms = 20_000) => jusqua(fn, quoi, ms);

const JOUR = 24 * 60 * 60 * 1000;
const RELANCE_EQUIPE = 2 * JOUR;
const RELANCE_FORMATION = 10 * JOUR;

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
beforeAll(async () => {
  env = await timeSkippingEnv();
  t = await createTestDb();
  mail = await startTestMail();
  await creerMembreEquipe(t.db);
});
afterAll(async () => {
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

const statutDemande = async (id: string) => (await t.db('demandes_habilitation').where({ id }).first('status')).status;
const courriel = (sujet: string, a: string) => mail.catcher.waitFor((m) => m.subject.includes(sujet) && m.to.includes(a), 20_000);
const options = (taskQueue: string) => ({ taskQueue, regles: { delaiRelanceEquipeMs: RELANCE_EQUIPE, delaiRelanceFormationMs: RELANCE_FORMATION }, formation: { delaiRelanceFormationMs: RELANCE_FORMATION } });

function worker(taskQueue: string, activities?: Parameters<typeof testWorker>[1]['activities']): Promise<Worker> {
  return testWorker(env, { deps: { db: t.db, mailer: mail.mailer, publicUrl: 'https://aidants.test' }, taskQueue, activities });
}

async function refusSansEffet(action: () => Promise<unknown>, message: RegExp): Promise<void> {
  const avant = await snapshotCounts(t.db);
  const err = await action().then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(RefusProcessus);
  expect((err as Error).message).toMatch(message);
  expect(await snapshotCounts(t.db)).toEqual(avant);
}

describe('habilitation workflow', () => {
  test('whole path: staff reminder, changes required, resubmission, validation, training/Pix in both orders, reminder to the référent, activation, closure', async () => {
    const taskQueue = uniqueTaskQueue('habilitation');
    const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    const demandeur = (await t.db('demandeurs').where({ id: f.demandeurId }).first()).email;
    const d = await t.db('demandes_habilitation').where({ id: f.demandeId }).first();
    const w = await worker(taskQueue);
    await w.runUntil(async () => {
      await demarrerHabilitation(env.client, f.demandeId, f.empreinte, options(taskQueue));
      const handle = env.client.workflow.getHandle(idHabilitation(f.demandeId));
      await courriel('Demande d’habilitation reçue', demandeur);

      // No decision for 2 days: staff are reminded.
      await env.sleep(RELANCE_EQUIPE + 60_000);
      await courriel('Relance : demande d’habilitation en attente', 'instruction@aidantsconnect.beta.gouv.fr');
      await attendre(async () => (await lireEtatHabilitation(env.client, f.demandeId))?.relancesEquipe === 1, 'relance');

      await deciderHabilitation(env.client, f.demandeId, { decision: 'demander_modifications', message: 'Précisez la fonction du référent.' });
      expect(await statutDemande(f.demandeId)).toBe('CHANGES_REQUIRED');
      expect(await t.db('messages_habilitation').where({ demande_id: f.demandeId }).pluck('content')).toEqual(['Précisez la fonction du référent.']);
      await courriel('Modifications demandées', demandeur);

      // Refusals that fit no state or change nothing record nothing.
      await refusSansEffet(() => deciderHabilitation(env.client, f.demandeId, { decision: 'valider' }), /la demande est « Modifications demandées »/);
      await refusSansEffet(() => resoumettreHabilitation(env.client, f.demandeId, f.empreinte), /n'a pas été modifiée/);

      await t.db('demandes_habilitation').where({ id: f.demandeId }).update({ referent_profession: 'Responsable du pôle accueil' });
      const aidantsRows = await t.db('demandes_aidant').where({ demande_id: f.demandeId }).orderBy('id');
      const nouvelle = empreinteDemande({ ...d, referent_profession: 'Responsable du pôle accueil' }, aidantsRows);
      await resoumettreHabilitation(env.client, f.demandeId, nouvelle);
      expect(await statutDemande(f.demandeId)).toBe('AC_VALIDATION_PROCESSING');
      await courriel('soumise à nouveau', demandeur);

      await deciderHabilitation(env.client, f.demandeId, { decision: 'valider', auteurId: 1 });
      const etat = await attendre(async () => {
        const e = await lireEtatHabilitation(env.client, f.demandeId);
        return e?.formations.length === 2 && e;
      }, 'formations démarrées');
      expect(etat.formations.map((x) => x.workflowId)).toEqual(f.aidants.map((a) => idFormationAidant(a.id)));
      expect(await t.db('structures').where({ siret: f.siret }).count({ n: '*' }).first()).toEqual({ n: 1 });
      const referent = await t.db('aidants').where({ email: d.referent_email }).first();
      expect(referent).toMatchObject({ can_create_mandats: false, referent_non_aidant: true, is_active: true });
      expect(referent.current_structure_id).toBeTruthy();
      expect(await t.db('referent_structures').where({ aidant_id: referent.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
      await courriel('Votre rôle de référent Aidants Connect', d.referent_email);
      await courriel('Demande d’habilitation validée', demandeur);

      // Aidant 0: training, then Pix (a score below the threshold is refused first).
      const [a0, a1] = f.aidants;
      await enregistrerFormationAidant(env.client, a0.id, { date: '2026-03-02', type: 'classic' });
      await refusSansEffet(() => enregistrerPixAidant(env.client, a0.id, { date: '2026-03-03', score: 31 }), /Score Pix insuffisant/);
      await enregistrerPixAidant(env.client, a0.id, { date: '2026-03-03', score: 72 });
      await courriel('Votre compte Aidants Connect est activé', a0.email);
      await courriel("Compte d'aidant activé : Aidant0 Nom", d.referent_email);

      // Aidant 1 waits more than the delay: the référent is reminded.
      await env.sleep(RELANCE_FORMATION + 60_000);
      const relance = await courriel('Relance : Aidant1 Nom', d.referent_email);
      expect(relance.text).toContain('la formation et le test Pix');

      // Aidant 1: Pix first, then a peer trainer who has no mandat is refused, then a classic session.
      await enregistrerPixAidant(env.client, a1.id, { date: '2026-03-10', score: 55 });
      await refusSansEffet(
        () => enregistrerFormationAidant(env.client, a1.id, { date: '2026-03-11', type: 'p2p', formateurEmail: a0.email, formateur: { actif: true, nombreMandats: 0 } }),
        /au moins 5 mandats/,
      );
      await enregistrerFormationAidant(env.client, a1.id, { date: '2026-03-11', type: 'classic' });

      const fin = await handle.result();
      expect(fin.statut).toBe('CLOSED');
      expect(fin.formations.map((x: { issue: string | null }) => x.issue)).toEqual(['active', 'active']);
      expect(await statutDemande(f.demandeId)).toBe('CLOSED');
      const comptes = await t.db('aidants').whereIn('email', f.aidants.map((a) => a.email)).orderBy('email');
      expect(comptes.map((c) => [c.can_create_mandats, c.current_structure_id])).toEqual([[true, referent.current_structure_id], [true, referent.current_structure_id]]);
      // Hand-off to the inactivity watch.
      const veille = await env.client.workflow.getHandle(`inactivite-${comptes[0].id}`).describe();
      expect(veille.type).toBe('inactiviteAidant');
      // The watches run on the skipped clock (5 months to the warning, 6 to the deactivation): stopped here, so
      // that the refusal below is checked against the habilitation's own writes only.
      for (const c of comptes) await env.client.workflow.getHandle(`inactivite-${c.id}`).terminate('fin du test').catch(() => undefined);
      // Each step's email went out once.
      const cles = await t.db('outbox').where('idempotency_key', 'like', `%${f.demandeId}%`).pluck('idempotency_key');
      expect(new Set(cles).size).toBe(cles.length);

      await refusSansEffet(() => deciderHabilitation(env.client, f.demandeId, { decision: 'refuser', message: 'trop tard' }), /plus en cours d'instruction/);

      const types = (await t.db('evenements_habilitation').where({ demande_id: f.demandeId }).orderBy('id').pluck('type')) as string[];
      expect(types).toEqual(['soumise', 'relance_equipe', 'demander_modifications', 'resoumise', 'valider', 'structure_creee', 'comptes_crees', 'cloturee']);
      await maybeSaveHistory(handle, 'habilitation', 'v1');
      await maybeSaveHistory(env.client.workflow.getHandle(idFormationAidant(a1.id)), 'formationAidant', 'v1');
    });
  });

  test('refusal needs a reason, emails the demandeur and the référent, and closes the request', async () => {
    const taskQueue = uniqueTaskQueue('habilitation');
    const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    const d = await t.db('demandes_habilitation').where({ id: f.demandeId }).first();
    const w = await worker(taskQueue);
    await w.runUntil(async () => {
      await demarrerHabilitation(env.client, f.demandeId, f.empreinte, options(taskQueue));
      await attendre(async () => (await t.db('outbox').where('idempotency_key', `habilitation-${f.demandeId}-soumise-1`).first()), 'accusé de réception');
      await refusSansEffet(() => deciderHabilitation(env.client, f.demandeId, { decision: 'refuser', message: '  ' }), /motif du refus/);
      await deciderHabilitation(env.client, f.demandeId, { decision: 'refuser', message: 'Structure à but lucratif.' });
      const fin = await env.client.workflow.getHandle(idHabilitation(f.demandeId)).result();
      expect(fin.statut).toBe('REFUSED');
      expect(await statutDemande(f.demandeId)).toBe('REFUSED');
      const refus = await courriel('Demande d’habilitation refusée', d.referent_email);
      expect(refus.text).toContain('Structure à but lucratif.');
      await refusSansEffet(() => deciderHabilitation(env.client, f.demandeId, { decision: 'valider' }), /plus en cours d'instruction/);
      expect(await t.db('structures').where({ siret: f.siret }).first()).toBeUndefined();
    });
  });

  test('validation is exactly-once when the activity commits and then fails (the retry creates nothing more)', async () => {
    const taskQueue = uniqueTaskQueue('habilitation');
    const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING', referentAidant: true });
    const { createHabilitationActivities } = await import('../../activities/habilitation.ts');
    const reelles = createHabilitationActivities({ db: t.db, mailer: mail.mailer });
    let tentatives = 0;
    const w = await worker(taskQueue, {
      async creerStructureEtComptes(p: { demandeId: string }) {
        tentatives++;
        const r = await reelles.creerStructureEtComptes(p);
        if (tentatives === 1) throw new Error('panne après le commit');
        return r;
      },
    });
    await w.runUntil(async () => {
      await demarrerHabilitation(env.client, f.demandeId, f.empreinte, options(taskQueue));
      await attendre(async () => (await t.db('outbox').where('idempotency_key', `habilitation-${f.demandeId}-soumise-1`).first()), 'accusé');
      await deciderHabilitation(env.client, f.demandeId, { decision: 'valider' });
      const e = await attendre(async () => {
        const x = await lireEtatHabilitation(env.client, f.demandeId);
        return x?.formations.length === 3 && x;
      }, 'formations', 30_000);
      expect(tentatives).toBe(2);
      expect(e.formations).toHaveLength(3); // 2 aidants + the référent who is also aidant
    });
    const d = await t.db('demandes_habilitation').where({ id: f.demandeId }).first();
    expect(await t.db('structures').where({ siret: f.siret }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await t.db('aidants').where({ email: d.referent_email }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await t.db('referent_structures').where({ structure_id: d.structure_id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await t.db('demandes_aidant').where({ demande_id: f.demandeId }).count({ n: '*' }).first()).toEqual({ n: 3 });
    expect(await t.db('evenements_habilitation').where({ demande_id: f.demandeId, type: 'structure_creee' }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  // The worker killed mid-validation drill runs on the real dev server: tests/workflows/habilitation-crash.test.ts.
});
