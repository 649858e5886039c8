// Demo usagers and mandats of the demo structure, one of each status: active, ending within 30 days, expired,
// revoked. Idempotent: usagers keyed by their sub, mandats by a fixed creation key.
import type { Knex } from 'knex';
import { dateExpirationMandat, DUREES_MANDAT, type DureeMandat, type StatutMandat } from '../domain/mandat.ts';
import { JOUR_MS } from '../domain/durees.ts';
import type { Demarche } from '../domain/demarches.ts';
import { hashSaltFromEnv, subUsager, type IdentitePivot } from '../domain/usager.ts';
import { preuveDuMandat } from '../queries/preuves.ts';

interface MandatDemo {
  cle: string;
  fcSub: string;
  identite: IdentitePivot;
  demarches: Demarche[];
  duree: DureeMandat;
  /** Days before today. */
  creeIlYA: number;
  revoqueIlYA?: number;
}

export const MANDATS_DEMO: MandatDemo[] = [
  {
    cle: '00000000-0000-4000-8000-00000000d001', fcSub: 'demo-angela-dubois',
    identite: { given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female', birthplace: '75107', birthcountry: '99100', email: 'angela.dubois@example.fr' },
    demarches: ['papiers', 'famille', 'social'], duree: 'LONG', creeIlYA: 20,
  },
  {
    cle: '00000000-0000-4000-8000-00000000d002', fcSub: 'demo-pierre-paul-leroy',
    identite: { given_name: 'Pierre Paul', family_name: 'LEROY', birthdate: '1948-00-00', gender: 'male', birthplace: '2B002', birthcountry: '99100', email: 'pp.leroy@example.fr' },
    demarches: ['logement', 'argent'], duree: 'MONTH', creeIlYA: 10,
  },
  {
    cle: '00000000-0000-4000-8000-00000000d003', fcSub: 'demo-fatou-diallo',
    identite: { given_name: 'Fatou', family_name: 'DIALLO', birthdate: '1985-03-12', gender: 'female', birthplace: '', birthcountry: '99341', email: 'fatou.diallo@example.fr' },
    demarches: ['travail', 'etranger'], duree: 'SEMESTER', creeIlYA: 200,
  },
  {
    cle: '00000000-0000-4000-8000-00000000d004', fcSub: 'demo-marie-therese-lefevre',
    identite: { given_name: 'Marie-Thérèse', family_name: 'LEFÈVRE', preferred_username: 'MOREAU', birthdate: '1939-11-02', gender: 'female', birthplace: '93066', birthcountry: '99100', email: 'mt.moreau@example.fr' },
    demarches: ['social', 'transports'], duree: 'LONG', creeIlYA: 60, revoqueIlYA: 5,
  },
];

export async function seedMandats(trx: Knex.Transaction, structureId: number, aidantId: number, maintenant = new Date()): Promise<number[]> {
  const sel = hashSaltFromEnv();
  const ids: number[] = [];
  for (const m of MANDATS_DEMO) {
    const existant = await trx('mandats').where({ creation_key: m.cle }).first('id');
    if (existant) {
      ids.push(existant.id);
      continue;
    }
    const [usager] = await trx('usagers')
      .insert({ sub: subUsager(m.fcSub, sel), preferred_username: null, ...m.identite })
      .onConflict('sub')
      .merge(['email'])
      .returning('id');
    const creation = new Date(maintenant.getTime() - m.creeIlYA * JOUR_MS);
    const expiration = dateExpirationMandat(creation, m.duree);
    const revocation = m.revoqueIlYA !== undefined ? new Date(maintenant.getTime() - m.revoqueIlYA * JOUR_MS) : null;
    const status: StatutMandat = revocation ? 'revoked' : expiration <= maintenant ? 'expired' : 'active';
    const [mandat] = await trx('mandats')
      .insert({
        structure_id: structureId, usager_id: usager.id, aidant_id: aidantId, created_at: creation, expires_at: expiration,
        duree_keyword: m.duree, creation_key: m.cle, status, ended_at: status === 'active' ? null : (revocation ?? expiration),
      })
      .returning('id');
    const autorisations: { id: number; demarche: string }[] = await trx('autorisations')
      .insert(m.demarches.map((demarche) => ({ mandat_id: mandat.id, demarche, revoked_at: revocation })))
      .returning(['id', 'demarche']);
    const contexte = { aidant_id: aidantId, structure_id: structureId, usager_id: usager.id, mandat_id: mandat.id, created_at: creation };
    // Printed proof (issue 10): demo mandats print and verify like real ones.
    const preuve = await preuveDuMandat(trx, mandat.id);
    await trx('journal').insert([
      { action: 'create_attestation', ...contexte, demarche: [...m.demarches].sort().join(','), duree: DUREES_MANDAT[m.duree].jours, attestation_hash: preuve.attestationHash },
      ...autorisations.map((a) => ({ action: 'create_autorisation', ...contexte, demarche: a.demarche, duree: DUREES_MANDAT[m.duree].jours, autorisation_id: a.id })),
      ...(revocation ? [
        ...autorisations.map((a) => ({ action: 'cancel_autorisation', ...contexte, created_at: revocation, demarche: a.demarche, autorisation_id: a.id })),
        { action: 'cancel_mandat', ...contexte, created_at: revocation },
      ] : []),
    ]);
    ids.push(mandat.id);
  }
  return ids;
}
