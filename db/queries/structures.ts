// All SQL of structures (db/domain/README.md#acteurs): one structure and the démarches it allows, set by its
// référents or by staff (api/structures/, api/espace-aidant/); and issue 20: the staff's search and structure
// page, opening hours, suspension and reactivation (journaled, référents emailed, sessions of its aidants
// ended), transfer of mandats to another structure (proof hash recomputed and journaled, both structures'
// référents emailed).
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import type { Demarche } from '../domain/demarches.ts';
import { bloqueParSuspension } from '../domain/suspension.ts';
import { horairesAStocker, type Horaires } from '../domain/horaires.ts';
import { courrielReactivation, courrielSuspension, courrielTransfert } from '../courriels/alertes.ts';
import { enqueueEmail } from './outbox.ts';
import { referentsDeStructure } from './habilitation.ts';
import { hashesDuMandat } from './preuves.ts';

export interface StructureDeLAidant {
  id: number;
  name: string;
  address: string | null;
  postal_code: string | null;
  city: string | null;
  allowed_demarches: Demarche[];
}

export async function structureParId(db: Db, structureId: number): Promise<StructureDeLAidant | null> {
  return (await db('structures').where({ id: structureId }).first()) ?? null;
}

export interface StructureDemarches {
  id: number;
  name: string;
  allowed_demarches: Demarche[];
}

/** Active structures whose démarches this account may set (the référent's own, or any for staff), 100 at most. */
export async function structuresModifiables(db: Db, compte: { id: number; is_staff: boolean }, recherche = ''): Promise<StructureDemarches[]> {
  const q = db('structures').where({ is_active: true }).orderBy('name').limit(100).select('id', 'name', 'allowed_demarches');
  if (!compte.is_staff) q.whereIn('id', db('referent_structures').where({ aidant_id: compte.id }).select('structure_id'));
  if (recherche.trim()) q.andWhere((w) => w.whereILike('name', `%${recherche.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`).orWhere('siret', recherche.trim()));
  return q;
}

export async function structureModifiable(db: Db, compte: { id: number; is_staff: boolean }, structureId: number): Promise<StructureDemarches | null> {
  const q = db('structures').where({ id: structureId, is_active: true }).first('id', 'name', 'allowed_demarches');
  if (!compte.is_staff) q.whereIn('id', db('referent_structures').where({ aidant_id: compte.id }).select('structure_id'));
  return (await q) ?? null;
}

export async function modifierDemarchesAutorisees(db: Db, structureId: number, demarches: Demarche[]): Promise<void> {
  await db('structures').where({ id: structureId }).update({ allowed_demarches: demarches });
}

// ---------------------------------------------------------------------------------------------------------
// Issue 20: the staff's hold on structures.

type Conn = Db | Knex.Transaction;

const motif = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface StructureListee {
  id: number;
  name: string;
  siret: string | null;
  city: string;
  postal_code: string;
  suspended_at: Date | null;
  aidants_actifs: number;
  alertes_ouvertes: number;
}

/** Structures by name, city (accents and case as typed, case ignored) or SIRET (digits, prefix); 100 at most. */
export async function rechercherStructures(db: Conn, recherche: string): Promise<StructureListee[]> {
  const q = db('structures as s')
    .where('s.is_active', true)
    .orderBy([{ column: 's.name' }, { column: 's.id' }])
    .limit(100)
    .select(
      's.id', 's.name', 's.siret', 's.city', 's.postal_code', 's.suspended_at',
      db.raw(`(select count(*)::int from aidant_structures m join aidants a on a.id = m.aidant_id
               where m.structure_id = s.id and a.is_active and not a.is_staff) as aidants_actifs`),
      db.raw('(select count(*)::int from alertes al where al.structure_id = s.id and al.closed_at is null) as alertes_ouvertes'),
    );
  const texte = recherche.trim();
  if (texte) {
    const chiffres = texte.replace(/\s/g, '');
    q.andWhere((w) => {
      w.whereILike('s.name', motif(texte)).orWhereILike('s.city', motif(texte));
      if (/^[0-9]{1,14}$/.test(chiffres)) w.orWhere('s.siret', 'like', `${chiffres}%`).orWhere('s.postal_code', 'like', `${chiffres}%`);
    });
  }
  return q;
}

export interface StructureFiche {
  id: number;
  name: string;
  siret: string | null;
  type: string;
  address: string;
  postal_code: string;
  city: string;
  allowed_demarches: Demarche[];
  opening_hours: unknown;
  suspended_at: Date | null;
  suspension: { reason: string; suspended_at: Date; par: string } | null;
  mandats: { actifs: number; termines: number };
}

