// The race of issue 19 inside the habilitation workflow, with the interleavings forced on the real dev server:
// a staff decision that arrives before or while the first submission's activity (enregistrerSoumission) runs
// is never overwritten, in the workflow's state or in PostgreSQL, and the request moves on only once the
// decision is written. (The database-level guard alone: tests/integration/habilitation-course.test.ts.)
//  1. In the first workflow task: staff decided while no worker ran (update-with-start puts the update in the
//     same activation as the start, as a decision sent during a worker's outage does).
//  2. While the submission's activity runs, both orders of the two activities' writes (each held on a gate).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { devServerEnv, testWorker, uniqueTaskQueue } from '../../scripts/fixtures/temporal.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { maybeSaveHistory } from '../helpers/histories.ts';
import { creerDemandeComplete, creerMembreEquipe } from '../helpers/habilitation.ts';
import { createHabilitationActivities } from '../../activities/habilitation.ts';
import { reglesFormation, reglesHabilitation } from '../../db/domain/habilitation.ts';
import { decisionEquipe, etatHabilitation, habilitation, idHabilitation, type Decision } from '../../workflows/habilitation.ts';
import { jusqua } from '../helpers/attente.ts';

const attendre = <T>(fn: () => Promise<T | null | undefined | false>, quoi: string, ms = 60_000) => jusqua(fn, quoi, ms);

let env: TestWorkflowEnvironment;
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let reelles: ReturnType<typeof createHabilitationActivities>;

beforeAll(async () => {
  env = await devServerEnv();
  t = await createTestDb();
  mail = await startTestMail();
  await creerMembreEquipe(t.db);
  reelles = createHabilitationActivities({ db: t.db, mailer: mail.mailer });
}, 120_000);
afterAll(async () => {
  await env?.teardown();
  await mail?.stop();
  await t?.drop();
});

/** A promise the test resolves: an activity waits on it. */
function porte() {
  let ouvrir!: () => void;
  const ouverte = new Promise<void>((r) => (ouvrir = r));
  return { ouverte, ouvrir };
}

const demande = (id: string) => t.db('demandes_habilitation').where({ id }).first('status', 'structure_id');
const entree = (demandeId: string) => ({ demandeId, regles: reglesHabilitation(), formation: reglesFormation() });

function worker(taskQueue: string, activities: Record<string, (...args: never[]) => Promise<unknown>> = {}): Promise<Worker> {
  return testWorker(env, { deps: { db: t.db, mailer: mail.mailer, publicUrl: 'https://aidants.test' }, taskQueue, activities });
}

/** The status each creation of the accounts saw in PostgreSQL when it started (the decision must be written). */
function creationObservee(vus: string[]) {
  return async (p: { demandeId: string }) => {
    vus.push((await demande(p.demandeId)).status);
    return reelles.creerStructureEtComptes(p);
  };
}

