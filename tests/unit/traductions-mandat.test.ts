// The mandat's translations (issue 22): every file of db/domain/modeles-mandat/traductions/ is in its index,
// translates a published French template paragraph for paragraph (same keys and counts, same placeholders,
// nothing empty, no French left over), says it is not the legal reference, and declares a direction that matches
// its script. An unknown language code never throws: the mandat is then printed in French only.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { TOUTES_LES_DEMARCHES } from '../../db/domain/demarches.ts';
import { DUREES_MANDAT } from '../../db/domain/mandat.ts';
import { MODELE_EN_VIGUEUR, modeleMandat, type ModeleMandat } from '../../db/domain/modeles-mandat/index.ts';
import { marqueurs } from '../../db/domain/modeles-mandat/traduction.ts';
import { FORMAT_LANGUE, languesProposees, traductionModele, TRADUCTIONS, type TraductionModele } from '../../db/domain/modeles-mandat/traductions/index.ts';
import { MESSAGE_LANGUE_INCONNUE, validerLangue } from '../../api/mandats/langue.ts';
import { remplirIsole } from '../../web/mandats/langue-pages.ts';

const DOSSIER = join(dirname(fileURLToPath(import.meta.url)), '../../db/domain/modeles-mandat/traductions');
const FICHIER = /^(\d{4}-\d{2})\.([A-Za-z0-9-]+)\.ts$/;
const traductions = Object.values(TRADUCTIONS);

/** Every text of the template a translation must render, as [path, French, translation]. */
function paires(fr: ModeleMandat, t: TraductionModele): [string, string, string][] {
  const p: [string, string, string][] = [
    ['titre', fr.titre, t.titre],
    ['phraseDuree', fr.phraseDuree, t.phraseDuree],
    ['objet', fr.objet, t.objet],
    ['faitA', fr.faitA, t.faitA],
    ['signatureUsager', fr.signatureUsager, t.signatureUsager],
    ['signatureAidant', fr.signatureAidant, t.signatureAidant],
  ];
  for (const d of TOUTES_LES_DEMARCHES) p.push([`demarches.${d}`, fr.demarches[d], t.demarches[d]]);
  fr.sections.forEach((s, i) => {
    p.push([`sections[${i}].titre`, s.titre, t.sections[i]?.titre]);
    s.paragraphes.forEach((para, j) => p.push([`sections[${i}].paragraphes[${j}]`, para, t.sections[i]?.paragraphes[j]]));
  });
  return p;
}

// Words that only French has among the shipped languages (proper nouns in parentheses and « Aidants Connect »
// are set aside: a translation may quote the French name of an institution for the usager to recognise it).
const MOTS_FRANCAIS = ['je', 'vous', 'est', 'aux', 'du', 'des', 'et', 'dont', 'être', 'ne', 'soussigné', 'mandataire', 'usager', 'aidant', 'démarche', 'démarches', 'structure'];
const motFrancais = new RegExp(`(?<!\\p{L})(${MOTS_FRANCAIS.join('|')})(?!\\p{L})`, 'iu');
const sansNomsPropres = (s: string) => s.replace(/\([^)]*\)/g, '').replace(/\{[a-z]+\}/g, '').replace(/Aidants Connect/g, '');

describe('registre des traductions', () => {
  test('every file of the folder is listed in the index, under its own version and language', () => {
    const fichiers = readdirSync(DOSSIER).filter((f) => f !== 'index.ts');
    for (const f of fichiers) expect(f).toMatch(FICHIER);
    const cles = fichiers.map((f) => f.replace(/\.ts$/, '')).sort();
    expect(Object.keys(TRADUCTIONS).sort()).toEqual(cles);
    // Each file exports the translation its name says.
    for (const cle of cles) expect(`${TRADUCTIONS[cle].version}.${TRADUCTIONS[cle].langue}`).toBe(cle);
  });

  test('at least English, Arabic, Spanish and one more language for the template in force', () => {
    const langues = languesProposees(MODELE_EN_VIGUEUR.version).map((l) => l.langue);
    expect(langues).toEqual(expect.arrayContaining(['en', 'ar', 'es']));
    expect(langues.length).toBeGreaterThanOrEqual(4);
    // Offered by French name, as the aidant reads them.
    const noms = languesProposees(MODELE_EN_VIGUEUR.version).map((l) => l.nomFrancais);
    expect(noms).toEqual([...noms].sort((a, b) => a.localeCompare(b, 'fr')));
  });

  test('published translations cannot be changed at run time', () => {
    const t = traductionModele(MODELE_EN_VIGUEUR.version, 'en')!;
    expect(() => { (t.sections[0].paragraphes as string[])[0] = 'x'; }).toThrow();
    expect(Object.isFrozen(t.demarches)).toBe(true);
  });
});

