// Why a référent deactivates an aidant's account: asked on the confirmation page and kept in the journal
// (`aidant_deactivation`, additional_information), like the reasons of a card dissociation.

export const RAISONS_DESACTIVATION = {
  depart: 'A quitté la structure',
  poste: "N'accompagne plus d'usagers (changement de poste)",
  absence: 'Absence de longue durée',
  securite: 'Usage suspect du compte ou moyen de connexion perdu',
  autre: 'Autre raison',
} as const;

export type RaisonDesactivation = keyof typeof RAISONS_DESACTIVATION;

export const PRECISION_MAX = 500;

/** The reason as journaled ("A quitté la structure" or "Autre raison : <précision>"), or the field errors. */
export function validerRaisonDesactivation(raison: unknown, precision: unknown): { texte: string } | { erreurs: Record<string, string> } {
  if (typeof raison !== 'string' || !Object.hasOwn(RAISONS_DESACTIVATION, raison)) return { erreurs: { raison: 'Choisissez la raison de la désactivation.' } };
  const detail = typeof precision === 'string' ? precision.trim().replace(/\s+/g, ' ').slice(0, PRECISION_MAX) : '';
  if (raison === 'autre' && !detail) return { erreurs: { precision: 'Précisez la raison de la désactivation.' } };
  const libelle = RAISONS_DESACTIVATION[raison as RaisonDesactivation];
  return { texte: detail ? `${libelle} : ${detail}` : libelle };
}
