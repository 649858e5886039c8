// Storage of the printed mandat's proof: the proof hash and verification code given at creation, the hash
// recomputed from the rows for a check, the tombstone left by the purge, and the rate-limit windows of the
// public verification page.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import { hashModele, MODELE_EN_VIGUEUR, modeleMandat, type ModeleMandat } from '../domain/modeles-mandat/index.ts';
import { attestationSaltFromEnv, hashPreuve, LIMITE_VERIFICATIONS, nouveauCodeVerification } from '../domain/preuve-mandat.ts';

type Executor = Db | Knex.Transaction;

/** Gives the mandat its verification code (once: an existing code is kept and returned). */
export async function attribuerCodeVerification(trx: Knex.Transaction, mandatId: number): Promise<string> {
  // 80 random bits: a collision is practically impossible, but a unique index decides, never luck.
  for (let essai = 0; essai < 5; essai++) {
    const [cree] = await trx('preuves_mandat')
      .insert({ mandat_id: mandatId, code: nouveauCodeVerification() })
      .onConflict()
      .ignore()
      .returning('code');
    if (cree) return cree.code;
    const existant = await trx('preuves_mandat').where({ mandat_id: mandatId }).first('code');
    if (existant) return existant.code;
  }
  throw new Error(`aucun code de vérification libre trouvé pour le mandat ${mandatId}`);
}

export interface PreuveMandat {
  templateVersion: string;
  /** Canonical verification code (16 characters). */
  code: string;
  /** For `journal.attestation_hash` of the `create_attestation` row. */
  attestationHash: string;
}

export interface ChampsHashes {
  aidant_id: number | null;
  structure_id: number;
  created_at: Date;
  expires_at: Date;
  template_version: string | null;
  sub: string;
  demarches: Demarche[];
}

/** Everything the proof hash covers, as stored (démarches: all of the mandat's, revoked ones included). */
async function champsHashes(db: Executor, mandatId: number): Promise<ChampsHashes | null> {
  return (await db('mandats')
    .join('usagers', 'usagers.id', 'mandats.usager_id')
    .where('mandats.id', mandatId)
    .first(
      'mandats.aidant_id', 'mandats.structure_id', 'mandats.created_at', 'mandats.expires_at', 'mandats.template_version', 'usagers.sub',
      db.raw('array(select demarche from autorisations where autorisations.mandat_id = mandats.id order by demarche) as demarches'),
    )) ?? null;
}

function hashDesChamps(c: ChampsHashes, modele: ModeleMandat, sel: string): string {
  return hashPreuve({
    aidantId: c.aidant_id ?? 0, creeLe: c.created_at, demarches: c.demarches, expireLe: c.expires_at,
    structureId: c.structure_id, hashModele: hashModele(modele), usagerSub: c.sub,
  }, sel);
}

/**
 * The proof hash of a mandat from what its proof covers, as the rows just written hold it (the mandat's
 * creation reads them back from its insert: db/queries/mandats.ts insererMandat), with the template in force.
 */
export function hashPreuveDesChamps(c: ChampsHashes, opts: { modele?: ModeleMandat; sel?: string } = {}): string {
  return hashDesChamps(c, opts.modele ?? MODELE_EN_VIGUEUR, opts.sel ?? attestationSaltFromEnv());
}

/**
 * Called by the seeds and test fixtures that write a mandat statement by statement, once the mandat and its
 * autorisations are written: records the template in force and a verification code, and returns the proof hash
 * to journal. The hash is computed from the rows just written (what the verification page will recompute), not
 * from the caller's copy. The creation itself does the same in its insert (db/queries/mandats.ts insererMandat).
 */
export async function preuveDuMandat(
  trx: Knex.Transaction,
  mandatId: number,
  opts: { modele?: ModeleMandat; sel?: string } = {},
): Promise<PreuveMandat> {
  const modele = opts.modele ?? MODELE_EN_VIGUEUR;
  await trx('mandats').where({ id: mandatId }).update({ template_version: modele.version });
  const champs = await champsHashes(trx, mandatId);
  if (!champs) throw new Error(`mandat ${mandatId} absent de la transaction de création`);
  const code = await attribuerCodeVerification(trx, mandatId);
  return { templateVersion: modele.version, code, attestationHash: hashDesChamps(champs, modele, opts.sel ?? attestationSaltFromEnv()) };
}

/**
 * The proof hash the rows give now, and the one last journaled (creation or previous transfer): a transfer
 * journals the new one, since the structure is part of the hash. Null hash: unknown template.
 */
export async function hashesDuMandat(db: Executor, mandatId: number, sel = attestationSaltFromEnv()): Promise<{ actuel: string | null; journalise: string | null }> {
  const champs = await champsHashes(db, mandatId);
  const modele = champs ? modeleMandat(champs.template_version) : null;
  const dernier = await db('journal')
    .where({ mandat_id: mandatId })
    .whereIn('action', ['create_attestation', 'transfer_mandat'])
    .whereNotNull('attestation_hash')
    .orderBy('id', 'desc')
    .first('attestation_hash');
  return { actuel: champs && modele ? hashDesChamps(champs, modele, sel) : null, journalise: dernier?.attestation_hash ?? null };
}

