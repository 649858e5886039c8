// SIRET numbers (14 digits: SIREN + NIC) and their Luhn checksum. La Poste is the known exception: its
// establishments share the SIREN 356000000 and their SIRET only satisfies "sum of digits divisible by 5".
export const SIREN_LA_POSTE = '356000000';

export function normaliserSiret(valeur: string): string {
  return valeur.replace(/[\s.\u00a0-]/g, '');
}

function sommeLuhn(chiffres: string): number {
  let somme = 0;
  for (let i = 0; i < chiffres.length; i++) {
    let d = Number(chiffres[chiffres.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    somme += d;
  }
  return somme;
}

export function siretValide(valeur: string): boolean {
  const siret = normaliserSiret(valeur);
  if (!/^\d{14}$/.test(siret)) return false;
  if (sommeLuhn(siret) % 10 === 0) return true;
  if (siret.startsWith(SIREN_LA_POSTE)) {
    const somme = [...siret].reduce((s, c) => s + Number(c), 0);
    return somme % 5 === 0;
  }
  return false;
}

/** The French message shown next to the field, or null when the SIRET is valid. */
export function erreurSiret(valeur: string): string | null {
  const siret = normaliserSiret(valeur);
  if (!siret) return 'Indiquez le numéro SIRET de la structure.';
  if (!/^\d{14}$/.test(siret)) return 'Le numéro SIRET doit contenir 14 chiffres (exemple : 213 500 630 00013).';
  if (!siretValide(siret)) return "Ce numéro SIRET n'est pas valide : vérifiez les chiffres saisis (la clé de contrôle ne correspond pas).";
  return null;
}
