// Test mandats written straight into PostgreSQL (usager, mandat, one autorisation per démarche, and the journal
// rows a creation writes, with ids only), so workflow and page tests need no FranceConnect round trip. Dates are
// parameters: time-skipping tests pass the test server's time, not this machine's.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { dateExpirationMandat, DUREES_MANDAT, type DureeMandat } from '../../db/domain/mandat.ts';

export interface IdentiteUsager {
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  birthdate: string;
  gender: 'female' | 'male';
  birthplace: string | null;
  birthcountry: string;
  email: string | null;
  phone: string | null;
}

export const USAGER_DE_TEST: IdentiteUsager = {
  given_name: 'Angela Claire Louise',
  family_name: 'Dubois',
  preferred_username: null,
  birthdate: '1962-08-24',
  gender: 'female',
  birthplace: '75107',
  birthcountry: '99100',
  email: 'angela.dubois@usager.example.test',
  phone: null,
};

/** A usager with a random FranceConnect `sub`; returns its id. */
export async function creerUsagerDeTest(db: Db, identite: Partial<IdentiteUsager> = {}): Promise<number> {
  const [{ id }] = await db('usagers')
    .insert({ ...USAGER_DE_TEST, ...identite, sub: randomBytes(32).toString('hex') })
    .returning('id');
  return id;
}

export interface MandatDeTest {
  mandatId: number;
  usagerId: number;
  structureId: number;
  autorisationIds: number[];
  createdAt: Date;
  expiresAt: Date;
  duree: DureeMandat;
}

/**
 * An active mandat of `structureId` created by `aidantId` (`createdAt`, default now). `usager`: an existing
 * usager's id, or fields of a new one (default USAGER_DE_TEST with a fresh sub).
 */
export async function creerMandatDeTest(
  db: Db,
  p: { structureId: number; aidantId: number; usager?: number | Partial<IdentiteUsager>; demarches: Demarche[]; duree: DureeMandat; createdAt?: Date },
): Promise<MandatDeTest> {
  const createdAt = p.createdAt ?? new Date();
  const expiresAt = dateExpirationMandat(createdAt, p.duree);
  return db.transaction(async (trx) => {
    const usagerId = typeof p.usager === 'number' ? p.usager : await creerUsagerDeTest(trx, p.usager);
    const [{ id: mandatId }] = await trx('mandats')
      .insert({ structure_id: p.structureId, usager_id: usagerId, aidant_id: p.aidantId, created_at: createdAt, expires_at: expiresAt, duree_keyword: p.duree })
      .returning('id');
    const autorisationIds: number[] = [];
    for (const demarche of p.demarches) {
      const [{ id }] = await trx('autorisations').insert({ mandat_id: mandatId, demarche }).returning('id');
      autorisationIds.push(id);
    }
    const commun = { aidant_id: p.aidantId, structure_id: p.structureId, usager_id: usagerId, mandat_id: mandatId, duree: DUREES_MANDAT[p.duree].jours };
    await trx('journal').insert({ ...commun, action: 'create_attestation', demarche: p.demarches.join(',') });
    await trx('journal').insert(p.demarches.map((demarche, i) => ({ ...commun, action: 'create_autorisation', demarche, autorisation_id: autorisationIds[i] })));
    return { mandatId, usagerId, structureId: p.structureId, autorisationIds, createdAt, expiresAt, duree: p.duree };
  });
}

/**
 * What a full revocation writes (the revocation request's transaction): every autorisation revoked, the mandat
 * `revoked` with its end, `cancel_autorisation` and `cancel_mandat` in the journal.
 */
export async function revoquerMandatDeTest(db: Db, mandatId: number, p: { aidantId: number; at: Date }): Promise<void> {
  await db.transaction(async (trx) => {
    const mandat = await trx('mandats').where({ id: mandatId }).forUpdate().first();
    const revoquees: { id: number; demarche: string }[] = await trx('autorisations')
      .where({ mandat_id: mandatId })
      .whereNull('revoked_at')
      .update({ revoked_at: p.at })
      .returning(['id', 'demarche']);
    await trx('mandats').where({ id: mandatId, status: 'active' }).update({ status: 'revoked', ended_at: p.at });
    const commun = { aidant_id: p.aidantId, structure_id: mandat.structure_id, usager_id: mandat.usager_id, mandat_id: mandatId };
    if (revoquees.length) await trx('journal').insert(revoquees.map((a) => ({ ...commun, action: 'cancel_autorisation', demarche: a.demarche, autorisation_id: a.id })));
    await trx('journal').insert({ ...commun, action: 'cancel_mandat' });
  });
}