export interface PreuveLue {
  mandatId: number;
  /** Set by the purge. */
  finLe: Date | null;
  purgeLe: Date | null;
  /** Null once the mandat was purged (or deleted). */
  mandat: {
    structureId: number;
    structure: string;
    status: 'active' | 'expired' | 'revoked';
    created_at: Date;
    expires_at: Date;
    ended_at: Date | null;
    given_name: string;
    family_name: string;
    autorisations: { demarche: Demarche; revoqueeLe: Date | null }[];
    /** The hash the rows give now; null when the template is unknown (then never "valid"). */
    hashRecalcule: string | null;
    /** The hash journaled at creation (or at the last transfer): the append-only reference. */
    hashJournalise: string | null;
  } | null;
}

/** Everything a check of `code` needs, in one query; null for an unknown code. */
export async function lirePreuve(db: Db, code: string, sel: string): Promise<PreuveLue | null> {
  const { rows } = await db.raw(`
    select p.mandat_id, p.ended_at as fin_tombe, p.purged_at,
      m.id as present, m.structure_id, m.aidant_id, m.status, m.created_at, m.expires_at, m.ended_at, m.template_version,
      u.sub, u.given_name, u.family_name, s.name as structure,
      (select coalesce(json_agg(json_build_object('demarche', a.demarche, 'revoked_at', a.revoked_at) order by a.id), '[]')
         from autorisations a where a.mandat_id = m.id) as autorisations,
      (select j.attestation_hash from journal j
         where j.mandat_id = p.mandat_id and j.action in ('create_attestation', 'transfer_mandat') and j.attestation_hash is not null
         order by j.id desc limit 1) as hash_journalise
    from preuves_mandat p
    left join mandats m on m.id = p.mandat_id
    left join usagers u on u.id = m.usager_id
    left join structures s on s.id = m.structure_id
    where p.code = ?`, [code]);
  const r = rows[0];
  if (!r) return null;
  const lue: PreuveLue = { mandatId: r.mandat_id, finLe: r.fin_tombe, purgeLe: r.purged_at, mandat: null };
  if (r.present === null) return lue;
  const autorisations = (r.autorisations as { demarche: Demarche; revoked_at: string | null }[])
    .map((a) => ({ demarche: a.demarche, revoqueeLe: a.revoked_at ? new Date(a.revoked_at) : null }));
  const modele = modeleMandat(r.template_version);
  const champs: ChampsHashes = {
    aidant_id: r.aidant_id, structure_id: r.structure_id, created_at: r.created_at, expires_at: r.expires_at,
    template_version: r.template_version, sub: r.sub, demarches: autorisations.map((a) => a.demarche),
  };
  return {
    ...lue,
    mandat: {
      structureId: r.structure_id, structure: r.structure, status: r.status, created_at: r.created_at, expires_at: r.expires_at,
      ended_at: r.ended_at, given_name: r.given_name, family_name: r.family_name, autorisations,
      hashRecalcule: modele ? hashDesChamps(champs, modele, sel) : null,
      hashJournalise: r.hash_journalise,
    },
  };
}

export async function codeVerificationDuMandat(db: Executor, mandatId: number): Promise<string | null> {
  return (await db('preuves_mandat').where({ mandat_id: mandatId }).first('code'))?.code ?? null;
}

/**
 * The purge calls this in its transaction, before deleting the mandat row: the verification code stays
 * known, with the mandat's end and purge dates only, so the public page says "ended, data deleted" rather
 * than "unknown". Idempotent.
 */
export async function marquerPreuvePurgee(trx: Knex.Transaction, mandatId: number, maintenant = new Date()): Promise<void> {
  await trx('preuves_mandat')
    .where({ mandat_id: mandatId })
    .whereNull('purged_at')
    .update({
      purged_at: maintenant,
      ended_at: trx.raw('coalesce(preuves_mandat.ended_at, (select ended_at from mandats where mandats.id = ?))', [mandatId]),
    });
}

/**
 * Counts one check of `cle` and tells whether it goes over the limit (sliding window over two fixed windows,
 * one statement). Windows older than the previous one are deleted on the way.
 */
export async function compterVerification(db: Db, cle: string, maintenant = Date.now()): Promise<{ courant: number; precedent: number; ecouleMs: number }> {
  const taille = LIMITE_VERIFICATIONS.fenetreMs;
  const fenetre = Math.floor(maintenant / taille);
  const { rows } = await db.raw(
    `with oubli as (delete from limites_verification where fenetre < ?),
     courant as (
       insert into limites_verification (cle, fenetre, nombre) values (?, ?, 1)
       on conflict (cle, fenetre) do update set nombre = limites_verification.nombre + 1
       returning nombre)
     select (select nombre from courant) as courant,
            coalesce((select nombre from limites_verification where cle = ? and fenetre = ?), 0) as precedent`,
    [fenetre - 1, cle, fenetre, cle, fenetre - 1],
  );
  return { courant: Number(rows[0].courant), precedent: Number(rows[0].precedent), ecouleMs: maintenant - fenetre * taille };
}
