// The espace usager's pure rules (db/domain/espace-usager.ts) and email texts (db/courriels/espace-usager.ts).
import { describe, expect, test } from '@jest/globals';
import {
  celluleCsv, estCheminEspaceUsager, initiales, prenomInitiale, revoqueParUsager, serviceDeLEntree, validerSignalement, validerSuivi,
} from '../../db/domain/espace-usager.ts';
import { courrielRecuRevocation, courrielRevocationStructure, courrielSignalement } from '../../db/courriels/espace-usager.ts';

describe('règles de l’espace usager', () => {
  test('a report needs a known reason; free text of 1,000 characters at most, required for « Autre »', () => {
    expect(validerSignalement({ motif: 'pas_demande' })).toEqual({ ok: true, motif: 'pas_demande', precision: '' });
    expect(validerSignalement({ motif: 'autre', precision: '  Pas moi.  ' })).toEqual({ ok: true, motif: 'autre', precision: 'Pas moi.' });
    expect(validerSignalement({})).toMatchObject({ ok: false, erreurs: { motif: 'Choisissez ce qui ne va pas.' } });
    expect(validerSignalement({ motif: 'autre' })).toMatchObject({ ok: false, erreurs: { precision: expect.stringContaining('Expliquez') } });
    expect(validerSignalement({ motif: 'date', precision: 'é'.repeat(1000) }).ok).toBe(true);
    expect(validerSignalement({ motif: 'date', precision: 'é'.repeat(1001) })).toMatchObject({ ok: false, erreurs: { precision: expect.stringContaining('1001') } });
    expect(validerSignalement({ motif: 'date', precision: ['a'] })).toMatchObject({ ok: false });
    expect(validerSignalement({ motif: '__proto__' })).toMatchObject({ ok: false });
    expect(validerSuivi({ etat: 'clos', commentaire: ' ok ' })).toEqual({ ok: true, etat: 'clos', commentaire: 'ok' });
    expect(validerSuivi({ etat: 'ferme' })).toMatchObject({ ok: false });
  });

  test('initials, first name and initial, service, who revoked', () => {
    expect(initiales({ given_name: 'Angela Claire Louise', family_name: 'DUBOIS' })).toBe('A. D.');
    expect(initiales({ given_name: 'élodie', family_name: 'MARTIN', preferred_username: 'ÉVRARD' })).toBe('É. É.');
    expect(prenomInitiale('Karim', 'Benali')).toBe('Karim B.');
    expect(prenomInitiale(null, 'Benali')).toBeNull();
    expect(serviceDeLEntree('service=impots.gouv.fr')).toBe('impots.gouv.fr');
    expect(serviceDeLEntree('message=x;service=CAF')).toBe('CAF');
    expect(serviceDeLEntree('')).toBeNull();
    expect(revoqueParUsager({ aidant_id: null, additional_information: 'origine=usager' })).toBe(true);
    expect(revoqueParUsager({ aidant_id: 3, additional_information: 'origine=usager' })).toBe(false);
    expect(revoqueParUsager({ aidant_id: null, additional_information: '' })).toBe(false);
  });

  test('CSV cells are quoted and formulas neutralised', () => {
    expect(celluleCsv('a "b"')).toBe('"a ""b"""');
    expect(celluleCsv('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(celluleCsv(null)).toBe('""');
    expect(celluleCsv(12)).toBe('"12"');
  });

  test('the espace usager’s paths (its own session cookie)', () => {
    expect(estCheminEspaceUsager('/espace-usager')).toBe(true);
    expect(estCheminEspaceUsager('/espace-usager/actes')).toBe(true);
    expect(estCheminEspaceUsager('/espace-usagers')).toBe(false);
    expect(estCheminEspaceUsager('/usagers')).toBe(false);
  });

  test('emails to the structure carry the initials and a link, nothing else of the usager', () => {
    const c = courrielRevocationStructure({ prenom: 'Nora', initiales: 'A. D.', structure: 'France Services de Lille', quoi: 'le mandat n° 4', lien: 'https://x/usagers/7' });
    expect(c.subject).toBe('Un usager a révoqué le mandat n° 4 en ligne');
    expect(c.text).toContain('L’usager A. D. a révoqué le mandat n° 4 confié à France Services de Lille');
    expect(c.text).toContain('https://x/usagers/7');
    const r = courrielRecuRevocation({ prenom: 'Angela', structure: 'CCAS de Brest', quoi: 'le mandat n° 4', leMs: Date.UTC(2026, 5, 1, 10), lien: 'https://x/espace-usager' });
    expect(r.text).toContain('le 1er juin 2026');
    const s = courrielSignalement({ prenom: 'Inès', initiales: 'J. D.', structure: 'Lille', action: 'Démarche réalisée en votre nom', acteLeMs: Date.UTC(2026, 2, 12, 10), motif: 'Je n’ai pas demandé cette démarche', lien: 'https://x/espace-referent/signalements' });
    expect(s.text).toContain('L’usager J. D. signale');
    expect(s.text).toContain('le 12 mars 2026');
  });
});