describe.each(traductions.map((t) => [`${t.version}.${t.langue}`, t] as const))('traduction %s', (cle, t) => {
  const fr = modeleMandat(t.version);

  test('translates a published French template', () => {
    expect(fr).not.toBeNull();
    expect(t.langue).toMatch(FORMAT_LANGUE);
    expect(t.langue).not.toBe('fr');
  });

  test('has every paragraph of its French version: same sections, same counts, nothing empty', () => {
    expect(t.sections.map((s) => s.paragraphes.length)).toEqual(fr!.sections.map((s) => s.paragraphes.length));
    expect(Object.keys(t.demarches).sort()).toEqual(Object.keys(fr!.demarches).sort());
    expect(Object.keys(t.titresDemarches).sort()).toEqual([...TOUTES_LES_DEMARCHES].sort());
    expect(Object.keys(t.durees).sort()).toEqual(Object.keys(DUREES_MANDAT).sort());
    const textes = [...paires(fr!, t).map(([, , traduit]) => traduit), t.avertissement, t.nom, t.nomFrancais,
      ...Object.values(t.titresDemarches), ...Object.values(t.durees), ...Object.values(t.libelles)];
    for (const texte of textes) {
      expect(typeof texte).toBe('string');
      expect(texte.trim().length).toBeGreaterThan(1);
    }
  });

  test('keeps exactly the placeholders of each French paragraph', () => {
    for (const [chemin, francais, traduit] of paires(fr!, t)) expect({ chemin, marqueurs: marqueurs(traduit) }).toEqual({ chemin, marqueurs: marqueurs(francais) });
    for (const d of Object.values(t.durees)) expect(marqueurs(d)).toEqual(['fin']);
    expect(marqueurs(t.libelles.reference)).toEqual(['date', 'numero', 'version']);
    expect(marqueurs(t.libelles.priseEffet)).toEqual(['debut', 'fin']);
    for (const [nom, texte] of Object.entries(t.libelles)) {
      if (nom !== 'reference' && nom !== 'priseEffet') expect({ nom, marqueurs: marqueurs(texte) }).toEqual({ nom, marqueurs: [] });
    }
  });

  test('no French left over', () => {
    for (const [chemin, francais, traduit] of paires(fr!, t)) {
      expect({ chemin, identique: traduit === francais }).toEqual({ chemin, identique: false });
      expect({ chemin, mot: sansNomsPropres(traduit).match(motFrancais)?.[0] ?? null }).toEqual({ chemin, mot: null });
    }
    for (const [nom, texte] of Object.entries({ ...t.libelles, ...t.titresDemarches, avertissement: t.avertissement })) {
      expect({ nom, mot: sansNomsPropres(texte).match(motFrancais)?.[0] ?? null }).toEqual({ nom, mot: null });
    }
  });

  test('says, in the file and in the language, that it is not the legal reference', () => {
    const source = readFileSync(join(DOSSIER, `${cle}.ts`), 'utf8');
    expect(source).toContain('NOT the legal reference');
    expect(t.avertissement.length).toBeGreaterThan(40);
  });

  test('direction and date locale match the language', () => {
    const droiteAGauche = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u.test(t.objet);
    expect(t.direction).toBe(droiteAGauche ? 'rtl' : 'ltr');
    const locale = new Intl.DateTimeFormat(t.locale).resolvedOptions().locale;
    expect(locale.split('-')[0]).toBe(t.langue.split('-')[0]);
  });
});

describe('code de langue inconnu ou forgé', () => {
  test('no translation, no exception: the mandat prints in French only', () => {
    for (const v of ['xx', 'fr', 'EN', 'en-', '__proto__', 'constructor', 'toString', '', '../en', null, undefined, 42, ['en'], { en: 1 }]) {
      expect(traductionModele(MODELE_EN_VIGUEUR.version, v)).toBeNull();
    }
    // A language translated for one template version only: the other version prints in French only.
    expect(traductionModele('2026-03', 'ar')).toBeNull();
    expect(traductionModele('1999-01', 'en')).toBeNull();
    expect(traductionModele(null, 'en')).toBeNull();
  });

  test('the form field: empty is French only, a listed language is kept, anything else is refused with a message', () => {
    expect(validerLangue('')).toEqual({ ok: true, langue: null });
    expect(validerLangue(undefined)).toEqual({ ok: true, langue: null });
    expect(validerLangue('ar')).toEqual({ ok: true, langue: 'ar' });
    for (const v of ['xx', '__proto__', ['ar', 'en'], { langue: 'ar' }, 'ar; drop table mandats']) {
      expect(validerLangue(v)).toEqual({ ok: false, erreur: MESSAGE_LANGUE_INCONNUE });
    }
  });
});

describe('remplissage isolé (texte de droite à gauche)', () => {
  test('each value is escaped and isolated with <bdi>; an unknown placeholder stays visible', () => {
    expect(remplirIsole('أنا {mandant} و{inconnu} <b>', { mandant: 'Angela <DUBOIS>' }).value)
      .toBe('أنا <bdi>Angela &lt;DUBOIS&gt;</bdi> و{inconnu} &lt;b&gt;');
  });
});
