// Every translation of the mandat templates (issue 22), by template version and language. To add one, drop a
// file `AAAA-MM.<langue>.ts` in this folder exporting `TRADUCTION` and list it below: listed here rather than
// read from the folder so that the same list works from the TypeScript sources and from the compiled build
// (like db/migrations/index.ts); tests/unit/traductions-mandat.test.ts fails on a file of the folder missing
// from this list, and on a file that lacks a paragraph of its French version.
import type { TraductionModele } from '../traduction.ts';
import { TRADUCTION as AR_2026_11 } from './2026-11.ar.ts';
import { TRADUCTION as EN_2026_11 } from './2026-11.en.ts';
import { TRADUCTION as ES_2026_11 } from './2026-11.es.ts';
import { TRADUCTION as PT_2026_11 } from './2026-11.pt.ts';
import { TRADUCTION as RU_2026_11 } from './2026-11.ru.ts';

export type { TraductionModele } from '../traduction.ts';

function figer<T>(valeur: T): T {
  if (valeur && typeof valeur === 'object' && !Object.isFrozen(valeur)) {
    for (const v of Object.values(valeur)) figer(v);
    Object.freeze(valeur);
  }
  return valeur;
}

/** `2026-11.ar` → its translation. */
export const TRADUCTIONS: Readonly<Record<string, TraductionModele>> = figer(
  Object.fromEntries([AR_2026_11, EN_2026_11, ES_2026_11, PT_2026_11, RU_2026_11].map((t) => [`${t.version}.${t.langue}`, t])),
);

/** The translation of this template version into this language; null for anything else (never throws). */
export function traductionModele(version: string | null | undefined, langue: unknown): TraductionModele | null {
  if (!version || typeof langue !== 'string') return null;
  const cle = `${version}.${langue}`;
  return Object.hasOwn(TRADUCTIONS, cle) ? TRADUCTIONS[cle] : null;
}

export interface LangueProposee {
  langue: string;
  nom: string;
  nomFrancais: string;
  direction: 'ltr' | 'rtl';
}

/** The languages a mandat of this template version can be printed in, by French name. */
export function languesProposees(version: string): LangueProposee[] {
  return Object.values(TRADUCTIONS)
    .filter((t) => t.version === version)
    .map(({ langue, nom, nomFrancais, direction }) => ({ langue, nom, nomFrancais, direction }))
    .sort((a, b) => a.nomFrancais.localeCompare(b.nomFrancais, 'fr'));
}

/** `mandats.langue`'s shape (the migration's check): a BCP 47 code such as `ar`, `en` or `pt-BR`. */
export const FORMAT_LANGUE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
