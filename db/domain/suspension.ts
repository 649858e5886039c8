// A structure suspended by staff (issue 20): reversible, with a reason the référents are told. While it lasts,
// the accounts of the structure that act for usagers (its aidants, whose current structure it is) cannot log
// in, create a mandat, use one through FranceConnect or pass the identity provider. Staff are never blocked,
// and a référent who is not an aidant keeps access to the espace référent (to see the alerts and the team).

export function bloqueParSuspension(compte: { is_staff: boolean; referent_non_aidant: boolean }): boolean {
  return !compte.is_staff && !compte.referent_non_aidant;
}

export function validerRaisonSuspension(saisie: unknown): { ok: true; raison: string } | { ok: false; erreur: string } {
  const raison = typeof saisie === 'string' ? saisie.trim() : '';
  if (!raison) return { ok: false, erreur: 'Indiquez le motif de la suspension : il est envoyé aux référents de la structure.' };
  if (raison.length > 1000) return { ok: false, erreur: 'Le motif ne doit pas dépasser 1 000 caractères.' };
  return { ok: true, raison };
}