describe('a staff decision taken at the start of a request is never overwritten by its submission', () => {
  for (const decision of [{ decision: 'valider' }, { decision: 'refuser', message: 'Structure hors du champ du service.' }] as Decision[]) {
    test(`${decision.decision}, sent while no worker ran: delivered with the start, kept by the workflow and in the database`, async () => {
      const taskQueue = uniqueTaskQueue('decision-precoce');
      const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
      const id = idHabilitation(f.demandeId);
      // No worker yet: the update waits with the start, and both come in the first workflow task.
      const depart = new WithStartWorkflowOperation(habilitation, { workflowId: id, taskQueue, args: [entree(f.demandeId), f.empreinte], workflowIdConflictPolicy: 'FAIL' });
      const reponse = env.client.workflow.executeUpdateWithStart(decisionEquipe, { args: [decision], startWorkflowOperation: depart });
      const vus: string[] = [];
      const w = await worker(taskQueue, { creerStructureEtComptes: creationObservee(vus) });
      const vers = decision.decision === 'valider' ? 'VALIDATED' : 'REFUSED';
      await w.runUntil(async () => {
        expect((await reponse).statut).toBe(vers);
        const handle = env.client.workflow.getHandle(id);
        if (vers === 'VALIDATED') {
          await attendre(async () => (await demande(f.demandeId)).structure_id, 'les comptes de la structure');
          expect(vus).toEqual(['VALIDATED']);
          await attendre(async () => (await handle.query(etatHabilitation)).formations.length === 2, 'les formations');
        } else {
          await handle.result();
        }
        const etat = await handle.query(etatHabilitation);
        expect(etat.statut).toBe(vers);
        expect(etat.decisions).toBe(1);
        expect(etat.relancesEquipe).toBe(0);
        expect((await demande(f.demandeId)).status).toBe(vers);
        const desc = await handle.describe();
        expect(desc.searchAttributes.HabilitationStatut).toEqual([vers]);
        // Both activities ran once; the patch marker says which code path a replay must follow.
        const evenements = (await handle.fetchHistory()).events!;
        const planifiees = evenements.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
        expect(planifiees.filter((n) => n === 'enregistrerSoumission')).toHaveLength(1);
        expect(planifiees.filter((n) => n === 'enregistrerDecision')).toHaveLength(1);
        expect(evenements.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(true);
        await maybeSaveHistory(handle, 'habilitation', `decision-au-demarrage-${decision.decision}`);
      });
      const types = await t.db('evenements_habilitation').where({ demande_id: f.demandeId }).orderBy('id').pluck('type');
      expect(types.filter((x: string) => x === 'soumise')).toHaveLength(1);
      expect(types.filter((x: string) => x === decision.decision)).toHaveLength(1);
    }, 120_000);
  }

  for (const ordre of ['soumission-ecrite-d-abord', 'decision-ecrite-d-abord'] as const) {
    test(`validated while the submission's activity runs (${ordre}): validated everywhere, accounts created only after the decision is written`, async () => {
      const taskQueue = uniqueTaskQueue('decision-pendant');
      const f = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
      const id = idHabilitation(f.demandeId);
      const soumission = porte();
      const decisionPorte = porte();
      let soumissionCommencee = false;
      const vus: string[] = [];
      const w = await worker(taskQueue, {
        async enregistrerSoumission(p: Parameters<typeof reelles.enregistrerSoumission>[0]) {
          soumissionCommencee = true;
          await soumission.ouverte;
          return reelles.enregistrerSoumission(p);
        },
        async enregistrerDecision(p: Parameters<typeof reelles.enregistrerDecision>[0]) {
          await decisionPorte.ouverte;
          return reelles.enregistrerDecision(p);
        },
        creerStructureEtComptes: creationObservee(vus),
      });
      await w.runUntil(async () => {
        const handle = await env.client.workflow.start(habilitation, { workflowId: id, taskQueue, args: [entree(f.demandeId), f.empreinte] });
        await attendre(async () => soumissionCommencee, 'l’activité de soumission');
        const maj = await handle.startUpdate(decisionEquipe, { args: [{ decision: 'valider' }], waitForStage: 'ACCEPTED' });
        const termineeApres = async (activite: string) => {
          const ev = (await handle.fetchHistory()).events!;
          const i = ev.findIndex((e) => e.activityTaskCompletedEventAttributes && ev.find((s) => s.eventId?.toString() === e.activityTaskCompletedEventAttributes!.scheduledEventId?.toString())?.activityTaskScheduledEventAttributes?.activityType?.name === activite);
          return i >= 0 && ev.slice(i + 1).some((e) => e.workflowTaskCompletedEventAttributes) ? ev : null;
        };
        if (ordre === 'soumission-ecrite-d-abord') {
          soumission.ouvrir();
          // The workflow has handled the submission's completion while the decision is still being written:
          // it must wait, not create the accounts of a request whose validation is not recorded yet.
          const ev = await attendre(() => termineeApres('enregistrerSoumission'), 'la fin de la soumission traitée par le workflow');
          expect(ev.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'creerStructureEtComptes')).toBe(false);
          expect((await demande(f.demandeId)).status).toBe('AC_VALIDATION_PROCESSING');
          decisionPorte.ouvrir();
        } else {
          decisionPorte.ouvrir();
          await attendre(() => termineeApres('enregistrerDecision'), 'la décision écrite');
          expect((await demande(f.demandeId)).status).toBe('VALIDATED');
          // The late submission now writes: it records itself, and leaves the decision.
          soumission.ouvrir();
        }
        expect((await maj.result()).statut).toBe('VALIDATED');
        await attendre(async () => (await demande(f.demandeId)).structure_id, 'les comptes de la structure');
        expect(vus).toEqual(['VALIDATED']);
        expect((await handle.query(etatHabilitation)).statut).toBe('VALIDATED');
        expect((await demande(f.demandeId)).status).toBe('VALIDATED');
      });
    }, 120_000);
  }
});
