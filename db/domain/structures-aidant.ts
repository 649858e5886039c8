// Several structures per aidant (db/domain/README.md#plusieurs-structures): the rules, as pure functions,
// shared by the use cases (api/espace-aidant/structures.ts, api/referent/structures.ts) and the migration.

/** A request for an aidant of another structure to join a référent's structure. */
export const STATUTS_RATTACHEMENT = ['en_attente', 'acceptee', 'refusee'] as const;
export type StatutRattachement = (typeof STATUTS_RATTACHEMENT)[number];

/** Ids typed in a form or a URL: positive integers, anything else is nothing. */
export function idStructure(valeur: unknown): number | null {
  return typeof valeur === 'string' && /^[1-9][0-9]{0,8}$/.test(valeur.trim()) ? Number(valeur.trim()) : null;
}

/**
 * The structure an aidant acts for once `retiree` is taken away: unchanged when it was not the current one,
 * else the first other active structure (by name, as the pages list them), else none.
 */
export function structureCouranteApresRetrait(courante: number | null, retiree: number, restantes: readonly { id: number }[]): number | null {
  if (courante !== null && courante !== retiree && restantes.some((s) => s.id === courante)) return courante;
  return restantes.find((s) => s.id !== retiree)?.id ?? null;
}

export type RefusRetrait = 'dernier-referent' | 'soi-meme-sans-structure';

export const MESSAGES_REFUS_RETRAIT: Record<RefusRetrait, string> = {
  'dernier-referent': 'Cette personne est la dernière référente active de la structure : désignez d’abord un autre référent, puis retirez-la.',
  'soi-meme-sans-structure': 'Vous n’appartiendriez plus à aucune structure : demandez plutôt la désactivation de votre compte à un autre référent ou à l’équipe Aidants Connect.',
};

/**
 * Whether a référent may remove `cible` from a structure: a structure always keeps an active référent
 * (someone must manage its team and its cards), and a référent does not deactivate their own account this way.
 */
export function refusRetrait(p: { cibleEstReferente: boolean; autresReferentsActifs: number; soiMeme: boolean; autresStructuresActives: number }): RefusRetrait | null {
  if (p.cibleEstReferente && p.autresReferentsActifs === 0) return 'dernier-referent';
  if (p.soiMeme && p.autresStructuresActives === 0) return 'soi-meme-sans-structure';
  return null;
}
