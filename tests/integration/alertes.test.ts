// The suspicious-activity survey against PostgreSQL: each rule fires on crafted journal rows and stays silent on
// a busy but ordinary day; an alert is stored with its evidence, journaled and emailed once to the structure's
// référents and to staff, even when the activity runs again (retry) or twice at once; closing is journaled.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { startTestMail } from '../../scripts/fixtures/mail.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { creerUsagerDeTest } from '../helpers/mandats.ts';
import { examinerActes } from '../../db/queries/alertes.ts';
import { createAlertesActivities } from '../../activities/alertes.ts';
import { deliverDue } from '../../activities/outbox.ts';
import { clore } from '../../api/alertes/alertes.ts';
import { MINUTE_MS } from '../../db/domain/durees.ts';

const PUBLIC_URL = 'https://aidants.example.test';
let t: TestDb;
let mail: Awaited<ReturnType<typeof startTestMail>>;
let structureA: number;
let structureB: number;
let aidants: number[];
let referentA: number;
let staff: number;
let usagers: number[];

beforeAll(async () => {
  t = await createTestDb();
  mail = await startTestMail();
  structureA = await createStructure(t.db, { name: 'France Services de Lyon' });
  structureB = await createStructure(t.db, { name: 'CCAS de Brest' });
  referentA = (await createAccount(t.db, { email: 'claire.petit@lyon.fr', first_name: 'Claire', structureId: structureA, referent: true })).aidant.id;
  await createAccount(t.db, { email: 'yann.le-goff@brest.fr', first_name: 'Yann', structureId: structureB, referent: true });
  staff = (await createAccount(t.db, { email: 'equipe@aidantsconnect.beta.gouv.fr', first_name: 'Équipe', is_staff: true })).aidant.id;
  aidants = [];
  for (const prenom of ['Inès', 'Paul', 'Léa']) {
    aidants.push((await createAccount(t.db, { email: `${prenom.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')}.martin@lyon.fr`, first_name: prenom, structureId: structureA })).aidant.id);
  }
  usagers = [];
  for (let i = 0; i < 40; i++) usagers.push(await creerUsagerDeTest(t.db));
});
afterAll(async () => {
  await mail?.stop();
  await t?.drop();
});

type Acte = { action: 'create_attestation' | 'use_autorisation'; aidant: number; structure?: number; usager: number; at: Date };
async function journal(actes: Acte[]): Promise<number[]> {
  if (!actes.length) return [];
  const rows = await t.db('journal')
    .insert(actes.map((a) => ({ action: a.action, aidant_id: a.aidant, structure_id: a.structure ?? structureA, usager_id: a.usager, created_at: a.at })))
    .returning('id');
  return rows.map((r: { id: string | number }) => Number(r.id));
}
const examiner = (depuis: Date, jusqua: Date) => t.db.transaction((trx) => examinerActes(trx, { depuis, jusqua }, PUBLIC_URL));
/** Paris time on a given day of January 2026 (UTC+1). */
const paris = (jour: number, h: number, m = 0) => new Date(Date.UTC(2026, 0, jour, h - 1, m));
const alertes = () => t.db('alertes').orderBy('id').select();

