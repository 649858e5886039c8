// All SQL of authentication (api/auth/): login links, a référent's first connection, TOTP devices as the
// login checks them, the attempts counted by the rate limits, the session's account, the accepted terms of
// use and what a successful login writes. The use cases (api/auth/*.ts) hold the rules and call these.
import type { Knex } from 'knex';
import { requetePreparee, type Db } from '../connection.ts';
import type { StructureActive } from './appartenances.ts';
import { Aidant, TotpDevice } from '../models/index.ts';
import { VERSION_CGU } from '../domain/cgu.ts';
import { ESSAIS_CODE_SMS, TOLERANCE_NORMALE } from '../domain/authentification.ts';

// ——— Accounts as the session and the login see them ———

export async function aidantParId(db: Db, id: number): Promise<Aidant | undefined> {
  return Aidant.query(db).findById(id);
}

/**
 * What every page needs of the logged-in account, read in one query (README « Fournisseur d’identité de
 * FranceConnect », issue 19: fewer queries per page): the account, its active structures by name (as
 * db/queries/appartenances.ts structuresActivesDe lists them), whether it is référent of an active structure
 * (as structuresGerees) and whether its current structure is suspended (as db/queries/structures.ts
 * compteSuspendu asks, before the suspension rule applies).
 */
export interface CompteDeLaSession {
  aidant: Aidant;
  structuresActives: StructureActive[];
  estReferent: boolean;
  structureCouranteSuspendue: boolean;
}

/** The account's columns and its three facts, over `aidants as a` (also read with the session: db/queries/sessions.ts). */
export const COLONNES_COMPTE_DE_LA_SESSION = `a.*,
  coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name, 'city', s.city) order by s.name, s.id)
    from aidant_structures m join structures s on s.id = m.structure_id where m.aidant_id = a.id and s.is_active), '[]'::json) as compte_structures,
  exists(select 1 from referent_structures r join structures s on s.id = r.structure_id where r.aidant_id = a.id and s.is_active) as compte_referent,
  exists(select 1 from structures s where s.id = a.current_structure_id and s.suspended_at is not null) as compte_suspendue`;

type LigneCompte = Record<string, unknown> & { compte_structures: StructureActive[]; compte_referent: boolean; compte_suspendue: boolean };

/** A row of COLONNES_COMPTE_DE_LA_SESSION (its `id` null: no account) as the session's account. */
export function compteDeLaLigne(ligne: LigneCompte | undefined): CompteDeLaSession | undefined {
  if (!ligne || ligne.id === null || ligne.id === undefined) return undefined;
  const { compte_structures, compte_referent, compte_suspendue, ...colonnes } = ligne;
  return {
    aidant: Aidant.fromDatabaseJson(colonnes),
    structuresActives: compte_structures,
    estReferent: compte_referent,
    structureCouranteSuspendue: compte_suspendue,
  };
}

export async function compteDeLaSession(db: Db, id: number): Promise<CompteDeLaSession | undefined> {
  const [ligne] = await requetePreparee<LigneCompte>(db, 'compte_de_la_session', `select ${COLONNES_COMPTE_DE_LA_SESSION} from aidants as a where a.id = $1`, [id]);
  return compteDeLaLigne(ligne);
}

export async function aidantParEmail(db: Db, email: string): Promise<Aidant | undefined> {
  return Aidant.query(db).findOne({ email });
}

/** Active structures the account is référent of. */
export async function structuresGerees(db: Db, aidantId: number): Promise<number[]> {
  const rows = await db('referent_structures')
    .join('structures', 'structures.id', 'referent_structures.structure_id')
    .where({ 'referent_structures.aidant_id': aidantId, 'structures.is_active': true })
    .select('structures.id');
  return rows.map((r: { id: number }) => r.id);
}

export async function versionSession(db: Db, aidantId: number): Promise<number> {
  const row = await db('aidants').where({ id: aidantId }).first('session_version');
  return row.session_version;
}

export async function enregistrerAcceptationCgu(db: Db, aidantId: number): Promise<void> {
  await db('aidants').where({ id: aidantId }).update({ cgu_version: VERSION_CGU, cgu_accepted_at: db.fn.now() });
}

/**
 * What a successful login writes: the last login time (the inactivity watch reads it; a login costs no
 * Temporal event), the inactivity warning cleared, and the card tolerance back to normal.
 */
export async function enregistrerConnexion(db: Db, aidantId: number, at: Date = new Date()): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('aidants').where({ id: aidantId }).update({ last_login_at: at, deactivation_warning_at: null });
    await trx('totp_devices').where({ aidant_id: aidantId }).update({ tolerance: 1, failures: 0 });
  });
}

// ——— Login links (only their fingerprint, db/domain/jetons.ts, is stored) ———

export async function insererLienConnexion(db: Db, l: { tokenHash: string; aidantId: number; nextPath: string | null; expiresAt: Date }): Promise<void> {
  await db('magic_links').insert({ token_hash: l.tokenHash, aidant_id: l.aidantId, next_path: l.nextPath, expires_at: l.expiresAt });
}