export async function ficheStructure(db: Conn, id: number): Promise<StructureFiche | null> {
  const s = await db('structures').where({ id, is_active: true })
    .first('id', 'name', 'siret', 'type', 'address', 'postal_code', 'city', 'allowed_demarches', 'opening_hours', 'suspended_at');
  if (!s) return null;
  const suspension = await db('suspensions_structure as su').join('aidants as a', 'a.id', 'su.suspended_by')
    .where('su.structure_id', id).whereNull('su.lifted_at')
    .first('su.reason', 'su.suspended_at', db.raw(`a.first_name || ' ' || a.last_name as par`));
  const compte = await db('mandats').where({ structure_id: id })
    .first(db.raw(`count(*) filter (where status = 'active')::int as actifs`), db.raw(`count(*) filter (where status <> 'active')::int as termines`));
  return { ...s, suspension: suspension ?? null, mandats: { actifs: compte.actifs, termines: compte.termines } };
}

/** The structure's name when it exists (active); null otherwise. */
export async function nomStructure(db: Conn, id: number): Promise<string | null> {
  return (await db('structures').where({ id, is_active: true }).first('name'))?.name ?? null;
}

/** A structure that could receive mandats (active), by id or SIRET, with what a transfer checks. */
export async function structureCible(db: Conn, ref: { id: number } | { siret: string }): Promise<{ id: number; name: string; suspended_at: Date | null; allowed_demarches: Demarche[] } | null> {
  return (await db('structures').where({ ...ref, is_active: true }).first('id', 'name', 'suspended_at', 'allowed_demarches')) ?? null;
}

/** Whether staff suspended the structure (mandat creation checks it in its transaction). */
export async function structureSuspendue(db: Conn, structureId: number): Promise<boolean> {
  return Boolean(await db('structures').where({ id: structureId }).whereNotNull('suspended_at').first('id'));
}

/** Whether this account is kept out by a suspension of its current structure (see db/domain/suspension.ts). */
export async function compteSuspendu(db: Conn, compte: { is_staff: boolean; referent_non_aidant: boolean; current_structure_id: number | null }): Promise<boolean> {
  if (!bloqueParSuspension(compte) || compte.current_structure_id === null) return false;
  return Boolean(await db('structures').where({ id: compte.current_structure_id }).whereNotNull('suspended_at').first('id'));
}

// ---------------------------------------------------------------------------------------------------------
// Opening hours.

/** The structures whose hours this account may set: the référent's own, or any for staff (`structureId`: one). */
export async function structuresAvecHoraires(db: Conn, compte: { id: number; is_staff: boolean }, structureId?: number): Promise<{ id: number; name: string; opening_hours: unknown }[]> {
  const q = db('structures').where({ is_active: true }).orderBy('name').limit(100).select('id', 'name', 'opening_hours');
  if (!compte.is_staff) q.whereIn('id', db('referent_structures').where({ aidant_id: compte.id }).select('structure_id'));
  if (structureId !== undefined) q.where('id', structureId);
  return q;
}

export async function enregistrerHoraires(db: Db, p: { structureId: number; parId: number; horaires: Pick<Horaires, 'jours' | 'ouvertJoursFeries'> }): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('structures').where({ id: p.structureId }).update({ opening_hours: JSON.stringify(horairesAStocker(p.horaires)) });
    await trx('journal').insert({ action: 'horaires_structure', aidant_id: p.parId, structure_id: p.structureId, additional_information: JSON.stringify(horairesAStocker(p.horaires)) });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Suspension.

/**
 * Suspends the structure (false when it already is): the open suspension row (one per structure, unique
 * index), the structure's flag, its aidants' sessions ended (their session version moves on), the journal and
 * an email to each active référent, in one transaction.
 */
export async function suspendreStructure(db: Db, p: { structureId: number; parId: number; raison: string }): Promise<boolean> {
  return db.transaction(async (trx) => {
    const structure = await trx('structures').where({ id: p.structureId, is_active: true }).forUpdate().first('name', 'suspended_at');
    if (!structure || structure.suspended_at) return false;
    const [suspension] = await trx('suspensions_structure')
      .insert({ structure_id: p.structureId, reason: p.raison, suspended_by: p.parId })
      .returning(['id', 'suspended_at']);
    await trx('structures').where({ id: p.structureId }).update({ suspended_at: suspension.suspended_at });
    await trx('aidants')
      .where({ current_structure_id: p.structureId, is_staff: false, referent_non_aidant: false })
      .update({ session_version: trx.raw('session_version + 1') });
    await trx('journal').insert({
      action: 'suspension_structure', aidant_id: p.parId, structure_id: p.structureId,
      additional_information: `suspension=${suspension.id}; motif=${p.raison}`,
    });
    for (const r of await referentsDeStructure(trx, p.structureId)) {
      await enqueueEmail(trx, { idempotencyKey: `suspension-${suspension.id}-${r.id}`, to: r.email, ...courrielSuspension({ prenom: r.first_name, structure: structure.name, raison: p.raison }) });
    }
    return true;
  });
}

