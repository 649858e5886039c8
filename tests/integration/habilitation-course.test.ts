// The race of issue 19 between a submission and a staff decision, on real PostgreSQL with the interleavings
// forced: the submission's activity (enregistrerSoumission) runs late — after the decision committed, or
// while the decision's transaction holds the request — and must never put the request back « en
// instruction » over the decision. In the right order, and for a resubmission after a request for changes,
// it still does.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { creerDemandeComplete } from '../helpers/habilitation.ts';
import { createHabilitationActivities } from '../../activities/habilitation.ts';

let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let acts: ReturnType<typeof createHabilitationActivities>;

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  acts = createHabilitationActivities({ db: t.db, mailer: mail.mailer });
});
afterAll(async () => {
  await mail?.stop();
  await t?.drop();
});

const statut = async (id: string) => (await t.db('demandes_habilitation').where({ id }).first('status')).status as string;
const evenements = (id: string) => t.db('evenements_habilitation').where({ demande_id: id }).orderBy('id').pluck('type');

describe('a late submission never overwrites a staff decision', () => {
  test('the decision committed first: the late submission records itself but leaves the status', async () => {
    const d = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    await acts.enregistrerDecision({ demandeId: d.demandeId, action: 'valider', vers: 'VALIDATED', numero: 1 });
    await acts.enregistrerSoumission({ demandeId: d.demandeId, numero: 1, empreinte: d.empreinte });
    expect(await statut(d.demandeId)).toBe('VALIDATED');
    expect(await evenements(d.demandeId)).toEqual(['valider', 'soumise']);
  });

  test('the decision’s transaction holds the request: the submission waits for it, then leaves its status', async () => {
    const d = await creerDemandeComplete(t.db, { status: 'AC_VALIDATION_PROCESSING' });
    // The decision's write in progress (what enregistrerDecision does, held open).
    const trx = await t.db.transaction();
    await trx('demandes_habilitation').where({ id: d.demandeId }).update({ status: 'REFUSED', updated_at: trx.fn.now() });
    await trx('evenements_habilitation').insert({ demande_id: d.demandeId, type: 'refuser', detail: 'Demande refusée', acteur: 'equipe', idempotency_key: `habilitation-${d.demandeId}-decision-1` });
    let fini = false;
    const soumission = acts.enregistrerSoumission({ demandeId: d.demandeId, numero: 1, empreinte: d.empreinte }).then(() => { fini = true; });
    // The submission is blocked on the request's row lock (seen in pg_locks as a wait), not finished.
    for (let i = 0; i < 100; i++) {
      const attente = await t.db.raw(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (attente.rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await t.db.raw(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n).toBe(1);
    expect(fini).toBe(false);
    await trx.commit();
    await soumission;
    expect(await statut(d.demandeId)).toBe('REFUSED');
  });

  test('the submission holds the request first: the decision waits, then wins', async () => {
    const d = await creerDemandeComplete(t.db, { status: 'NEW' });
    const trx = await t.db.transaction();
    await trx('demandes_habilitation').where({ id: d.demandeId }).forUpdate().first('id');
    const decision = acts.enregistrerDecision({ demandeId: d.demandeId, action: 'demander_modifications', vers: 'CHANGES_REQUIRED', numero: 1, message: 'Le SIRET ne correspond pas.' });
    await new Promise((r) => setTimeout(r, 100));
    // What enregistrerSoumission writes under its lock, before the decision's transaction may go on.
    await trx('demandes_habilitation').where({ id: d.demandeId }).update({ status: 'AC_VALIDATION_PROCESSING' });
    await trx.commit();
    await decision;
    expect(await statut(d.demandeId)).toBe('CHANGES_REQUIRED');
  });

  test('in order, and after a request for changes, a (re)submission still puts the request in instruction', async () => {
    const d = await creerDemandeComplete(t.db, { status: 'NEW' });
    await acts.enregistrerSoumission({ demandeId: d.demandeId, numero: 1, empreinte: d.empreinte });
    expect(await statut(d.demandeId)).toBe('AC_VALIDATION_PROCESSING');
    await acts.enregistrerDecision({ demandeId: d.demandeId, action: 'demander_modifications', vers: 'CHANGES_REQUIRED', numero: 1, message: 'Précisez l’adresse.' });
    expect(await statut(d.demandeId)).toBe('CHANGES_REQUIRED');
    // A retry of submission 1 arriving now changes nothing; submission 2 (after the changes) does.
    await acts.enregistrerSoumission({ demandeId: d.demandeId, numero: 1, empreinte: d.empreinte });
    expect(await statut(d.demandeId)).toBe('CHANGES_REQUIRED');
    await acts.enregistrerSoumission({ demandeId: d.demandeId, numero: 2, empreinte: 'nouvelle-empreinte' });
    const apres = await t.db('demandes_habilitation').where({ id: d.demandeId }).first('status', 'empreinte_soumise', 'nombre_soumissions');
    expect(apres).toEqual({ status: 'AC_VALIDATION_PROCESSING', empreinte_soumise: 'nouvelle-empreinte', nombre_soumissions: 2 });
    // And a late retry of submission 2 after the validation leaves VALIDATED.
    await acts.enregistrerDecision({ demandeId: d.demandeId, action: 'valider', vers: 'VALIDATED', numero: 2 });
    await acts.enregistrerSoumission({ demandeId: d.demandeId, numero: 2, empreinte: 'nouvelle-empreinte' });
    expect(await statut(d.demandeId)).toBe('VALIDATED');
  });
});
