// Opening hours (Paris time, public holidays of metropolitan France) and the suspicious-activity rules, pure.
import { describe, expect, test } from '@jest/globals';
import {
  estOuvert, heureDeParis, HORAIRES_PAR_DEFAUT, horairesAStocker, joursFeries, lireHoraires, paques, plagesEnFrancais, validerHoraires,
} from '../../db/domain/horaires.ts';
import { alertesDeLActe, clePreuves, SEUILS_ALERTES, validerCommentaireCloture, type ActeJournal, type ContexteActe } from '../../db/domain/alertes.ts';
import { MINUTE_MS } from '../../db/domain/durees.ts';

describe('horaires', () => {
  test('Easter Sunday of known years', () => {
    expect(paques(2024)).toEqual([3, 31]);
    expect(paques(2025)).toEqual([4, 20]);
    expect(paques(2026)).toEqual([4, 5]);
    expect(paques(2027)).toEqual([3, 28]);
    expect(paques(2038)).toEqual([4, 25]);
    expect(paques(2285)).toEqual([3, 22]);
  });

  test('the eleven public holidays of 2026, the Easter-based ones included', () => {
    const f = joursFeries(2026);
    expect(f.size).toBe(11);
    expect([...f.keys()].sort()).toEqual([
      '2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25',
    ]);
    expect(f.get('2026-05-14')).toBe('Ascension');
    expect(joursFeries(2027).get('2027-03-29')).toBe('Lundi de Pâques');
  });

  test('Paris time across daylight saving', () => {
    expect(heureDeParis(new Date('2026-01-15T07:59:00Z'))).toMatchObject({ date: '2026-01-15', jour: 4, minutes: 8 * 60 + 59 });
    expect(heureDeParis(new Date('2026-07-15T05:59:00Z'))).toMatchObject({ date: '2026-07-15', jour: 3, minutes: 7 * 60 + 59 });
    expect(heureDeParis(new Date('2026-03-01T23:30:00Z'))).toMatchObject({ date: '2026-03-02', jour: 1 });
  });

  test('default hours: Monday to Friday 8:00–19:00, closed on public holidays and week-ends', () => {
    const h = lireHoraires({});
    expect(h).toBe(HORAIRES_PAR_DEFAUT);
    expect(estOuvert(h, new Date('2026-01-15T07:00:00Z'))).toBe(true); // Thursday 8:00 Paris (winter)
    expect(estOuvert(h, new Date('2026-01-15T06:59:00Z'))).toBe(false); // 7:59
    expect(estOuvert(h, new Date('2026-01-15T17:59:00Z'))).toBe(true); // 18:59
    expect(estOuvert(h, new Date('2026-01-15T18:00:00Z'))).toBe(false); // 19:00
    expect(estOuvert(h, new Date('2026-07-15T06:00:00Z'))).toBe(true); // Wednesday 8:00 Paris (summer)
    expect(estOuvert(h, new Date('2026-01-17T10:00:00Z'))).toBe(false); // Saturday
    expect(estOuvert(h, new Date('2026-05-14T10:00:00Z'))).toBe(false); // Ascension, a Thursday
    expect(estOuvert(h, new Date('2026-04-06T10:00:00Z'))).toBe(false); // Easter Monday
  });

  test('stored hours: ranges per weekday, optionally open on public holidays; invalid data falls back to the default', () => {
    const stocke = { '1': [['09:00', '12:30'], ['13:30', '17:30']], '6': [['09:00', '12:00']], feries: true };
    const h = lireHoraires(stocke);
    expect(h.parDefaut).toBe(false);
    expect(estOuvert(h, new Date('2026-01-12T11:00:00Z'))).toBe(true); // Monday 12:00
    expect(estOuvert(h, new Date('2026-01-12T11:45:00Z'))).toBe(false); // Monday 12:45 (lunch)
    expect(estOuvert(h, new Date('2026-01-13T10:00:00Z'))).toBe(false); // Tuesday: closed
    expect(estOuvert(h, new Date('2026-01-17T09:00:00Z'))).toBe(true); // Saturday 10:00
    expect(estOuvert(h, new Date('2026-04-06T08:00:00Z'))).toBe(true); // Easter Monday, open on holidays
    expect(lireHoraires({ '1': [['12:00', '09:00']] })).toBe(HORAIRES_PAR_DEFAUT);
    expect(lireHoraires({ '1': 'toujours' })).toBe(HORAIRES_PAR_DEFAUT);
    expect(horairesAStocker(h)).toEqual({ '1': stocke['1'], '2': [], '3': [], '4': [], '5': [], '6': stocke['6'], '7': [], feries: true });
    expect(plagesEnFrancais(h.jours[1])).toBe('9\u00a0h–12\u00a0h\u00a030, 13\u00a0h\u00a030–17\u00a0h\u00a030');
    expect(plagesEnFrancais([])).toBe('Fermé');
  });

  test('the form: a range needs both times in order, ranges do not overlap, one range in the week at least', () => {
    const ok = validerHoraires({ j1_debut1: '09:00', j1_fin1: '12:00', j1_debut2: '14:00', j1_fin2: '18:00', j6_debut1: '', j6_fin1: '', feries: 'oui' });
    expect(ok).toEqual({ ok: true, horaires: { jours: { 1: [['09:00', '12:00'], ['14:00', '18:00']], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] }, ouvertJoursFeries: true } });
    expect(validerHoraires({ j2_debut1: '9h', j2_fin1: '12:00' })).toEqual({ ok: false, erreurs: { j2_debut1: expect.stringContaining('HH:MM') } });
    expect(validerHoraires({ j2_debut1: '12:00', j2_fin1: '09:00' })).toEqual({ ok: false, erreurs: { j2_debut1: expect.stringContaining('doit suivre') } });
    expect(validerHoraires({ j2_debut1: '09:00', j2_fin1: '12:00', j2_debut2: '11:00', j2_fin2: '13:00' })).toEqual({ ok: false, erreurs: { j2_debut1: expect.stringContaining('chevauchent') } });
    expect(validerHoraires({})).toEqual({ ok: false, erreurs: { j1_debut1: expect.stringContaining('au moins une plage') } });
  });
});