/** Marks the link used, atomically; null when unknown, expired or already used. */
export async function consommerLienConnexion(db: Db, tokenHash: string): Promise<{ aidantId: number; nextPath: string | null } | null> {
  const [row] = await db('magic_links')
    .where({ token_hash: tokenHash })
    .whereNull('used_at')
    .andWhere('expires_at', '>', db.fn.now())
    .update({ used_at: db.fn.now() })
    .returning(['aidant_id', 'next_path']);
  return row ? { aidantId: row.aidant_id, nextPath: row.next_path } : null;
}

export async function lienConnexionUtilisable(db: Db, tokenHash: string): Promise<boolean> {
  const row = await db('magic_links').where({ token_hash: tokenHash }).whereNull('used_at').andWhere('expires_at', '>', db.fn.now()).first('token_hash');
  return Boolean(row);
}

// ——— A référent's first connection ———

export interface NouvellePremiereConnexion {
  email: string;
  phone: string;
  /** Seconds since a previous request for the same account under which nothing is sent. */
  delaiS: number;
  tokenHash: string;
  codeHash: string;
  expiresAt: Date;
  smsBody: string;
  smsSecrets: string;
  subject: string;
  /** `{{prenom}}` is replaced by the account's first name. */
  emailBody: string;
  emailSecrets: string;
}

/**
 * One statement that writes the connection and its two messages only when the email and mobile match an
 * active référent without a confirmed device (and no request in the last `delaiS`); otherwise nothing. A new
 * request replaces the previous ones.
 */
export async function creerPremiereConnexion(db: Db, p: NouvellePremiereConnexion): Promise<void> {
  await db.raw(
    `with cible as (
       select a.id, a.email, a.phone, a.first_name from aidants a
       where a.email = :email and a.phone = :phone and a.is_active
         and exists (select 1 from referent_structures r where r.aidant_id = a.id)
         and not exists (select 1 from totp_devices d where d.aidant_id = a.id and d.confirmed)
         and not exists (select 1 from premieres_connexions p where p.aidant_id = a.id and p.created_at > now() - make_interval(secs => cast(:delai as double precision)))
     ), remplacees as (
       update premieres_connexions set used_at = now() where aidant_id in (select id from cible) and used_at is null
     ), nouvelle as (
       insert into premieres_connexions (aidant_id, link_token_hash, code_hash, expires_at)
       select id, :tokenHash, :codeHash, cast(:expiresAt as timestamptz) from cible returning id
     )
     insert into outbox (idempotency_key, channel, recipient, subject, body, secrets, expires_at)
     select 'premiere-connexion-' || n.id || '-sms', 'sms', c.phone, null::text, cast(:smsBody as text), cast(:smsSecrets as text), cast(:expiresAt as timestamptz) from nouvelle n, cible c
     union all
     select 'premiere-connexion-' || n.id || '-email', 'email', c.email, cast(:subject as text), replace(cast(:emailBody as text), '{{prenom}}', c.first_name), cast(:emailSecrets as text), cast(:expiresAt as timestamptz)
     from nouvelle n, cible c`,
    {
      email: p.email, phone: p.phone, delai: p.delaiS, tokenHash: p.tokenHash, codeHash: p.codeHash, expiresAt: p.expiresAt,
      smsBody: p.smsBody, smsSecrets: p.smsSecrets, subject: p.subject, emailBody: p.emailBody, emailSecrets: p.emailSecrets,
    },
  );
}

/** A pending first connection for this link: not used, not expired, tries left. */
export async function premiereConnexionEnAttente(db: Db, tokenHash: string): Promise<{ id: number } | undefined> {
  return db('premieres_connexions')
    .where({ link_token_hash: tokenHash })
    .whereNull('used_at')
    .andWhere('expires_at', '>', db.fn.now())
    .andWhere('attempts', '<', ESSAIS_CODE_SMS)
    .first();
}

/** Counts one try on a pending first connection (under its row lock) and returns it; undefined when none. */
export async function compterEssaiPremiereConnexion(trx: Knex.Transaction, tokenHash: string): Promise<{ id: number; aidant_id: number; code_hash: string; attempts: number } | undefined> {
  const [row] = await trx('premieres_connexions')
    .where({ link_token_hash: tokenHash })
    .whereNull('used_at')
    .andWhere('expires_at', '>', trx.fn.now())
    .andWhere('attempts', '<', ESSAIS_CODE_SMS)
    .increment('attempts', 1)
    .returning(['id', 'aidant_id', 'code_hash', 'attempts']);
  return row;
}

/** False when it was used meanwhile. */
export async function marquerPremiereConnexionUtilisee(trx: Knex.Transaction, id: number): Promise<boolean> {
  return (await trx('premieres_connexions').where({ id }).whereNull('used_at').update({ used_at: trx.fn.now() })) > 0;
}

// ——— TOTP devices, as the login checks them (api/auth/totp.ts) ———

/** One statement for all the account's confirmed devices (none for an unknown account). */
export async function compterEchecCompte(db: Db, aidantId: number): Promise<void> {
  await db('totp_devices').where({ aidant_id: aidantId, confirmed: true }).increment('failures', 1);
}

