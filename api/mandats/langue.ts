// The mandat in the usager's language (issue 22): the aidant chooses, among the translations of the mandat's
// template version, the language its translation is printed in (at creation, or later from the usager's page).
// A code with no translation for that version (forged form, a translation withdrawn, an older template) is
// never an error when printing: the mandat is then printed in French only.
import type { Db } from '../../db/connection.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { languesProposees, traductionModele, type LangueProposee, type TraductionModele } from '../../db/domain/modeles-mandat/traductions/index.ts';
import { changerLangueMandat, langueDuMandat } from '../../db/queries/mandats.ts';
import { documentMandat, type DocumentMandat } from './preuve.ts';

export const MESSAGE_LANGUE_INCONNUE = 'Cette langue n’est pas proposée pour ce mandat : choisissez une langue de la liste, ou « Français seulement ».';

/** The form's `langue` field: empty for French only, else a language with a translation of `version`. */
export function validerLangue(valeur: unknown, version: string = MODELE_EN_VIGUEUR.version): { ok: true; langue: string | null } | { ok: false; erreur: string } {
  if (valeur === undefined || valeur === '') return { ok: true, langue: null };
  const t = traductionModele(version, valeur);
  return t ? { ok: true, langue: t.langue } : { ok: false, erreur: MESSAGE_LANGUE_INCONNUE };
}

const versionDe = (m: { template_version: string | null }) => m.template_version ?? MODELE_EN_VIGUEUR.version;

/** The translation printed with the mandat, or null (French only; also for another structure's mandat). */
export async function traductionDuMandat(db: Db, structureId: number, mandatId: number): Promise<TraductionModele | null> {
  const m = await langueDuMandat(db, structureId, mandatId);
  return m ? traductionModele(versionDe(m), m.langue) : null;
}

/** The mandat to print with its translation; null when either is missing. */
export async function documentTraduit(db: Db, structureId: number, mandatId: number): Promise<{ document: DocumentMandat; traduction: TraductionModele } | null> {
  const traduction = await traductionDuMandat(db, structureId, mandatId);
  if (!traduction) return null;
  const document = await documentMandat(db, structureId, mandatId);
  return document ? { document, traduction } : null;
}

export interface ChoixLangue {
  mandatId: number;
  usagerId: number;
  /** The current language when it has a translation (else the mandat prints in French only). */
  langue: string | null;
  langues: LangueProposee[];
}

/** What the language page offers for the structure's mandat; null when it is not the structure's. */
export async function choixLangue(db: Db, structureId: number, mandatId: number): Promise<ChoixLangue | null> {
  const m = await langueDuMandat(db, structureId, mandatId);
  if (!m) return null;
  const version = versionDe(m);
  return { mandatId: m.id, usagerId: m.usager_id, langue: traductionModele(version, m.langue)?.langue ?? null, langues: languesProposees(version) };
}

export type ResultatLangue = { ok: true; usagerId: number; langue: string | null; nomFrancais: string | null } | { ok: false; raison: 'introuvable' } | { ok: false; raison: 'invalide'; erreur: string };

export async function choisirLangue(db: Db, structureId: number, mandatId: number, valeur: unknown): Promise<ResultatLangue> {
  const m = await langueDuMandat(db, structureId, mandatId);
  if (!m) return { ok: false, raison: 'introuvable' };
  const v = validerLangue(valeur, versionDe(m));
  if (!v.ok) return { ok: false, raison: 'invalide', erreur: v.erreur };
  if (!(await changerLangueMandat(db, structureId, mandatId, v.langue))) return { ok: false, raison: 'introuvable' };
  return { ok: true, usagerId: m.usager_id, langue: v.langue, nomFrancais: traductionModele(versionDe(m), v.langue)?.nomFrancais ?? null };
}