describe('règles d’alerte', () => {
  const normal: ContexteActe = { horaires: HORAIRES_PAR_DEFAUT, membre: true, suspendue: false };
  // Thursday 15 January 2026, 10:00 Paris.
  const t0 = Date.parse('2026-01-15T09:00:00Z');
  let id = 100;
  const acte = (minutes: number, action: ActeJournal['action'] = 'create_attestation', usager = 1, aidant = 7): ActeJournal =>
    ({ id: ++id, action, aidant_id: aidant, structure_id: 3, usager_id: usager, created_at: new Date(t0 + minutes * MINUTE_MS) });

  test('an ordinary act in opening hours raises nothing', () => {
    const a = acte(0);
    expect(alertesDeLActe(a, normal, [a])).toEqual([]);
  });

  test('outside opening hours, for a structure left, while suspended: one alert each, the act as evidence', () => {
    const nuit: ActeJournal = { ...acte(0), created_at: new Date('2026-01-15T22:10:00Z') };
    expect(alertesDeLActe(nuit, normal, [nuit])).toEqual([expect.objectContaining({ regle: 'hors_horaires', preuves: [nuit.id], structureId: 3, aidantId: 7 })]);
    expect(alertesDeLActe(nuit, normal, [nuit])[0].description).toContain('15/01/2026 à 23\u00a0h\u00a010');
    const a = acte(1, 'use_autorisation');
    expect(alertesDeLActe(a, { ...normal, membre: false }, [a]).map((x) => x.regle)).toEqual(['hors_structure']);
    expect(alertesDeLActe(a, { ...normal, suspendue: true }, [a]).map((x) => x.regle)).toEqual(['structure_suspendue']);
  });

  test('the 6th mandat within 30 minutes fires once, with the six rows; the 7th does not fire again', () => {
    const { nombre, fenetreMs } = SEUILS_ALERTES.rafaleMandats;
    expect([nombre, fenetreMs]).toEqual([5, 30 * MINUTE_MS]);
    const actes = [0, 4, 8, 12, 16, 20, 24].map((m) => acte(m));
    const parActe = actes.map((a) => alertesDeLActe(a, normal, actes));
    expect(parActe.slice(0, 5).flat()).toEqual([]);
    expect(parActe[5]).toEqual([expect.objectContaining({ regle: 'rafale_mandats', preuves: actes.slice(0, 6).map((a) => a.id) })]);
    expect(parActe[6]).toEqual([]);
    // Six mandats spread over more than 30 minutes: nothing; another aidant's mandats do not count.
    const lents = [0, 7, 14, 21, 28, 35].map((m) => acte(m));
    expect(lents.flatMap((a) => alertesDeLActe(a, normal, lents))).toEqual([]);
    const melanges = [0, 1, 2, 3, 4].map((m) => acte(m)).concat([acte(5, 'create_attestation', 1, 8)]);
    expect(melanges.flatMap((a) => alertesDeLActe(a, normal, melanges))).toEqual([]);
  });

  test('autorisations of an 11th distinct usager within 30 minutes fire; repeated uses for the same usagers do not', () => {
    const usages = Array.from({ length: 10 }, (_, i) => acte(i, 'use_autorisation', i + 1));
    const repetes = Array.from({ length: 10 }, (_, i) => acte(10 + i, 'use_autorisation', (i % 10) + 1));
    const onzieme = acte(25, 'use_autorisation', 11);
    const tous = [...usages, ...repetes, onzieme];
    expect([...usages, ...repetes].flatMap((a) => alertesDeLActe(a, normal, tous))).toEqual([]);
    const [alerte] = alertesDeLActe(onzieme, normal, tous);
    expect(alerte).toMatchObject({ regle: 'rafale_usagers', aidantId: 7 });
    expect(alerte.preuves).toEqual(tous.map((a) => a.id));
    expect(alerte.description).toContain('11 usagers différents');
  });

  test('evidence key and closing comment', () => {
    expect(clePreuves([12, 3, 7])).toBe('3,7,12');
    expect(validerCommentaireCloture('  vérifié avec l’aidant  ')).toEqual({ ok: true, commentaire: 'vérifié avec l’aidant' });
    expect(validerCommentaireCloture('')).toMatchObject({ ok: false });
    expect(validerCommentaireCloture('x'.repeat(1001))).toMatchObject({ ok: false });
  });
});
