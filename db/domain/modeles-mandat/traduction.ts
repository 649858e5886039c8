// A translation of a published mandat template, printed after the French text for a usager who reads
// another language (issue 22). It is never the legal reference: the French template is (each translation
// says so in its own language, `avertissement`). One file per template version and language in
// `traductions/` (`2026-11.ar.ts`): a translation follows the paragraphs of the version it translates, and a
// new template version needs its own translations (tests/unit/traductions-mandat.test.ts checks both).
import type { Demarche } from '../demarches.ts';
import type { DureeMandat } from '../mandat.ts';
import type { ModeleMandat } from './modele.ts';

/** The template's own parts (same keys, same paragraphs, same `{placeholders}`; `{duree}` is one of `durees`), in the language. */
export interface TraductionModele extends Pick<ModeleMandat, 'titre' | 'demarches' | 'phraseDuree' | 'objet' | 'sections' | 'faitA' | 'signatureUsager' | 'signatureAidant'> {
  /** The French template's version (`AAAA-MM`) this file translates. */
  version: string;
  /** BCP 47 code stored in `mandats.langue`: `ar`, `en`, `pt-BR`… */
  langue: string;
  /** The language's name in itself, shown beside its French name: `العربية`. */
  nom: string;
  /** The language's name in French, lower case: `arabe`. */
  nomFrancais: string;
  /** `rtl` for Arabic, Hebrew, Persian, Urdu…: the printable page is laid out right to left. */
  direction: 'ltr' | 'rtl';
  /** Locale of dates (Intl), e.g. `ar-u-nu-latn` for Arabic with the digits of the French original. */
  locale: string;
  /** In the language: a translation for information, the French text prevails. */
  avertissement: string;


  // What the printed mandat writes outside the template (web/mandats/pdf/mandat.ts), in the language.
  /** The démarches' names (db/domain/demarches.ts `titre`). */
  titresDemarches: Record<Demarche, string>;
  /** `{fin}`: « pour 365 jours, jusqu’au 26 novembre 2027 » per duration (the grammar of numbers varies). */
  durees: Record<DureeMandat, string>;
  libelles: {
    /** `{numero}`, `{date}`, `{version}`: « Mandat n° 12 · signé le … · modèle 2026-11 ». */
    reference: string;
    mandant: string;
    mandataire: string;
    nom: string;
    structure: string;
    aidant: string;
    /** When the mandat has no aidant any more (account deleted). */
    aidantInconnu: string;
    demarches: string;
    duree: string;
    /** `{debut}`, `{fin}`. */
    priseEffet: string;
    signatures: string;
  };
}

/** The `{name}` placeholders of a text, sorted (a translation keeps exactly those of the French). */
export function marqueurs(texte: string): string[] {
  return [...texte.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]).sort();
}
