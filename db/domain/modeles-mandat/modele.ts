// What a printed mandat's legal text is made of (db/domain/README.md#mandat-imprimé). A published template is never edited: a
// change of wording is a new version, and every mandat reprints with the version it was signed with.
import { createHash } from 'node:crypto';
import type { Demarche } from '../demarches.ts';

export interface SectionModele {
  titre: string;
  paragraphes: string[];
}

export interface ModeleMandat {
  /** `AAAA-MM`, stored in `mandats.template_version`. */
  version: string;
  titre: string;
  /** What each démarche covers, as the usager signs it. */
  demarches: Record<Demarche, string>;
  /** `{duree}`: « pour 365 jours, jusqu’au 26 novembre 2027 ». */
  phraseDuree: string;
  /** `{mandant}`, `{mandataire}`, `{aidant}`. */
  objet: string;
  sections: SectionModele[];
  /** `{lieu}`, `{date}`. */
  faitA: string;
  signatureUsager: string;
  signatureAidant: string;
  attestationRevocation: {
    titre: string;
    /** `{mandant}`, `{mandataire}`, `{numero}`, `{creation}`, `{revocation}`. */
    paragraphes: string[];
  };
}

/** Fills `{name}` placeholders; an unknown name is left visible rather than silently dropped. */
export function remplir(texte: string, valeurs: Record<string, string>): string {
  return texte.replace(/\{([a-z]+)\}/g, (tout, nom: string) => valeurs[nom] ?? tout);
}

/**
 * The template's own hash, part of the proof hash (the public service hashes its template file). Over a
 * canonical JSON of every field in a fixed order, so the same text always gives the same hash.
 */
const hashes = new WeakMap<ModeleMandat, string>();

export function hashModele(m: ModeleMandat): string {
  const connu = hashes.get(m);
  if (connu) return connu;
  const canonique = JSON.stringify([
    m.version, m.titre, Object.entries(m.demarches).sort(([a], [b]) => a.localeCompare(b)), m.phraseDuree, m.objet,
    m.sections.map((s) => [s.titre, s.paragraphes]), m.faitA, m.signatureUsager, m.signatureAidant,
    [m.attestationRevocation.titre, m.attestationRevocation.paragraphes],
  ]);
  const hash = createHash('sha256').update(canonique, 'utf8').digest('hex');
  hashes.set(m, hash);
  return hash;
}
