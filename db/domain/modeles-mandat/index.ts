// Every published mandat template, by version. New mandats use the one in force; a mandat always reprints
// with the version it stores (`mandats.template_version`), even after a newer one is published.
import { MODELE_2026_03 } from './2026-03.ts';
import { MODELE_2026_11 } from './2026-11.ts';
import type { ModeleMandat } from './modele.ts';

export { hashModele, remplir, type ModeleMandat, type SectionModele } from './modele.ts';

/** Published text is never changed, not even at run time (its hash is computed once). */
function figer<T>(valeur: T): T {
  if (valeur && typeof valeur === 'object' && !Object.isFrozen(valeur)) {
    for (const v of Object.values(valeur)) figer(v);
    Object.freeze(valeur);
  }
  return valeur;
}

export const MODELES_MANDAT: Readonly<Record<string, ModeleMandat>> = figer({
  [MODELE_2026_03.version]: MODELE_2026_03,
  [MODELE_2026_11.version]: MODELE_2026_11,
});

/** The template new mandats are printed with. */
export const MODELE_EN_VIGUEUR: ModeleMandat = MODELE_2026_11;

export function modeleMandat(version: string | null | undefined): ModeleMandat | null {
  return version && Object.hasOwn(MODELES_MANDAT, version) ? MODELES_MANDAT[version] : null;
}
