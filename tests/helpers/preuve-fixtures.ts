// Structures, usagers and mandats for the printed proof's tests, written with SQL as the mandat flow writes
// them (mandat, autorisations, `create_attestation` with the proof hash from preuveDuMandat), and the later
// events of a mandat's life: revocation, expiry, and the 6-year purge as the purge activity does it.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { dateExpirationMandat, DUREES_MANDAT, type DureeMandat } from '../../db/domain/mandat.ts';
import type { ModeleMandat } from '../../db/domain/modeles-mandat/index.ts';
import { marquerPreuvePurgee, preuveDuMandat } from '../../db/queries/preuves.ts';
import { JOUR_MS } from '../../db/domain/durees.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';

export async function structurePreuve(db: Db, champs: { name: string; city?: string; address?: string; postal_code?: string }): Promise<number> {
  const [row] = await db('structures')
    .insert({ type: 'france_services', address: champs.address ?? '1 place de la Mairie', postal_code: champs.postal_code ?? '59000', city: champs.city ?? 'Lille', name: champs.name })
    .returning('id');
  return row.id;
}

/** An active aidant of the structure who accepted the CGU (the session is opened by sessionAidant). */
export async function aidantPreuve(db: Db, structureId: number, champs: { email: string; first_name: string; last_name: string }): Promise<number> {
  const [row] = await db('aidants').insert({ ...champs, current_structure_id: structureId, cgu_version: VERSION_CGU, cgu_accepted_at: new Date() }).returning('id');
  await db('aidant_structures').insert({ aidant_id: row.id, structure_id: structureId });
  return row.id;
}

export interface IdentiteTest {
  given_name: string;
  family_name: string;
  preferred_username?: string | null;
  birthdate: string;
  gender: 'female' | 'male';
  birthplace: string | null;
  birthcountry: string;
  email: string;
}

export const ANGELA: IdentiteTest = {
  given_name: 'Angela Claire Louise', family_name: 'DUBOIS', birthdate: '1962-08-24', gender: 'female',
  birthplace: '75107', birthcountry: '99100', email: 'angela.dubois@example.fr',
};

export async function usagerPreuve(db: Db, identite: IdentiteTest = ANGELA): Promise<number> {
  // A mobile is a structure's (usager_contacts, migration 016): tests add it for the mandat's structure.
  const [row] = await db('usagers').insert({ sub: randomBytes(32).toString('hex'), ...identite }).returning('id');
  return row.id;
}

export interface MandatTest {
  structureId: number;
  aidantId: number;
  usagerId: number;
  demarches: Demarche[];
  duree?: DureeMandat;
  creeLe?: Date;
  /** The template in force when the mandat was created (default: the current one). */
  modele?: ModeleMandat;
}

/** A mandat written in one transaction, as creerMandat writes it; its verification code. */
export async function mandatPreuve(db: Db, m: MandatTest): Promise<{ mandatId: number; code: string }> {
  const duree = m.duree ?? 'LONG';
  const creeLe = m.creeLe ?? new Date();
  return db.transaction(async (trx) => {
    const [mandat] = await trx('mandats').insert({
      structure_id: m.structureId, usager_id: m.usagerId, aidant_id: m.aidantId, created_at: creeLe,
      expires_at: dateExpirationMandat(creeLe, duree), duree_keyword: duree,
    }).returning('id');
    const autorisations: { id: number; demarche: string }[] = await trx('autorisations')
      .insert(m.demarches.map((demarche) => ({ mandat_id: mandat.id, demarche }))).returning(['id', 'demarche']);
    const preuve = await preuveDuMandat(trx, mandat.id, m.modele ? { modele: m.modele } : {});
    const contexte = { aidant_id: m.aidantId, structure_id: m.structureId, usager_id: m.usagerId, mandat_id: mandat.id };
    const jours = DUREES_MANDAT[duree].jours;
    await trx('journal').insert([
      { action: 'create_attestation', ...contexte, demarche: [...m.demarches].sort().join(','), duree: jours, attestation_hash: preuve.attestationHash },
      ...autorisations.map((a) => ({ action: 'create_autorisation', ...contexte, demarche: a.demarche, duree: jours, autorisation_id: a.id })),
    ]);
    return { mandatId: mandat.id, code: preuve.code };
  });
}

/** Revokes the given démarches (all by default); a mandat left without any ends as `revoked`. */
export async function revoquerPreuve(db: Db, mandatId: number, quand = new Date(), demarches?: Demarche[]): Promise<void> {
  await db.transaction(async (trx) => {
    const q = trx('autorisations').where({ mandat_id: mandatId }).whereNull('revoked_at');
    if (demarches) q.whereIn('demarche', demarches);
    await q.update({ revoked_at: quand });
    const restantes = await trx('autorisations').where({ mandat_id: mandatId }).whereNull('revoked_at').first('id');
    if (!restantes) await trx('mandats').where({ id: mandatId }).update({ status: 'revoked', ended_at: quand });
  });
}

/** What the mandat workflow writes at expiry. */
export async function expirerPreuve(db: Db, mandatId: number): Promise<void> {
  await db('mandats').where({ id: mandatId }).update({ status: 'expired', ended_at: db.ref('expires_at') });
}

/**
 * The 6-year purge as the purge activity (activities/mandat.ts purgerMandat) does it, with the tombstone it
 * leaves by calling marquerPreuvePurgee before deleting the mandat.
 */
export async function purgerPreuve(db: Db, mandatId: number, quand = new Date()): Promise<void> {
  await db.transaction(async (trx) => {
    const mandat = await trx('mandats').where({ id: mandatId }).forUpdate().first('usager_id');
    await marquerPreuvePurgee(trx, mandatId, quand);
    await trx('autorisations').where({ mandat_id: mandatId }).delete();
    await trx('mandats').where({ id: mandatId }).delete();
    const autre = await trx('mandats').where({ usager_id: mandat.usager_id }).first('id');
    if (!autre) await trx('usagers').where({ id: mandat.usager_id }).delete();
    await trx('journal').insert({ action: 'purge_mandat', mandat_id: mandatId, usager_id: mandat.usager_id });
  });
}

export const ilYA = (jours: number) => new Date(Date.now() - jours * JOUR_MS);
