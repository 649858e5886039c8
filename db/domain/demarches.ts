// The 10 démarches an aidant may carry out for a usager (db/domain/README.md#démarches), in display order.
export const DEMARCHES = {
  papiers: { titre: 'Papiers - Citoyenneté - Élections', exemples: 'ANTS, Défenseur des droits' },
  famille: { titre: 'Famille - Scolarité', exemples: 'CAF, ameli.fr, EduConnect' },
  social: { titre: 'Social - Santé', exemples: 'ameli.fr, MSA' },
  travail: { titre: 'Travail - Formation', exemples: 'France Travail, Mon compte formation, info-retraite' },
  logement: { titre: 'Logement', exemples: 'CAF, Enedis' },
  transports: { titre: 'Transports - Mobilité', exemples: "ANTS, ANTAI, Crit'Air" },
  argent: { titre: 'Argent - Impôts - Consommation', exemples: 'impots.gouv, timbres fiscaux, banques' },
  justice: { titre: 'Justice', exemples: 'Télérecours citoyens' },
  etranger: { titre: 'Étranger - Europe', exemples: 'OFPRA' },
  loisirs: { titre: 'Loisirs - Sport - Culture', exemples: 'Ariane' },
} as const;

export type Demarche = keyof typeof DEMARCHES;

export const TOUTES_LES_DEMARCHES = Object.keys(DEMARCHES) as Demarche[];

export function estDemarche(value: unknown): value is Demarche {
  return typeof value === 'string' && Object.hasOwn(DEMARCHES, value);
}
