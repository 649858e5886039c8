// The public statistics (/stats): every figure equals what the test wrote (the staff's structure left out),
// computed at most once per 10 minutes, the page open to all and the same figures as CSV.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { createAccount, createStructure } from '../../scripts/fixtures/comptes.ts';
import { startApp, type RunningApp } from '../../scripts/fixtures/web.ts';
import { creerMandatDeTest, revoquerMandatDeTest } from '../helpers/mandats.ts';
import { moisAffiches, statistiquesCsv, statistiquesPubliques, DUREE_CACHE_STATISTIQUES_MS } from '../../api/statistiques/publiques.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { TOUTES_LES_DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';

let t: TestDb;
let app: RunningApp;
const maintenant = new Date();
const moisParis = (d: Date) => new Intl.DateTimeFormat('fr-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(d);

/** What the test wrote, counted by the test: the expected figures. */
const attendu = { structures: 0, aidantsActifs: 0, mandatsCrees: 0, mandatsActifs: 0, usagers: new Set<number>(), utilisations: new Map<string, number>() };

beforeAll(async () => {
  t = await createTestDb();
  app = await startApp({ db: t.db, temporal: async () => { throw new Error('not used'); } });

  const a = await createStructure(t.db, { name: 'France Services A' });
  const b = await createStructure(t.db, { name: 'Mairie B' });
  const fermee = await createStructure(t.db, { name: 'Structure fermée' });
  await t.db('structures').where({ id: fermee }).update({ is_active: false });
  const equipe = await createStructure(t.db, { name: 'Équipe Aidants Connect' });
  attendu.structures = 2; // a and b

  const aidantA = (await createAccount(t.db, { email: 'a1@a.fr', structureId: a })).aidant.id;
  await createAccount(t.db, { email: 'a2@a.fr', structureId: a });
  await createAccount(t.db, { email: 'inactif@a.fr', structureId: a, is_active: false });
  const referentNonAidant = (await createAccount(t.db, { email: 'ref@a.fr', structureId: a, referent: true, can_create_mandats: false })).aidant.id;
  await t.db('aidants').where({ id: referentNonAidant }).update({ referent_non_aidant: true });
  const aidantB = (await createAccount(t.db, { email: 'b1@b.fr', structureId: b })).aidant.id;
  const aidantFermee = (await createAccount(t.db, { email: 'f1@f.fr', structureId: fermee })).aidant.id;
  await createAccount(t.db, { email: 'equipe@anct.gouv.fr', structureId: equipe, is_staff: true });
  const aidantEquipe = (await createAccount(t.db, { email: 'demo@anct.gouv.fr', structureId: equipe })).aidant.id;
  attendu.aidantsActifs = 3; // a1, a2, b1

  const mandat = async (structureId: number, aidantId: number, p: { usager?: number; demarches: Demarche[]; il_y_a_jours?: number; revoque?: boolean }, compte: boolean) => {
    const m = await creerMandatDeTest(t.db, {
      structureId, aidantId, usager: p.usager, demarches: p.demarches, duree: 'SEMESTER',
      createdAt: new Date(maintenant.getTime() - (p.il_y_a_jours ?? 0) * JOUR_MS),
    });
    if (p.revoque) await revoquerMandatDeTest(t.db, m.mandatId, { aidantId, at: new Date() });
    if (compte) {
      attendu.mandatsCrees++;
      attendu.usagers.add(m.usagerId);
      if (!p.revoque && (p.il_y_a_jours ?? 0) < 182) attendu.mandatsActifs++;
    }
    return m;
  };
  const m1 = await mandat(a, aidantA, { demarches: ['argent', 'social'] }, true);
  await mandat(a, aidantA, { usager: m1.usagerId, demarches: ['papiers'], il_y_a_jours: 10 }, true); // same usager
  await mandat(a, aidantA, { demarches: ['famille'], il_y_a_jours: 300 }, true); // expired
  await mandat(a, aidantA, { demarches: ['logement'], revoque: true }, true);
  await mandat(b, aidantB, { demarches: ['travail'] }, true);
  await mandat(fermee, aidantFermee, { demarches: ['justice'], il_y_a_jours: 30 }, true); // history of a closed structure counts
  await mandat(equipe, aidantEquipe, { demarches: ['argent'] }, false);

  const utiliser = async (structureId: number, aidantId: number, demarche: Demarche, ilYAJours: number, fois: number, compte: boolean) => {
    const date = new Date(maintenant.getTime() - ilYAJours * JOUR_MS);
    for (let i = 0; i < fois; i++) {
      await t.db('journal').insert({ action: 'use_autorisation', aidant_id: aidantId, structure_id: structureId, demarche, created_at: date });
    }
    if (compte) attendu.utilisations.set(`${moisParis(date)}:${demarche}`, (attendu.utilisations.get(`${moisParis(date)}:${demarche}`) ?? 0) + fois);
  };
  await utiliser(a, aidantA, 'argent', 0, 3, true);
  await utiliser(a, aidantA, 'social', 62, 2, true);
  await utiliser(b, aidantB, 'travail', 0, 1, true);
  await utiliser(fermee, aidantFermee, 'justice', 31, 1, true);
  await utiliser(a, aidantA, 'papiers', 400, 4, false); // before the 12 months shown
  await utiliser(equipe, aidantEquipe, 'argent', 0, 5, false); // the staff's structure
  // Other journal rows are not uses.
  await journaliser(t.db, { action: 'connect_aidant', aidant_id: aidantA, structure_id: a });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe('public statistics', () => {
  test('equal the counts of what was written, the staff’s structure left out', async () => {
    const s = await statistiquesPubliques(t.db, maintenant);
    expect({ structures: s.structures, aidantsActifs: s.aidantsActifs, mandatsCrees: s.mandatsCrees, mandatsActifs: s.mandatsActifs, usagersAides: s.usagersAides })
      .toEqual({ structures: attendu.structures, aidantsActifs: attendu.aidantsActifs, mandatsCrees: attendu.mandatsCrees, mandatsActifs: attendu.mandatsActifs, usagersAides: attendu.usagers.size });
    expect(s.mois).toHaveLength(12);
    expect(s.mois[11]).toBe(moisParis(maintenant));
    const lues = new Map<string, number>();
    for (const d of s.parDemarche) s.mois.forEach((m, i) => d.parMois[i] && lues.set(`${m}:${d.demarche}`, d.parMois[i]));
    expect(Object.fromEntries(lues)).toEqual(Object.fromEntries(attendu.utilisations));
    expect(s.parDemarche.map((d) => d.demarche)).toEqual(TOUTES_LES_DEMARCHES);
    expect(s.utilisationsTotal).toBe(7);
    expect(s.totalParMois[11]).toBe([...attendu.utilisations].filter(([k]) => k.startsWith(moisParis(maintenant))).reduce((n, [, v]) => n + v, 0));
  });

  test('are computed at most once per 10 minutes per process', async () => {
    const base = new Date(maintenant.getTime() + 60 * JOUR_MS);
    const premier = await statistiquesPubliques(t.db, base);
    const [a] = await t.db('structures').insert({ name: 'Nouvelle', type: 'mairie' }).returning('id');
    const pendant = await statistiquesPubliques(t.db, new Date(base.getTime() + DUREE_CACHE_STATISTIQUES_MS - 1000));
    expect(pendant).toBe(premier);
    expect(pendant.structures).toBe(attendu.structures);
    // Concurrent requests after expiry share one computation.
    const apres = new Date(base.getTime() + DUREE_CACHE_STATISTIQUES_MS + 1000);
    const [x, y] = await Promise.all([statistiquesPubliques(t.db, apres), statistiquesPubliques(t.db, apres)]);
    expect(x).toBe(y);
    expect(x.structures).toBe(attendu.structures + 1);
    await t.db('structures').where({ id: a.id }).delete();
  });

  test('moisAffiches: the 12 months ending with the current one in Paris, across a new year', () => {
    expect(moisAffiches(new Date('2026-01-31T23:30:00Z'))).toEqual(['2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
  });

  test('/stats is open without login and shows the figures; /stats.csv gives the same ones', async () => {
    const s = await statistiquesPubliques(t.db);
    const page = await fetch(`${app.url}/stats`);
    expect(page.status).toBe(200);
    const texte = await page.text();
    expect(texte).toContain('<h1>Statistiques d’Aidants Connect</h1>');
    expect(texte).toContain(`<p class="fr-h2 fr-mb-0">${s.mandatsCrees}</p><p>mandats créés depuis l’ouverture</p>`);
    expect(texte).toContain('role="img"');
    expect(texte).toContain('<caption>Autorisations utilisées par démarche et par mois</caption>');

    const csv = await fetch(`${app.url}/stats.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="statistiques-aidants-connect.csv"');
    const lignes = (await csv.text()).trimEnd().split('\r\n');
    expect(lignes[0]).toBe('indicateur;demarche;mois;valeur');
    expect(lignes).toContain(`mandats_crees;;;${attendu.mandatsCrees}`);
    expect(lignes).toContain(`usagers_aides;;;${attendu.usagers.size}`);
    expect(lignes).toContain(`autorisations_utilisees;argent;${moisParis(maintenant)};3`);
    expect(lignes).toHaveLength(1 + 5 + 12 * 10);
    expect(statistiquesCsv(s).split('\r\n')[0]).toBe(lignes[0]);
  });
});
