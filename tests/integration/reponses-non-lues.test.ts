// The SMS answers the worker's reconciliation signals again (db/queries/consentement.ts reponsesNonLues): those
// no workflow has read, received in the last FENETRE_RETRANSMISSION_REPONSE_MS — an older unread answer (one its
// workflow could not read) is no longer signalled at every pass, and does not take the place of newer ones.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { reponsesNonLues } from '../../db/queries/consentement.ts';
import { FENETRE_RETRANSMISSION_REPONSE_MS } from '../../db/domain/consentement.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';

let t: TestDb;
const demandeId = '00000000-0000-4000-8000-00000000a001';
let aidantId: number;
let structureId: number;

beforeAll(async () => {
  t = await createTestDb();
  structureId = await createStructure(t.db, { name: 'France Services de Morlaix' });
  aidantId = (await createAccount(t.db, { email: 'yann.le-goff@morlaix.fr', structureId })).aidant.id;
  await t.db('consent_requests').insert({
    id: demandeId, aidant_id: aidantId, structure_id: structureId, phone: '+33681000001', demarches: ['social'],
    duree_keyword: 'MONTH', status: 'awaiting', created_at: new Date(Date.now() - 10 * JOUR_MS),
  });
});
afterAll(async () => {
  await t?.drop();
});

async function recue(texte: string, ilYa: number): Promise<number> {
  const [{ id }] = await t.db('consent_sms')
    .insert({ consent_request_id: demandeId, direction: 'in', body: texte, message_sid: `SM${texte.replace(/\W/g, '')}${ilYa}`, created_at: new Date(Date.now() - ilYa) })
    .returning('id');
  return Number(id);
}

test('an unread answer is signalled again for a week after its arrival, a read one never', async () => {
  const ancienne = await recue('Oui ancienne', FENETRE_RETRANSMISSION_REPONSE_MS + 60_000);
  const limite = await recue('Oui limite', FENETRE_RETRANSMISSION_REPONSE_MS - 60_000);
  const lue = await recue('Oui lue', JOUR_MS);
  const recente = await recue('Oui récente', 60_000);
  // Read by its workflow: the journal row under its key (activities/consentement.ts traiterReponseSms).
  await t.db('journal').insert({
    action: 'remote_sms_answer_ignored', aidant_id: aidantId, structure_id: structureId, demarche: 'social', duree: 30,
    is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: demandeId, consent_sms_id: lue,
    idempotency_key: `consentement-${demandeId}:reponse-${lue}`,
  });
  const depuis = new Date(Date.now() - FENETRE_RETRANSMISSION_REPONSE_MS);
  expect((await reponsesNonLues(t.db, depuis)).map((r) => r.id)).toEqual([limite, recente]);
  expect(ancienne).toBeLessThan(limite);
  // The pass's window of 200 rows: the oldest unread answers in the week first.
  expect((await reponsesNonLues(t.db, depuis, 1)).map((r) => r.id)).toEqual([limite]);
});

test('the pass reads the received answers of the week through their index, not every SMS kept', async () => {
  // A table this small would be scanned whatever the indexes: scans forbidden, the plan shows the index matches.
  const plan = await t.db.transaction(async (trx) => {
    await trx.raw('set local enable_seqscan = off');
    const { rows } = await trx.raw(`explain (format json) select s.id from consent_sms s where s.direction = 'in' and s.created_at >= ?`, [new Date()]);
    return JSON.stringify(rows[0]['QUERY PLAN']);
  });
  expect(plan).toContain('consent_sms_recues_created');
});
