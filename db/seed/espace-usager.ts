// The demo usager of the espace usager (issue 21): a person of the local FranceConnect sandbox (login
// « avec_nom_dusage », Pierre MERCIER, usage name DUBOIS), so that after `npm start` and `npm run seed` one
// can log in at /espace-usager as them. Two mandats with the demo structure (one active, one expired) and a
// dozen acts done in their name (uses of an autorisation through FranceConnect, with the administration's
// service). Idempotent: the mandats are keyed by a fixed creation key, the acts written with them.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { dateExpirationMandat, DUREES_MANDAT, type DureeMandat } from '../domain/mandat.ts';
import { JOUR_MS, HEURE_MS } from '../domain/durees.ts';
import type { Demarche } from '../domain/demarches.ts';
import { hashSaltFromEnv, subUsager, type IdentitePivot } from '../domain/usager.ts';
import { preuveDuMandat } from '../queries/preuves.ts';
import { cleVieMandat } from '../domain/vie-mandat.ts';

/** The sandbox's login of the demo usager (scripts/fakes/franceconnect-identites.ts). */
export const IDENTIFIANT_BAC_A_SABLE_DEMO = 'avec_nom_dusage';

/**
 * The sandbox's FranceConnect `sub` of a test login: the formula of scripts/fakes/franceconnect-identites.ts
 * (db/ cannot import scripts/; tests/integration/espace-usager.test.ts checks both agree).
 */
export function subBacASable(identifiant: string): string {
  return createHash('sha256').update(`franceconnect-bac-a-sable:${identifiant}`).digest('hex') + 'v1';
}

/** Exactly as the sandbox sends it: the pivot identity is never normalised. */
export const IDENTITE_USAGER_DEMO: IdentitePivot = {
  given_name: 'Pierre', family_name: 'MERCIER', preferred_username: 'DUBOIS', birthdate: '1969-03-17', gender: 'male',
  birthplace: '95277', birthcountry: '99100', email: 'ymmyffarapp-1777@yopmail.com',
};

interface MandatUsagerDemo {
  cle: string;
  demarches: Demarche[];
  duree: DureeMandat;
  creeIlYA: number;
  /** Uses of an autorisation: days ago, démarche, the administration's service. */
  actes: [number, Demarche, string][];
}

const MANDATS: MandatUsagerDemo[] = [
  {
    cle: '00000000-0000-4000-8000-00000000e001', demarches: ['papiers', 'social', 'argent'], duree: 'LONG', creeIlYA: 45,
    actes: [
      [44, 'argent', 'impots.gouv.fr'], [40, 'social', 'ameli.fr'], [33, 'papiers', 'ANTS'], [27, 'argent', 'impots.gouv.fr'],
      [20, 'social', 'MSA'], [12, 'social', 'ameli.fr'], [6, 'papiers', 'ANTS'], [2, 'argent', 'impots.gouv.fr'],
    ],
  },
  {
    cle: '00000000-0000-4000-8000-00000000e002', demarches: ['travail', 'logement'], duree: 'MONTH', creeIlYA: 120,
    actes: [[118, 'travail', 'France Travail'], [110, 'logement', 'CAF'], [101, 'travail', 'Mon compte formation'], [95, 'logement', 'CAF']],
  },
];

export async function seedUsagerDemo(trx: Knex.Transaction, structureId: number, aidantIds: number[], maintenant = new Date()): Promise<{ usagerId: number; mandatIds: number[] }> {
  const [usager] = await trx('usagers')
    .insert({ sub: subUsager(subBacASable(IDENTIFIANT_BAC_A_SABLE_DEMO), hashSaltFromEnv()), ...IDENTITE_USAGER_DEMO })
    .onConflict('sub')
    .merge(['email'])
    .returning('id');
  const mandatIds: number[] = [];
  for (const [i, m] of MANDATS.entries()) {
    const existant = await trx('mandats').where({ creation_key: m.cle }).first('id');
    if (existant) {
      mandatIds.push(existant.id);
      continue;
    }
    const aidantId = aidantIds[i % aidantIds.length];
    const creation = new Date(maintenant.getTime() - m.creeIlYA * JOUR_MS);
    const expiration = dateExpirationMandat(creation, m.duree);
    const expire = expiration <= maintenant;
    const [mandat] = await trx('mandats')
      .insert({
        structure_id: structureId, usager_id: usager.id, aidant_id: aidantId, created_at: creation, expires_at: expiration,
        duree_keyword: m.duree, creation_key: m.cle, status: expire ? 'expired' : 'active', ended_at: expire ? expiration : null,
      })
      .returning('id');
    const autorisations: { id: number; demarche: Demarche }[] = await trx('autorisations')
      .insert(m.demarches.map((demarche) => ({ mandat_id: mandat.id, demarche })))
      .returning(['id', 'demarche']);
    const contexte = { aidant_id: aidantId, structure_id: structureId, usager_id: usager.id, mandat_id: mandat.id };
    const preuve = await preuveDuMandat(trx, mandat.id);
    await trx('journal').insert([
      { action: 'create_attestation', ...contexte, created_at: creation, demarche: [...m.demarches].sort().join(','), duree: DUREES_MANDAT[m.duree].jours, attestation_hash: preuve.attestationHash },
      ...autorisations.map((a) => ({ action: 'create_autorisation', ...contexte, created_at: creation, demarche: a.demarche, duree: DUREES_MANDAT[m.duree].jours, autorisation_id: a.id })),
      ...m.actes.map(([ilYA, demarche, service], n) => ({
        action: 'use_autorisation', ...contexte, aidant_id: aidantIds[(i + n) % aidantIds.length],
        created_at: new Date(maintenant.getTime() - ilYA * JOUR_MS + (9 + n) * HEURE_MS), demarche,
        autorisation_id: autorisations.find((a) => a.demarche === demarche)!.id,
        oidc_client_id: 'franceconnect', additional_information: `service=${service}`,
      })),
      ...(expire ? [{ action: 'expire_mandat', ...contexte, aidant_id: null, created_at: expiration, idempotency_key: cleVieMandat(mandat.id, 'fin') }] : []),
    ]);
    mandatIds.push(mandat.id);
  }
  return { usagerId: usager.id, mandatIds };
}
