// Secret salts read from the environment (the usager's `sub`, the printed mandat's proof hash): the public
// service's values in production, where a missing or short one stops the service; a fixed value elsewhere.
export const LONGUEUR_SEL_MIN = 16;

export function selDepuisEnv(env: NodeJS.ProcessEnv, nom: string, valeurDeDeveloppement: string): string {
  const sel = env[nom];
  if (env.NODE_ENV === 'production') {
    if (!sel || sel.length < LONGUEUR_SEL_MIN) {
      throw new Error(`${nom} doit être défini en production (${LONGUEUR_SEL_MIN} caractères au moins, la valeur du service existant).`);
    }
    return sel;
  }
  return sel || valeurDeDeveloppement;
}
