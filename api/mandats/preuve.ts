// The proof of a mandat: computed once in the creation transaction (template version, verification code,
// proof hash for the `create_attestation` journal row: api/mandats/creation.ts, db/queries/preuves.ts), then re-read here to print the
// mandat or its revocation attestation. Printing is scoped to the aidant's structure like every mandat
// query: another structure's mandat is simply not found.
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import type { DureeMandat, StatutMandat } from '../../db/domain/mandat.ts';
import { MODELE_EN_VIGUEUR, modeleMandat, type ModeleMandat } from '../../db/domain/modeles-mandat/index.ts';
import { codeVerificationDuMandat } from '../../db/queries/preuves.ts';
import { autorisationsImprimees, trouverMandatAImprimer, type UsagerDetail } from '../../db/queries/mandats.ts';

/** The usager as the printed mandat shows them: their page's identity, without the list of mandats. */
export type UsagerImprime = Omit<UsagerDetail, 'id' | 'mandats'>;

export interface DocumentMandat {
  id: number;
  creeLe: Date;
  expireLe: Date;
  finLe: Date | null;
  statut: StatutMandat;
  duree: DureeMandat;
  modele: ModeleMandat;
  /** Null for a mandat created before verification codes existed. */
  code: string | null;
  usager: UsagerImprime & { id: number };
  structure: { name: string; address: string; postal_code: string; city: string };
  aidant: string | null;
  autorisations: { demarche: Demarche; revoqueeLe: Date | null }[];
}

/** The mandat to print, when it belongs to the structure; null otherwise. */
export async function documentMandat(db: Db, structureId: number, mandatId: number): Promise<DocumentMandat | null> {
  const m = await trouverMandatAImprimer(db, structureId, mandatId);
  if (!m) return null;
  const [autorisations, code] = await Promise.all([
    autorisationsImprimees(db, mandatId),
    codeVerificationDuMandat(db, mandatId),
  ]);
  return {
    id: m.id,
    creeLe: m.created_at,
    expireLe: m.expires_at,
    finLe: m.ended_at,
    statut: m.status,
    duree: m.duree_keyword,
    // A mandat from before versioned templates prints with the template in force.
    modele: modeleMandat(m.template_version) ?? MODELE_EN_VIGUEUR,
    code,
    usager: {
      id: m.usager_id, given_name: m.given_name, family_name: m.family_name, preferred_username: m.preferred_username, birthdate: m.birthdate,
      birthplace: m.birthplace, birthcountry: m.birthcountry, email: m.email, phone: m.phone,
    },
    structure: { name: m.structure_name, address: m.address, postal_code: m.postal_code, city: m.city },
    aidant: m.aidant,
    autorisations: autorisations.map((a) => ({ demarche: a.demarche, revoqueeLe: a.revoked_at })),
  };
}

/** A revocation attestation exists once at least one démarche of the mandat was revoked. */
export function aUneRevocation(d: Pick<DocumentMandat, 'autorisations'>): boolean {
  return d.autorisations.some((a) => a.revoqueeLe !== null);
}
