// All SQL of mandats, their autorisations and their usagers (README « Organisation du code »): what the
// aidant's pages read (every read takes the structure id and filters on it: a usager or mandat of another
// structure is simply not found), the writes of a mandat's creation, revocation and supersession, and those
// of its life (activities/mandat.ts). The end of a mandat (status, ended_at and its journal row) is written by
// one function, terminerMandats, whoever ends it. Use cases (api/mandats/) own the transactions and call these
// functions inside them; the proof of a printed mandat lives in db/queries/preuves.ts.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import { DELAI_RENOUVELLEMENT_MS, DUREES_MANDAT, type DureeMandat, type StatutMandat } from '../domain/mandat.ts';
import type { IdentitePivot } from '../domain/usager.ts';
import { prefixeRappelsMandat } from '../domain/vie-mandat.ts';
import type { EntreeJournal } from './journal.ts';

type Executor = Db | Knex.Transaction;

// ——— What the aidant's pages read ———

export interface UsagerListe {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  mandats_actifs: number;
  prochaine_expiration: Date | null;
}

/** Usagers with a mandat of the structure, recently ended ones included (outdated ones hidden), by name. */
export async function usagersDeLaStructure(db: Db, structureId: number, recherche = ''): Promise<UsagerListe[]> {
  const horizon = new Date(Date.now() - DELAI_RENOUVELLEMENT_MS);
  const q = db('usagers')
    .join('mandats', 'mandats.usager_id', 'usagers.id')
    .where('mandats.structure_id', structureId)
    .andWhere((w) => w.where('mandats.status', 'active').orWhere('mandats.ended_at', '>', horizon))
    .groupBy('usagers.id')
    .orderBy([{ column: 'usagers.family_name' }, { column: 'usagers.given_name' }])
    .limit(200)
    .select(
      'usagers.id', 'usagers.given_name', 'usagers.family_name', 'usagers.preferred_username',
      db.raw(`count(*) filter (where mandats.status = 'active')::int as mandats_actifs`),
      db.raw(`min(mandats.expires_at) filter (where mandats.status = 'active') as prochaine_expiration`),
    );
  const mots = recherche.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  for (const mot of mots) {
    const motif = `%${mot.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.andWhere((w) =>
      w.whereILike('usagers.given_name', motif).orWhereILike('usagers.family_name', motif).orWhereILike('usagers.preferred_username', motif),
    );
  }
  return q;
}

export interface MandatDetail {
  id: number;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  status: StatutMandat;
  duree_keyword: DureeMandat;
  aidant: string | null;
  /** Issue 22: the template version and the usager's language (its translation is printed after the French). */
  template_version: string | null;
  langue: string | null;
  autorisations: { id: number; demarche: Demarche; revoked_at: Date | null }[];
}

export interface UsagerDetail {
  id: number;
  given_name: string;
  family_name: string;
  preferred_username: string | null;
  birthdate: string;
  birthplace: string | null;
  birthcountry: string;
  email: string | null;
  phone: string | null;
  mandats: MandatDetail[];
}

/** A usager and the structure's mandats with them; null when no mandat links them to the structure. */
export async function usagerDeLaStructure(db: Db, structureId: number, usagerId: number): Promise<UsagerDetail | null> {
  const mandats: (Omit<MandatDetail, 'autorisations'> & { usager_id: number })[] = await db('mandats')
    .leftJoin('aidants', 'aidants.id', 'mandats.aidant_id')
    .where({ 'mandats.structure_id': structureId, 'mandats.usager_id': usagerId })
    .orderBy('mandats.created_at', 'desc')
    .select(
      'mandats.id', 'mandats.created_at', 'mandats.expires_at', 'mandats.ended_at', 'mandats.status', 'mandats.duree_keyword', 'mandats.usager_id',
      'mandats.template_version', 'mandats.langue',
      db.raw(`aidants.first_name || ' ' || aidants.last_name as aidant`),
    );
  if (!mandats.length) return null;
  const usager = await db('usagers').where({ id: usagerId }).first('id', 'given_name', 'family_name', 'preferred_username', 'birthdate', 'birthplace', 'birthcountry', 'email');
  if (!usager) return null;
  // The mobile this structure entered, never another structure's (issue 18, item 6; migration 016).
  usager.phone = await telephoneDeLaStructure(db, usagerId, structureId);
  const autorisations: { id: number; mandat_id: number; demarche: Demarche; revoked_at: Date | null }[] = await db('autorisations')
    .whereIn('mandat_id', mandats.map((m) => m.id))
    .orderBy('id')
    .select('id', 'mandat_id', 'demarche', 'revoked_at');
  return {
    ...usager,
    mandats: mandats.map(({ usager_id: _u, ...m }) => ({
      ...m,
      autorisations: autorisations.filter((a) => a.mandat_id === m.id).map(({ mandat_id: _m, ...a }) => a),
    })),
  };
}

/** The mandat's usager, when the mandat belongs to the structure. */
export async function usagerDuMandat(db: Db, structureId: number, mandatId: number): Promise<number | null> {
  const row = await db('mandats').where({ id: mandatId, structure_id: structureId }).first('usager_id');
  return row?.usager_id ?? null;
}

export async function demarchesAutorisees(db: Db, structureId: number): Promise<Demarche[]> {
  const row = await db('structures').where({ id: structureId, is_active: true }).first('allowed_demarches');
  return row?.allowed_demarches ?? [];
}

export async function nomStructure(db: Db, structureId: number): Promise<{ name: string; address: string; postal_code: string; city: string } | null> {
  return (await db('structures').where({ id: structureId }).first('name', 'address', 'postal_code', 'city')) ?? null;
}

/** What a revocation confirmation shows: the usager and the démarches still active that it would end. */
export async function mandatARevoquer(db: Db, structureId: number, mandatId: number, autorisationId?: number) {
  const mandat = await db('mandats')
    .join('usagers', 'usagers.id', 'mandats.usager_id')
    .where({ 'mandats.id': mandatId, 'mandats.structure_id': structureId })
    .first<{ status: string; id: number; given_name: string; family_name: string; preferred_username: string | null } | undefined>(
      'mandats.status', 'usagers.id', 'usagers.given_name', 'usagers.family_name', 'usagers.preferred_username',
    );
  if (!mandat) return null;
  const q = db('autorisations').where({ mandat_id: mandatId });
  if (autorisationId !== undefined) q.andWhere({ id: autorisationId });
  const autorisations: { demarche: Demarche; revoked_at: Date | null }[] = await q.orderBy('id').select('demarche', 'revoked_at');
  if (autorisationId !== undefined && !autorisations.length) return null;
  const { status, ...usager } = mandat;
  return { usager, demarches: status === 'active' ? autorisations.filter((a) => !a.revoked_at).map((a) => a.demarche) : [] };
}

/** Every mandat of the usager with the structure, as renewal needs them (db/domain/mandat.ts estRenouvelable). */
export async function finsDesMandatsDeLUsager(db: Db, structureId: number, usagerId: number): Promise<{ status: StatutMandat; ended_at: Date | null }[]> {
  return db('mandats').where({ structure_id: structureId, usager_id: usagerId }).select('status', 'ended_at');
}

/** A mandat of the structure as its renewal starts from it: its usager, end, duration and démarches. */
export async function mandatARenouveler(db: Db, structureId: number, mandatId: number) {
  const m = await db('mandats').where({ id: mandatId, structure_id: structureId })
    .first<{ usager_id: number; status: StatutMandat; ended_at: Date | null; duree_keyword: string } | undefined>('usager_id', 'status', 'ended_at', 'duree_keyword');
  if (!m) return null;
  const autorisations: { demarche: Demarche; revoked_at: Date | null }[] = await db('autorisations').where({ mandat_id: mandatId }).orderBy('id').select('demarche', 'revoked_at');
  return { ...m, autorisations };
}

export async function usagerResume(db: Db, usagerId: number) {
  return (await db('usagers').where({ id: usagerId }).first<{ id: number; given_name: string; family_name: string; preferred_username: string | null } | undefined>('id', 'given_name', 'family_name', 'preferred_username')) ?? null;
}

/** The stored pivot identity of a usager linked to the structure by a mandat. */
export async function identiteUsager(db: Db, structureId: number, usagerId: number): Promise<IdentitePivot | null> {
  const row = await db('usagers')
    .where({ id: usagerId })
    .whereExists(db('mandats').whereRaw('mandats.usager_id = usagers.id').where({ structure_id: structureId }))
    .first('given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email');
  return (row as IdentitePivot | undefined) ?? null;
}

/** A mandat to print, with its usager, structure, aidant and autorisations; null when not of the structure. */
export async function trouverMandatAImprimer(db: Db, structureId: number, mandatId: number) {
  const m = await db('mandats')
    .join('usagers', 'usagers.id', 'mandats.usager_id')
    .join('structures', 'structures.id', 'mandats.structure_id')
    .leftJoin('aidants', 'aidants.id', 'mandats.aidant_id')
    // The mobile the mandat's structure entered (issue 18, item 6).
    .leftJoin('usager_contacts', (j) => j.on('usager_contacts.usager_id', 'mandats.usager_id').andOn('usager_contacts.structure_id', 'mandats.structure_id'))
    .where({ 'mandats.id': mandatId, 'mandats.structure_id': structureId })
    .first(
      'mandats.id', 'mandats.created_at', 'mandats.expires_at', 'mandats.ended_at', 'mandats.status', 'mandats.duree_keyword', 'mandats.template_version',
      'usagers.id as usager_id', 'usagers.given_name', 'usagers.family_name', 'usagers.preferred_username', 'usagers.birthdate',
      'usagers.birthplace', 'usagers.birthcountry', 'usagers.email', 'usager_contacts.phone',
      'structures.name as structure_name', 'structures.address', 'structures.postal_code', 'structures.city',
      db.raw(`aidants.first_name || ' ' || aidants.last_name as aidant`),
    );
  return m ?? null;
}

export async function autorisationsImprimees(db: Db, mandatId: number): Promise<{ demarche: Demarche; revoked_at: Date | null }[]> {
  return db('autorisations').where({ mandat_id: mandatId }).orderBy('id').select('demarche', 'revoked_at');
}

// ——— Creation (api/mandats/creation.ts owns the transaction) ———

export async function trouverMandatParCleCreation(db: Executor, cle: string) {
  return db('mandats').where({ creation_key: cle }).first<{ id: number; usager_id: number; expires_at: Date } | undefined>('id', 'usager_id', 'expires_at');
}

/** What a creation checks first, read at once: the mandat of its key if it exists, and the structure. */
export interface EtatAvantCreation {
  /** The mandat this draft already created (double submit). */
  deja: { id: number; usager_id: number; expires_at: Date } | null;
  /** The démarches the structure allows; null when it is inactive or unknown. */
  autorisees: Demarche[] | null;
  /** Staff suspended the structure (issue 20, db/queries/structures.ts structureSuspendue). */
  suspendue: boolean;
}

/**
 * One statement for what api/mandats/creation.ts checks before writing (README « Mandats » → « Vitesse de la
 * création »): the mandat already created with this key, the structure's démarches when active, its suspension.
 */
export async function etatAvantCreation(trx: Knex.Transaction, structureId: number, cle: string): Promise<EtatAvantCreation> {
  const { rows: [r] } = await trx.raw(`
    select m.id, m.usager_id, m.expires_at,
      (select s.allowed_demarches from structures s where s.id = ? and s.is_active) as autorisees,
      exists (select 1 from structures s where s.id = ? and s.suspended_at is not null) as suspendue
    from (select 1) as un left join mandats m on m.creation_key = ?`, [structureId, structureId, cle]);
  return {
    deja: r.id === null ? null : { id: r.id, usager_id: r.usager_id, expires_at: r.expires_at },
    autorisees: r.autorisees ?? null,
    suspendue: r.suspendue,
  };
}

export async function mandatDuConsentement(trx: Knex.Transaction, demandeId: string): Promise<boolean> {
  return Boolean(await trx('mandats').where({ consent_request_id: demandeId }).first('id'));
}

type Contexte = { aidant_id: number; structure_id: number };

const IDENTITE: (keyof IdentitePivot)[] = ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'];

/** The usager of a draft: identified by FranceConnect now (`usager`), or already known (renewal). */
export interface UsagerAEnregistrer {
  usager?: { sub: string; identite: IdentitePivot };
  renouvellementUsagerId?: number;
  telephone: string | null;
}

/** The mobile a structure entered for a usager (usager_contacts, migration 016); null when it entered none. */
export async function telephoneDeLaStructure(db: Executor, usagerId: number, structureId: number): Promise<string | null> {
  const row = await db('usager_contacts').where({ usager_id: usagerId, structure_id: structureId }).first<{ phone: string } | undefined>('phone');
  return row?.phone ?? null;
}

/**
 * The mobile typed in the creation form is the creating structure's (issue 18, item 6): stored for it alone;
 * a change of that structure's number is journaled (the detail itself never is): the entry is returned, for the
 * caller to write with the creation's other journal rows.
 */
async function enregistrerTelephone(trx: Knex.Transaction, usagerId: number, telephone: string | null, contexte: Contexte, journaliser = true): Promise<EntreeJournal[]> {
  if (!telephone) return [];
  const avant = await telephoneDeLaStructure(trx, usagerId, contexte.structure_id);
  if (avant === telephone) return [];
  await trx('usager_contacts')
    .insert({ usager_id: usagerId, structure_id: contexte.structure_id, phone: telephone })
    .onConflict(['usager_id', 'structure_id'])
    .merge({ phone: telephone, updated_at: trx.fn.now() });
  return journaliser ? [{ action: 'update_phone_usager', ...contexte, usager_id: usagerId }] : [];
}

export interface UsagerEnregistre {
  id: number;
  /** Created by this call: no mandat can name them yet. */
  nouveau: boolean;
  /**
   * The journal rows of what changed, in order, ending with `franceconnect_usager`: the caller writes them
   * with its own, in the one journal statement at the end of its transaction (README « Mandats » → « Vitesse
   * de la création »: the lock of the journal chain's lane is then held from that statement to the commit only).
   */
  journal: EntreeJournal[];
}

/**
 * Creates or updates the usager FranceConnect identified (or locks the known one of a renewal), and says what
 * to journal. Null when the renewal's usager no longer exists.
 */
export async function enregistrerUsager(trx: Knex.Transaction, u: UsagerAEnregistrer, contexte: Contexte): Promise<UsagerEnregistre | null> {
  if (!u.usager) {
    const connu = await trx('usagers').where({ id: u.renouvellementUsagerId ?? -1 }).forUpdate().first<{ id: number } | undefined>('id');
    if (!connu) return null;
    return { id: connu.id, nouveau: false, journal: await enregistrerTelephone(trx, connu.id, u.telephone, contexte) };
  }
  const { sub } = u.usager;
  const identite = Object.fromEntries(IDENTITE.map((k) => [k, u.usager!.identite[k] ?? null]));
  // One statement: the pivot identity stored exactly as FranceConnect sends it, the latest one included
  // (inserted, or updated when the sub is known; a concurrent first login of the same person waits on the
  // unique sub, then updates the other transaction's row), and the row as it was. `avant` is read (and locked)
  // by the conflict's WHERE, before the update: read after it, the row changed by this very statement would
  // be skipped. Without a conflict it is read last and finds nothing (the new row is not in its snapshot).
  const colonnes = ['sub', ...IDENTITE];
  const { rows: [r] } = await trx.raw(`
    with avant as materialized (select id, email from usagers where sub = ? for update),
    ecrit as (
      insert into usagers (${colonnes.map((c) => `"${c}"`).join(', ')}) values (${colonnes.map(() => '?').join(', ')})
      on conflict (sub) do update set ${IDENTITE.map((c) => `"${c}" = excluded."${c}"`).join(', ')}, updated_at = now()
      where (select count(*) from avant) >= 0
      returning id
    )
    select ecrit.id, avant.id is null as nouveau, avant.email as email_avant from ecrit left join avant on true`,
  [sub, sub, ...IDENTITE.map((k) => identite[k])] as unknown as readonly Knex.RawBinding[]);
  const usagerId: number = r.id;
  const journal: EntreeJournal[] = [];
  if (r.nouveau) {
    journal.push(...await enregistrerTelephone(trx, usagerId, u.telephone, contexte, false));
  } else {
    // The journal records that a detail changed, never the detail itself (it holds no personal data).
    if ((r.email_avant ?? null) !== (identite.email ?? null)) journal.push({ action: 'update_email_usager', ...contexte, usager_id: usagerId });
    journal.push(...await enregistrerTelephone(trx, usagerId, u.telephone, contexte));
  }
  journal.push({ action: 'franceconnect_usager', ...contexte, usager_id: usagerId });
  return { id: usagerId, nouveau: r.nouveau, journal };
}

/** Writes journal rows in one statement, in the order given (ids and the chain follow it); none: nothing. */
export async function ecrireJournal(trx: Knex.Transaction, entrees: EntreeJournal[]): Promise<void> {
  if (entrees.length) await trx('journal').insert(entrees);
}

/** Supersession: the structure's active autorisations for the same usager and démarches, locked. */
export async function autorisationsRemplacees(trx: Knex.Transaction, structureId: number, usagerId: number, demarches: Demarche[]): Promise<{ id: number; mandat_id: number }[]> {
  return trx('autorisations')
    .join('mandats', 'mandats.id', 'autorisations.mandat_id')
    .where({ 'mandats.structure_id': structureId, 'mandats.usager_id': usagerId, 'mandats.status': 'active' })
    .whereNull('autorisations.revoked_at')
    .whereIn('autorisations.demarche', demarches)
    .select('autorisations.id', 'autorisations.mandat_id')
    .forUpdate();
}

export interface NouveauMandat {
  structureId: number;
  usagerId: number;
  aidantId: number;
  creeLe: Date;
  expireLe: Date;
  duree: DureeMandat;
  cleCreation: string;
  /** A remote mandat: the consent request it comes from. */
  consentRequestId?: string;
  /** Issue 22: the usager's language (its translation is printed after the French text). */
  langue?: string | null;
}

/** A mandat as written, with what its proof hash covers (db/queries/preuves.ts) read back from the rows. */
export interface MandatInsere {
  id: number;
  autorisations: { id: number; demarche: Demarche }[];
  /** The verification code given (db/queries/preuves.ts); null when the random one was taken (the caller draws again). */
  code: string | null;
  champs: { aidant_id: number | null; structure_id: number; created_at: Date; expires_at: Date; template_version: string | null; sub: string; demarches: Demarche[] };
}

/**
 * Writes the mandat (with its template version), one autorisation per démarche and the verification code, in
 * one statement, and returns what the proof hash covers as PostgreSQL stored it (README « Mandats » → « Vitesse de
 * la création »). Null when the creation key already exists.
 */
export async function insererMandat(trx: Knex.Transaction, m: NouveauMandat & { templateVersion: string; code: string }, demarches: Demarche[]): Promise<MandatInsere | null> {
  const distant = Boolean(m.consentRequestId);
  const { rows: [r] } = await trx.raw(`
    with m as (
      insert into mandats (structure_id, usager_id, aidant_id, created_at, expires_at, duree_keyword, creation_key, langue, template_version,
        is_remote, remote_consent_method, consent_request_id)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (creation_key) do nothing
      returning id, aidant_id, structure_id, usager_id, created_at, expires_at, template_version
    ), a as (
      insert into autorisations (mandat_id, demarche)
      select m.id, d.demarche from m, unnest(?::text[]) with ordinality as d(demarche, rang) order by d.rang
      returning id, demarche
    ), p as (
      insert into preuves_mandat (mandat_id, code) select m.id, ? from m on conflict do nothing returning code
    )
    select m.id, m.aidant_id, m.structure_id, m.created_at, m.expires_at, m.template_version,
      (select u.sub from usagers u where u.id = m.usager_id) as sub,
      (select json_agg(json_build_object('id', a.id, 'demarche', a.demarche) order by a.id) from a) as autorisations,
      (select array_agg(a.demarche order by a.demarche) from a) as demarches,
      (select p.code from p) as code
    from m`, [
    m.structureId, m.usagerId, m.aidantId, m.creeLe, m.expireLe, m.duree, m.cleCreation, m.langue ?? null, m.templateVersion,
    distant, distant ? 'SMS' : null, m.consentRequestId ?? null,
    demarches, m.code,
  ] as unknown as readonly Knex.RawBinding[]);
  if (!r) return null;
  return {
    id: r.id, autorisations: r.autorisations, code: r.code,
    champs: { aidant_id: r.aidant_id, structure_id: r.structure_id, created_at: r.created_at, expires_at: r.expires_at, template_version: r.template_version, sub: r.sub, demarches: r.demarches },
  };
}

/**
 * The creation's journal rows: `create_attestation` (with the proof hash) then one `create_autorisation` per
 * démarche; the caller writes them after its own (ecrireJournal).
 */
export function entreesCreationMandat(
  c: { contexte: Contexte; usagerId: number; mandatId: number; demarches: Demarche[]; duree: DureeMandat; attestationHash: string; consentRequestId?: string },
  autorisations: { id: number; demarche: Demarche }[],
): EntreeJournal[] {
  const jours = DUREES_MANDAT[c.duree].jours;
  return [
    {
      action: 'create_attestation', ...c.contexte, usager_id: c.usagerId, mandat_id: c.mandatId,
      demarche: [...c.demarches].sort().join(','), duree: jours, attestation_hash: c.attestationHash,
      ...(c.consentRequestId ? { is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: c.consentRequestId } : {}),
    },
    ...autorisations.map((a): EntreeJournal => ({
      action: 'create_autorisation', ...c.contexte, usager_id: c.usagerId, mandat_id: c.mandatId,
      demarche: a.demarche, duree: jours, autorisation_id: a.id,
    })),
  ];
}

// ——— Revocation and the end of a mandat ———

/** The structure's mandat, locked for a revocation; null when not of the structure. */
export async function verrouillerMandatDeLaStructure(trx: Knex.Transaction, structureId: number, mandatId: number) {
  return (await trx('mandats')
    .where({ id: mandatId, structure_id: structureId })
    .forUpdate()
    .first<{ id: number; usager_id: number; status: string } | undefined>('id', 'usager_id', 'status')) ?? null;
}

/** The mandat's autorisations (or the one asked), revoked ones included. */
export async function autorisationsDuMandat(trx: Knex.Transaction, mandatId: number, autorisationId?: number): Promise<{ id: number; mandat_id: number; revoked_at: Date | null }[]> {
  const cibles = trx('autorisations').where({ mandat_id: mandatId });
  if (autorisationId !== undefined) cibles.andWhere({ id: autorisationId });
  return cibles.select('id', 'mandat_id', 'revoked_at');
}

/** Who revokes: an aidant of the structure, or the usager online (aidant_id null, `additional_information` says so). */
export type ContexteRevocation = { aidant_id: number | null; structure_id: number; additional_information?: string };

/** Sets revoked_at on these autorisations and journals `cancel_autorisation` for each. */
export async function revoquerAutorisations(
  trx: Knex.Transaction,
  autorisations: { id: number; mandat_id: number }[],
  contexte: ContexteRevocation,
  maintenant: Date,
): Promise<void> {
  if (!autorisations.length) return;
  const revoquees: { id: number; mandat_id: number; demarche: string; usager_id: number; duree_keyword: keyof typeof DUREES_MANDAT }[] = await trx('autorisations')
    .whereIn('autorisations.id', autorisations.map((a) => a.id))
    .whereNull('revoked_at')
    .update({ revoked_at: maintenant })
    .returning(['id', 'mandat_id', 'demarche']);
  if (!revoquees.length) return;
  const mandats: { id: number; usager_id: number; duree_keyword: string }[] = await trx('mandats')
    .whereIn('id', [...new Set(revoquees.map((a) => a.mandat_id))])
    .select('id', 'usager_id', 'duree_keyword');
  const parId = new Map(mandats.map((m) => [m.id, m]));
  await trx('journal').insert(revoquees.map((a) => {
    const m = parId.get(a.mandat_id)!;
    return {
      action: 'cancel_autorisation', ...contexte, usager_id: m.usager_id, mandat_id: a.mandat_id, demarche: a.demarche,
      duree: DUREES_MANDAT[m.duree_keyword as keyof typeof DUREES_MANDAT]?.jours ?? null, autorisation_id: a.id,
    };
  }));
}

export interface FinMandat {
  statut: 'expired' | 'revoked';
  le: Date;
  /** Revocation and supersession: only the mandats left with no active autorisation end. */
  siPlusAucuneAutorisation?: boolean;
  /** The journal row of the end, for each mandat ended (its mandat_id added); none when omitted. */
  journal?: Omit<EntreeJournal, 'mandat_id'>;
}

/**
 * THE end of a mandat, whoever ends it (a revocation, a supersession at creation, the mandat's workflow at
 * expiry or after revocations): status and ended_at on the mandats still active, and the end's journal row.
 * Called inside the caller's transaction; returns the ids of the mandats it ended.
 */
export async function terminerMandats(trx: Knex.Transaction, mandatIds: number[], fin: FinMandat): Promise<number[]> {
  if (!mandatIds.length) return [];
  const q = trx('mandats').whereIn('id', [...new Set(mandatIds)]).where({ status: 'active' });
  if (fin.siPlusAucuneAutorisation) q.whereNotExists(trx('autorisations').whereRaw('autorisations.mandat_id = mandats.id').whereNull('revoked_at'));
  const clos: { id: number }[] = await q.update({ status: fin.statut, ended_at: fin.le }).returning('id');
  const ids = clos.map((m) => m.id);
  if (fin.journal && ids.length) {
    const journal = fin.journal;
    const insertion = trx('journal').insert(ids.map((id) => ({ ...journal, mandat_id: id })));
    if (journal.idempotency_key) await insertion.onConflict('idempotency_key').ignore();
    else await insertion;
  }
  return ids;
}

// ——— The mandat's life (activities/mandat.ts) ———

export interface MandatVerrouille {
  id: number;
  structure_id: number;
  usager_id: number;
  status: StatutMandat;
  ended_at: Date | null;
  expires_at: Date;
  duree_keyword: keyof typeof DUREES_MANDAT | 'EUS_03_20';
  consent_request_id: string | null;
}

/** The mandat under its row lock (every activity of its life starts here). */
export async function verrouillerMandat(trx: Knex.Transaction, mandatId: number): Promise<MandatVerrouille | undefined> {
  return trx('mandats').where({ id: mandatId }).forUpdate().first('id', 'structure_id', 'usager_id', 'status', 'ended_at', 'expires_at', 'duree_keyword', 'consent_request_id');
}

/** The revocation date of each autorisation of the mandat (null: still active). */
export async function datesRevocation(trx: Knex.Transaction, mandatId: number): Promise<(Date | null)[]> {
  return trx('autorisations').where({ mandat_id: mandatId }).pluck('revoked_at');
}

/** What the expiry reminder names, and to whom it goes: the structure's active aidants. */
export async function destinatairesRappel(trx: Knex.Transaction, mandat: { usager_id: number; structure_id: number }) {
  const usager = await trx('usagers').where({ id: mandat.usager_id }).first('given_name', 'family_name', 'preferred_username');
  const structure = await trx('structures').where({ id: mandat.structure_id }).first('name');
  const aidants: { id: number; email: string; first_name: string }[] = await trx('aidant_structures as ast')
    .join('aidants as a', 'a.id', 'ast.aidant_id')
    .where({ 'ast.structure_id': mandat.structure_id, 'a.is_active': true })
    .orderBy('a.id')
    .select('a.id', 'a.email', 'a.first_name');
  return { usager, structure, aidants };
}

/** The journal already holds this key (a retried activity finds its own work done). */
export async function dejaJournalise(trx: Knex.Transaction, cle: string): Promise<boolean> {
  return Boolean(await trx('journal').where({ idempotency_key: cle }).first('id'));
}

export async function verrouillerUsager(trx: Knex.Transaction, usagerId: number): Promise<void> {
  await trx('usagers').where({ id: usagerId }).forUpdate().first('id');
}

/** Deletes the mandat's autorisations, its row and its reminder emails (they name the usager). */
export async function supprimerMandat(trx: Knex.Transaction, mandatId: number): Promise<void> {
  await trx('autorisations').where({ mandat_id: mandatId }).delete();
  await trx('mandats').where({ id: mandatId }).delete();
  await trx('outbox').where('idempotency_key', 'like', `${prefixeRappelsMandat(mandatId)}%`).delete();
}

/** Deletes the usager when no mandat refers to them any more; true when deleted. */
export async function supprimerUsagerSansMandat(trx: Knex.Transaction, usagerId: number): Promise<boolean> {
  // A structure left without any mandat with the usager keeps none of their contact details either.
  await trx('usager_contacts').where({ usager_id: usagerId })
    .whereNotExists((q) => q.select(trx.raw('1')).from('mandats').where('mandats.usager_id', usagerId).whereRaw('mandats.structure_id = usager_contacts.structure_id'))
    .delete();
  const autreMandat = await trx('mandats').where({ usager_id: usagerId }).first('id');
  if (!autreMandat) await trx('usagers').where({ id: usagerId }).delete();
  return !autreMandat;
}

// ——— Starting the lives (db/temporal/processes/mandat.ts) ———

export async function marquerViesDemarrees(db: Db, mandatIds: number[]): Promise<void> {
  if (mandatIds.length) await db('mandats').whereIn('id', mandatIds).whereNull('workflow_started_at').update({ workflow_started_at: db.fn.now() });
}

export interface MandatSansVie {
  id: number;
  structure_id: number;
  expires_at: Date;
  duree_keyword: DureeMandat | 'EUS_03_20';
  status: StatutMandat;
  ended_at: Date | null;
}

/** The next batch of mandats whose workflow is not marked as started, by id after `apres`. */
export async function mandatsSansVie(db: Db, apres: number, parLot: number): Promise<MandatSansVie[]> {
  return db('mandats')
    .whereNull('workflow_started_at')
    .where('id', '>', apres)
    .orderBy('id')
    .limit(parLot)
    .select('id', 'structure_id', 'expires_at', 'duree_keyword', 'status', 'ended_at');
}

/** The `purge_mandat` row (its idempotency key: cleVieMandat(id, 'purge'), checked before by dejaJournalise). */
export async function journaliserPurgeMandat(trx: Knex.Transaction, entree: EntreeJournal & { idempotency_key: string }): Promise<void> {
  await trx('journal').insert(entree);
}

// ---------------------------------------------------------------------------------------------------------
// The mandat's language (issue 22, migration 015): read and chosen, scoped to the structure like every mandat
// query. Not part of the proof hash (db/queries/preuves.ts).

export interface LangueMandat {
  id: number;
  usager_id: number;
  /** Null for a mandat from before versioned templates (it prints with the template in force). */
  template_version: string | null;
  langue: string | null;
}

export async function langueDuMandat(db: Db, structureId: number, mandatId: number): Promise<LangueMandat | null> {
  return (await db('mandats')
    .where({ id: mandatId, structure_id: structureId })
    .first<LangueMandat | undefined>('id', 'usager_id', 'template_version', 'langue')) ?? null;
}

/** Sets (or clears, with null) the language; false when the mandat is not the structure's. */
export async function changerLangueMandat(db: Db, structureId: number, mandatId: number, langue: string | null): Promise<boolean> {
  const n = await db('mandats').where({ id: mandatId, structure_id: structureId }).update({ langue });
  return n === 1;
}
