// Habilitation fixtures: valid SIRETs, a complete request as the form would have saved it, a staff account.
import { randomInt } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { empreinteDemande } from '../../db/domain/demande-habilitation.ts';

/** A random SIRET whose Luhn key is right. */
export function siretAleatoire(): string {
  const corps = Array.from({ length: 13 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');
  for (let cle = 0; cle < 10; cle++) {
    const s = corps + cle;
    let somme = 0;
    for (let i = 0; i < 14; i++) {
      let d = Number(s[13 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      somme += d;
    }
    if (somme % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

export interface DemandeFixture {
  demandeId: string;
  demandeurId: number;
  siret: string;
  aidants: { id: number; email: string }[];
  empreinte: string;
}

/** A request saved up to the last step (status NEW unless given), with its aidants. */
export async function creerDemandeComplete(
  db: Db,
  opts: { suffixe?: string; status?: string; aidants?: number; referentAidant?: boolean } = {},
): Promise<DemandeFixture> {
  const s = opts.suffixe ?? String(randomInt(1e6));
  const siret = siretAleatoire();
  const [demandeur] = await db('demandeurs')
    .insert({ email: `claire.petit.${s}@mairie-exemple.fr`, first_name: 'Claire', last_name: 'Petit', profession: 'Directrice générale des services', email_confirmed_at: new Date() })
    .returning('id');
  const champs = {
    siret, structure_name: `Mairie d'Exemple ${s}`, structure_type: 'mairie', address: '1 place de la Mairie', postal_code: '45000', city: 'Orléans',
    is_public: true, partner_administration: null, free_support_certified: true,
    referent_first_name: 'Paul', referent_last_name: 'Durand', referent_email: `paul.durand.${s}@mairie-exemple.fr`, referent_phone: '+33612345678',
    referent_profession: 'Responsable accueil', referent_is_aidant: opts.referentAidant ?? false,
    cgu: true, not_free: true, dpo: true, professionals_only: true, without_elected: true,
  };
  const [demande] = await db('demandes_habilitation').insert({ demandeur_id: demandeur.id, status: opts.status ?? 'NEW', etape: 4, ...champs }).returning('id');
  const aidants: DemandeFixture['aidants'] = [];
  const liste = [];
  for (let i = 0; i < (opts.aidants ?? 2); i++) {
    const a = { demande_id: demande.id, email: `aidant${i}.nom.${s}@mairie-exemple.fr`, first_name: `Aidant${i}`, last_name: 'Nom', profession: 'Agent d’accueil' };
    const [row] = await db('demandes_aidant').insert(a).returning('id');
    aidants.push({ id: row.id, email: a.email });
    liste.push(a);
  }
  return { demandeId: demande.id, demandeurId: demandeur.id, siret, aidants, empreinte: empreinteDemande(champs, liste) };
}

export async function creerMembreEquipe(db: Db, email = 'instruction@aidantsconnect.beta.gouv.fr'): Promise<number> {
  const [row] = await db('aidants').insert({ email, first_name: 'Camille', last_name: 'Instructrice', is_staff: true, can_create_mandats: false })
    .onConflict('email').merge(['is_staff']).returning('id');
  return row.id;
}