describe('surveillance de l’activité', () => {
  test('a busy ordinary day raises nothing', async () => {
    // Tuesday 13 January 2026: three aidants, 8:30 to 18:30, each creating a mandat every 40 minutes and using
    // mandats of up to 8 distinct usagers in any half hour.
    const actes: Acte[] = [];
    aidants.forEach((aidant, i) => {
      for (let k = 0; k < 15; k++) actes.push({ action: 'create_attestation', aidant, usager: usagers[(i * 15 + k) % 40], at: paris(13, 8, 30 + i * 5 + k * 40) });
      for (let k = 0; k < 60; k++) actes.push({ action: 'use_autorisation', aidant, usager: usagers[i * 8 + (k % 8)], at: paris(13, 8, 35 + k * 10) });
    });
    await journal(actes);
    expect(await examiner(paris(13, 0), paris(14, 0))).toEqual({ actes: actes.length, alertes: 0 });
    expect(await alertes()).toEqual([]);
  });

  test('each rule fires on crafted activity, with its evidence, journaled and emailed to référents and staff', async () => {
    const [aidant] = aidants;
    // Wednesday 14 January: a mandat at 22:10; six mandats between 10:00 and 10:25; 11 distinct usagers' mandats
    // used between 14:00 and 14:20; a use for structure B (the aidant is not a member); a creation while A was
    // suspended (15:00–16:00).
    const [nuit] = await journal([{ action: 'create_attestation', aidant, usager: usagers[0], at: paris(14, 22, 10) }]);
    const rafale = await journal([0, 5, 10, 15, 20, 25].map((m) => ({ action: 'create_attestation' as const, aidant, usager: usagers[m], at: paris(14, 10, m) })));
    const usages = await journal(Array.from({ length: 11 }, (_, i) => ({ action: 'use_autorisation' as const, aidant, usager: usagers[i], at: paris(14, 14, i * 2) })));
    const [ailleurs] = await journal([{ action: 'use_autorisation', aidant, structure: structureB, usager: usagers[30], at: paris(14, 11, 0) }]);
    const owner = t.owner();
    await owner('suspensions_structure').insert({ structure_id: structureA, reason: 'Contrôle', suspended_by: staff, suspended_at: paris(14, 15), lifted_by: staff, lifted_at: paris(14, 16) });
    const [pendantSuspension] = await journal([{ action: 'create_attestation', aidant, usager: usagers[31], at: paris(14, 15, 30) }]);

    expect(await examiner(paris(14, 0), paris(15, 0))).toMatchObject({ alertes: 5 });
    const parRegle = Object.fromEntries((await alertes()).map((a) => [a.regle, a]));
    expect(Object.keys(parRegle).sort()).toEqual(['hors_horaires', 'hors_structure', 'rafale_mandats', 'rafale_usagers', 'structure_suspendue']);
    expect(parRegle.hors_horaires).toMatchObject({ structure_id: structureA, aidant_id: aidant, preuves: [String(nuit)], closed_at: null });
    expect(parRegle.rafale_mandats.preuves.map(Number)).toEqual(rafale);
    expect(parRegle.rafale_usagers.preuves.map(Number)).toEqual(usages);
    expect(parRegle.hors_structure).toMatchObject({ structure_id: structureB, preuves: [String(ailleurs)] });
    expect(parRegle.structure_suspendue.preuves.map(Number)).toEqual([pendantSuspension]);

    // Journaled, one row per alert.
    const levees = await t.db('journal').where({ action: 'alerte_levee' }).orderBy('id').select('structure_id', 'aidant_id', 'additional_information');
    expect(levees).toHaveLength(5);
    expect(levees.find((l) => l.additional_information.includes('regle=rafale_mandats'))!.additional_information).toContain(`preuves=journal ${rafale.join(',')}`);
    // Emailed: A's alerts to A's référent and staff; B's to B's référent and staff; nobody else.
    const courriels = await t.db('outbox').where('idempotency_key', 'like', 'alerte-%').select('recipient', 'subject', 'body');
    expect(courriels).toHaveLength(10);
    expect(courriels.filter((c) => c.recipient === 'claire.petit@lyon.fr')).toHaveLength(4);
    expect(courriels.filter((c) => c.recipient === 'yann.le-goff@brest.fr')).toHaveLength(1);
    expect(courriels.filter((c) => c.recipient === 'equipe@aidantsconnect.beta.gouv.fr')).toHaveLength(5);
    const pourStaff = courriels.find((c) => c.recipient === 'equipe@aidantsconnect.beta.gouv.fr' && c.body.includes('22\u00a0h\u00a010'))!;
    expect(pourStaff.body).toContain(`${PUBLIC_URL}/staff/alertes/${parRegle.hors_horaires.id}`);
    expect(courriels.find((c) => c.recipient === 'claire.petit@lyon.fr')!.body).toContain(`${PUBLIC_URL}/espace-referent/alertes/`);

    // The same window again (a retried activity): nothing new anywhere.
    const avant = await Promise.all(['alertes', 'journal', 'outbox'].map(async (table) => Number((await t.db(table).count({ n: '*' }))[0].n)));
    expect(await examiner(paris(14, 0), paris(15, 0))).toMatchObject({ alertes: 0 });
    const apres = await Promise.all(['alertes', 'journal', 'outbox'].map(async (table) => Number((await t.db(table).count({ n: '*' }))[0].n)));
    expect(apres).toEqual(avant);
  });

  test('the scheduled activity: one alert and one email per recipient, under retries and concurrent runs', async () => {
    await t.db('outbox').update({ status: 'sent' }).where({ status: 'pending' });
    mail.catcher.clear();
    const [, aidant] = aidants;
    // Now is any time of any day: structure A opens round the clock, so only the burst counts.
    const jour = [['00:00', '24:00']];
    await t.db('structures').where({ id: structureA }).update({ opening_hours: JSON.stringify({ 1: jour, 2: jour, 3: jour, 4: jour, 5: jour, 6: jour, 7: jour, feries: true }) });
    const maintenant = Date.now();
    const ids = await journal([6, 5, 4, 3, 2, 1].map((m) => ({ action: 'create_attestation' as const, aidant, usager: usagers[m], at: new Date(maintenant - m * MINUTE_MS) })));
    // The previous pass stopped an hour ago (the cursor starts when the migration ran).
    await t.db('surveillance_journal').update({ examine_jusqua: new Date(Date.now() - 60 * MINUTE_MS) });
    const { examinerActivite } = createAlertesActivities({ db: t.db, mailer: mail.mailer, publicUrl: PUBLIC_URL });
    const bilans = await Promise.all([examinerActivite(), examinerActivite()]);
    const encore = await examinerActivite();
    expect(bilans.map((b) => b.alertes).sort()).toEqual([0, 1]);
    expect(encore.alertes).toBe(0);
    const [alerte] = await t.db('alertes').where({ regle: 'rafale_mandats', aidant_id: aidant }).select();
    expect(alerte.preuves.map(Number)).toEqual(ids);
    // The worker's relay sends the outbox twice over: one email per recipient.
    await deliverDue(t.db, { mailer: mail.mailer });
    await deliverDue(t.db, { mailer: mail.mailer });
    const recus = mail.catcher.emails().filter((e) => e.subject.includes('nombreux mandats créés'));
    expect(recus.map((e) => e.to[0]).sort()).toEqual(['claire.petit@lyon.fr', 'equipe@aidantsconnect.beta.gouv.fr']);
  });

  test('closing: a comment is required, the closing is journaled, another structure’s référent cannot close it', async () => {
    const [alerte] = await t.db('alertes').where({ structure_id: structureA }).whereNull('closed_at').orderBy('id').select('id');
    await expect(clore(t.db, [structureB], referentA, String(alerte.id), 'Vu')).rejects.toMatchObject({ status: 404 });
    expect(await clore(t.db, [structureA], referentA, String(alerte.id), '  ')).toMatchObject({ ok: false });
    expect(await clore(t.db, [structureA], referentA, String(alerte.id), 'Permanence du soir prévue avec la mairie.')).toEqual({ ok: true });
    expect(await clore(t.db, [structureA], referentA, String(alerte.id), 'Encore')).toEqual({ ok: false, erreur: 'Cette alerte est déjà close.' });
    expect(await t.db('alertes').where({ id: alerte.id }).first()).toMatchObject({ closed_by: referentA, closing_comment: 'Permanence du soir prévue avec la mairie.' });
    expect(await t.db('journal').where({ action: 'alerte_close', aidant_id: referentA }).first()).toMatchObject({
      structure_id: structureA, additional_information: expect.stringContaining('commentaire=Permanence du soir'),
    });
    // Staff may close any structure's alert.
    const [autre] = await t.db('alertes').where({ structure_id: structureB }).select('id');
    expect(await clore(t.db, null, staff, String(autre.id), 'Aidant rattaché à Brest depuis.')).toEqual({ ok: true });
  });
});