/** Lifts the open suspension (false when there is none): journaled, référents emailed. */
export async function reactiverStructure(db: Db, p: { structureId: number; parId: number }): Promise<boolean> {
  return db.transaction(async (trx) => {
    const structure = await trx('structures').where({ id: p.structureId, is_active: true }).forUpdate().first('name');
    if (!structure) return false;
    const [levee] = await trx('suspensions_structure')
      .where({ structure_id: p.structureId }).whereNull('lifted_at')
      .update({ lifted_at: trx.fn.now(), lifted_by: p.parId })
      .returning('id');
    if (!levee) return false;
    await trx('structures').where({ id: p.structureId }).update({ suspended_at: null });
    await trx('journal').insert({ action: 'reactivation_structure', aidant_id: p.parId, structure_id: p.structureId, additional_information: `suspension=${levee.id} levée` });
    for (const r of await referentsDeStructure(trx, p.structureId)) {
      await enqueueEmail(trx, { idempotencyKey: `reactivation-${levee.id}-${r.id}`, to: r.email, ...courrielReactivation({ prenom: r.first_name, structure: structure.name }) });
    }
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Transfer of mandats.

export interface MandatTransferable {
  id: number;
  usager: string;
  created_at: Date;
  expires_at: Date;
  demarches: Demarche[];
}

/** The structure's active mandats (the ones a transfer moves), newest first. */
export async function mandatsTransferables(db: Conn, structureId: number): Promise<MandatTransferable[]> {
  return db('mandats as m')
    .join('usagers as u', 'u.id', 'm.usager_id')
    .where({ 'm.structure_id': structureId, 'm.status': 'active' })
    .orderBy([{ column: 'm.created_at', order: 'desc' }, { column: 'm.id', order: 'desc' }])
    .limit(1000)
    .select('m.id', 'm.created_at', 'm.expires_at',
      db.raw(`u.given_name || ' ' || coalesce(nullif(u.preferred_username, ''), u.family_name) as usager`),
      db.raw('array(select a.demarche from autorisations a where a.mandat_id = m.id and a.revoked_at is null order by a.demarche) as demarches'));
}

export type ResultatTransfert =
  | { ok: true; mandats: { mandatId: number; structureId: number }[] }
  | { ok: false; raison: 'cible-invalide' | 'aucun-mandat' };

/**
 * Moves the chosen active mandats (null: all active ones) of `source` to `cible`, in one transaction: each
 * mandat locked and re-checked, its structure changed, its proof hash recomputed and journaled in a
 * `transfer_mandat` row with the previous structure and hash; one email to each référent of both structures.
 * A chosen mandat that is no longer an active mandat of `source` is left out.
 */
export async function transfererMandats(db: Db, p: { source: number; cible: number; mandatIds: number[] | null; parId: number }): Promise<ResultatTransfert> {
  if (p.source === p.cible) return { ok: false, raison: 'cible-invalide' };
  return db.transaction(async (trx): Promise<ResultatTransfert> => {
    // Both structures locked in id order: two transfers in opposite directions cannot deadlock.
    const structures = await trx('structures').whereIn('id', [p.source, p.cible]).where('is_active', true).orderBy('id').forUpdate().select('id', 'name', 'suspended_at');
    const source = structures.find((s) => s.id === p.source);
    const cible = structures.find((s) => s.id === p.cible);
    if (!source || !cible || cible.suspended_at) return { ok: false, raison: 'cible-invalide' };
    const q = trx('mandats').where({ structure_id: p.source, status: 'active' }).orderBy('id').forUpdate();
    if (p.mandatIds) q.whereIn('id', p.mandatIds);
    const mandats: { id: number; usager_id: number }[] = await q.select('id', 'usager_id');
    if (!mandats.length) return { ok: false, raison: 'aucun-mandat' };
    let premiereLigne: number | null = null;
    for (const m of mandats) {
      const avant = await hashesDuMandat(trx, m.id);
      await trx('mandats').where({ id: m.id }).update({ structure_id: p.cible });
      const apres = await hashesDuMandat(trx, m.id);
      const [ligne] = await trx('journal').insert({
        action: 'transfer_mandat', aidant_id: p.parId, structure_id: p.cible, usager_id: m.usager_id, mandat_id: m.id,
        attestation_hash: apres.actuel,
        additional_information: `structure précédente=${p.source}; hash précédent=${avant.journalise ?? 'aucun'}`,
      }).returning('id');
      premiereLigne ??= Number(ligne.id);
    }
    const envoyer = async (structureId: number, sortant: boolean) => {
      for (const r of await referentsDeStructure(trx, structureId)) {
        await enqueueEmail(trx, {
          idempotencyKey: `transfert-${premiereLigne}-${structureId}-${r.id}`,
          to: r.email,
          ...courrielTransfert({ prenom: r.first_name, structure: sortant ? source.name : cible.name, source: source.name, cible: cible.name, nombre: mandats.length, sortant }),
        });
      }
    };
    await envoyer(p.source, true);
    await envoyer(p.cible, false);
    return { ok: true, mandats: mandats.map((m) => ({ mandatId: m.id, structureId: p.cible })) };
  });
}