export async function compterEchecAppareil(db: Db, deviceId: number): Promise<void> {
  await db('totp_devices').where({ id: deviceId }).increment('failures', 1);
}

/** Records the accepted time step unless it (or a later one) was already used: false on a replay. */
export async function accepterPasDeTemps(db: Db, deviceId: number, timeStep: number, drift: number): Promise<boolean> {
  return accepterPasDeTempsEtRendre(db, deviceId, timeStep, drift, { ids: [], cles: [] });
}

// ——— Attempts counted by the rate limits (api/auth/rate-limit.ts) ———

/** A key as reserverTentatives counts it: its window, and its max when it refuses (null: it only slows down). */
export interface CleAReserver {
  cle: string;
  fenetreMs: number;
  max: number | null;
}

/**
 * One attempt on every key, in one statement (`reserver_tentatives`, migration 019): the keys locked in the
 * order given until the statement ends, their attempts out of the window dropped, and, unless a refusing key is
 * full (`attenteMs` > 0: nothing counted), one attempt inserted per key. `comptes`: the attempts each key held
 * before this one, in the order given.
 */
export async function reserverTentatives(db: Db, cles: CleAReserver[], maintenantMs: number): Promise<{ attenteMs: number; ids: number[]; comptes: number[] }> {
  const { rows: [r] } = await db.raw('select attente_ms, ids, comptes from reserver_tentatives(?::text[], ?::bigint[], ?::integer[], ?::bigint)', [
    cles.map((c) => c.cle), cles.map((c) => c.fenetreMs), cles.map((c) => c.max), maintenantMs,
  ] as unknown as readonly Knex.RawBinding[]); // pg sends JS arrays (nulls included) as PostgreSQL arrays
  return { attenteMs: Number(r.attente_ms), ids: (r.ids as (string | number)[]).map(Number), comptes: r.comptes as number[] };
}

/** What the check of a code needs of a confirmed device (api/auth/totp.ts). */
export type AppareilAVerifier = Pick<TotpDevice, 'id' | 'secret' | 'period' | 'drift'>;

/**
 * reserverTentatives, and the confirmed devices of `aidantId` (0: no account, none) read by the same statement:
 * the first round trip of a code's check (api/auth/code-frais.ts), one instead of two (README « Mandats » →
 * « Vitesse de la création »). Read even when a key refuses: the same work whether the account exists or not.
 */
export async function reserverTentativesEtLireAppareils(db: Db, cles: CleAReserver[], maintenantMs: number, aidantId: number): Promise<{ attenteMs: number; ids: number[]; comptes: number[]; appareils: AppareilAVerifier[] }> {
  const { rows: [r] } = await db.raw(`select r.attente_ms, r.ids, r.comptes,
      (select coalesce(json_agg(json_build_object('id', d.id, 'secret', d.secret, 'period', d.period, 'drift', d.drift) order by d.id), '[]')
        from totp_devices d where d.aidant_id = ? and d.confirmed) as appareils
    from reserver_tentatives(?::text[], ?::bigint[], ?::integer[], ?::bigint) r`, [
    aidantId, cles.map((c) => c.cle), cles.map((c) => c.fenetreMs), cles.map((c) => c.max), maintenantMs,
  ] as unknown as readonly Knex.RawBinding[]);
  return { attenteMs: Number(r.attente_ms), ids: (r.ids as (string | number)[]).map(Number), comptes: r.comptes as number[], appareils: r.appareils as AppareilAVerifier[] };
}

/**
 * The accepted time step recorded unless it (or a later one) was already used (false on a replay) and, only when
 * it is accepted, supprimerTentatives(ids, cles), in one statement (the last round trip of a right code's check):
 * a replayed code takes nothing back.
 */
export async function accepterPasDeTempsEtRendre(db: Db, deviceId: number, timeStep: number, drift: number, rendre: { ids: number[]; cles: string[] }): Promise<boolean> {
  const { rows: [r] } = await db.raw(`with accepte as (
      update totp_devices set last_time_step = ?, failures = 0, tolerance = ?, drift = ?
      where id = ? and (last_time_step is null or last_time_step < ?) returning id
    ), rendues as (
      delete from tentatives where (id = any(?::bigint[]) or cle = any(?::text[])) and exists (select 1 from accepte) returning id
    )
    select (select count(*) from accepte)::int as acceptes`, [
    timeStep, TOLERANCE_NORMALE, drift, deviceId, timeStep, rendre.ids, rendre.cles,
  ] as unknown as readonly Knex.RawBinding[]);
  return r.acceptes > 0;
}

/** Takes back these attempts and every attempt on `cles` (a right code), in one statement. */
export async function supprimerTentatives(db: Db, ids: number[], cles: string[] = []): Promise<void> {
  if (!ids.length && !cles.length) return;
  await db('tentatives').where((q) => {
    if (ids.length) q.orWhereIn('id', ids);
    if (cles.length) q.orWhereIn('cle', cles);
  }).delete();
}

export async function purgerTentativesAvant(db: Db, avant: Date): Promise<number> {
  return db('tentatives').where('created_at', '<', avant).delete();
}
