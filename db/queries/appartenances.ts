// All SQL of an aidant's structures (db/domain/README.md#plusieurs-structures): the active structures an
// account belongs to, switching the current one (journal `switch_organisation`), a référent adding an aidant
// to a structure, removing one from it, designating a référent, and the requests for an aidant of another
// structure to join, answered by a référent of that aidant's structures. Use cases: api/espace-aidant/structures.ts,
// api/referent/structures.ts. Each change and its journal row are written in one transaction.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import { enqueueEmail } from './outbox.ts';
import { refusRetrait, structureCouranteApresRetrait, type RefusRetrait } from '../domain/structures-aidant.ts';

type Conn = Db | Knex.Transaction;

export interface StructureActive {
  id: number;
  name: string;
  city: string;
}

/** The active structures the account belongs to, by name. */
export async function structuresActivesDe(db: Conn, aidantId: number): Promise<StructureActive[]> {
  return db('aidant_structures as m')
    .join('structures as s', 's.id', 'm.structure_id')
    .where({ 'm.aidant_id': aidantId, 's.is_active': true })
    .orderBy([{ column: 's.name' }, { column: 's.id' }])
    .select('s.id', 's.name', 's.city');
}

/**
 * Makes `structureId` the account's current structure, journaled `switch_organisation` (from which one);
 * null when the account does not belong to it or it is not active: nothing is written.
 */
export async function changerStructureCourante(db: Db, aidantId: number, structureId: number): Promise<{ ancienne: number | null } | null> {
  return db.transaction(async (trx) => {
    const aidant = await trx('aidants').where({ id: aidantId, is_active: true }).forUpdate().first('current_structure_id');
    if (!aidant) return null;
    const membre = (await structuresActivesDe(trx, aidantId)).some((s) => s.id === structureId);
    if (!membre) return null;
    if (aidant.current_structure_id === structureId) return { ancienne: structureId };
    await trx('aidants').where({ id: aidantId }).update({ current_structure_id: structureId });
    await trx('journal').insert({
      action: 'switch_organisation', aidant_id: aidantId, structure_id: structureId,
      additional_information: `structure précédente=${aidant.current_structure_id ?? 'aucune'}`,
    });
    return { ancienne: aidant.current_structure_id as number | null };
  });
}

export interface AppartenanceVue {
  structure_id: number;
  structure_name: string;
  is_referent: boolean;
}

/** The aidant's active structures among `structureIds` (those a référent manages), with its role in each. */
export async function appartenancesDansLePerimetre(db: Db, aidantId: number, structureIds: number[]): Promise<AppartenanceVue[]> {
  return db('aidant_structures as m')
    .join('structures as s', 's.id', 'm.structure_id')
    .leftJoin('referent_structures as r', (j) => j.on('r.aidant_id', 'm.aidant_id').andOn('r.structure_id', 'm.structure_id'))
    .where('m.aidant_id', aidantId)
    .whereIn('m.structure_id', structureIds)
    .where('s.is_active', true)
    .orderBy('s.name')
    .select('s.id as structure_id', 's.name as structure_name', db.raw('r.aidant_id is not null as is_referent'));
}

/** How many active structures outside `structureIds` the aidant belongs to (their names are not the référent's business). */
export async function autresStructuresActives(db: Db, aidantId: number, structureIds: number[]): Promise<number> {
  const row = await db('aidant_structures as m').join('structures as s', 's.id', 'm.structure_id')
    .where({ 'm.aidant_id': aidantId, 's.is_active': true }).whereNotIn('m.structure_id', structureIds).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Adds the account to the structure (its current one when it had none), journaled `aidant_attachment`. False: already there. */
async function ajouterMembre(trx: Knex.Transaction, p: { acteurId: number; aidantId: number; structureId: number; detail: string }): Promise<boolean> {
  const inserees = await trx('aidant_structures').insert({ aidant_id: p.aidantId, structure_id: p.structureId }).onConflict(['aidant_id', 'structure_id']).ignore().returning('aidant_id');
  if (!inserees.length) return false;
  await trx('aidants').where({ id: p.aidantId }).whereNull('current_structure_id').update({ current_structure_id: p.structureId });
  await trx('journal').insert({ action: 'aidant_attachment', aidant_id: p.acteurId, structure_id: p.structureId, additional_information: `aidant.id=${p.aidantId}${p.detail}` });
  return true;
}

/**
 * A référent of both structures adds one of their aidants to another of their structures: the consent is
 * their own. 'inactif': the account is deactivated (reactivate it first); 'deja': already a member.
 */
export async function ajouterAUneAutreDeMesStructures(db: Db, p: { acteurId: number; aidantId: number; structureId: number }): Promise<'ajoute' | 'deja' | 'inactif'> {
  return db.transaction(async (trx) => {
    const aidant = await trx('aidants').where({ id: p.aidantId }).forUpdate().first('is_active');
    if (!aidant?.is_active) return 'inactif';
    return (await ajouterMembre(trx, { ...p, detail: '' })) ? 'ajoute' : 'deja';
  });
}

export type ResultatRetrait = { refus: RefusRetrait } | { refus: null; desactive: boolean; nouvelleCourante: number | null };

/**
 * Removes the aidant from one structure (and from its référents), under a lock on the structure's row so that
 * two référents removing each other cannot leave it without one. The current structure moves to another
 * active one; with none left, the account is deactivated and its sessions end (new session version).
 * Journal: `aidant_removal`, and `aidant_deactivation` when the account is deactivated.
 */
export async function retirerDeLaStructure(db: Db, p: { acteurId: number; aidantId: number; structureId: number }): Promise<ResultatRetrait | null> {
  return db.transaction(async (trx) => {
    await trx('structures').where({ id: p.structureId }).forUpdate().first('id');
    const aidant = await trx('aidants').where({ id: p.aidantId }).forUpdate().first('id', 'is_active', 'current_structure_id');
    const membre = aidant && (await trx('aidant_structures').where({ aidant_id: p.aidantId, structure_id: p.structureId }).first('aidant_id'));
    if (!membre) return null;
    const referents: { aidant_id: number }[] = await trx('referent_structures as r').join('aidants as a', 'a.id', 'r.aidant_id')
      .where({ 'r.structure_id': p.structureId, 'a.is_active': true }).select('r.aidant_id');
    const cibleEstReferente = Boolean(await trx('referent_structures').where({ aidant_id: p.aidantId, structure_id: p.structureId }).first('aidant_id'));
    const restantes = (await structuresActivesDe(trx, p.aidantId)).filter((s) => s.id !== p.structureId);
    const refus = refusRetrait({
      cibleEstReferente, autresReferentsActifs: referents.filter((r) => r.aidant_id !== p.aidantId).length,
      soiMeme: p.acteurId === p.aidantId, autresStructuresActives: restantes.length,
    });
    if (refus) return { refus };
    await trx('referent_structures').where({ aidant_id: p.aidantId, structure_id: p.structureId }).delete();
    await trx('aidant_structures').where({ aidant_id: p.aidantId, structure_id: p.structureId }).delete();
    const nouvelleCourante = structureCouranteApresRetrait(aidant.current_structure_id, p.structureId, restantes);
    const desactive = aidant.is_active && restantes.length === 0;
    await trx('aidants').where({ id: p.aidantId }).update({
      current_structure_id: nouvelleCourante,
      ...(desactive ? { is_active: false, session_version: trx.raw('session_version + 1') } : {}),
    });
    await trx('journal').insert({
      action: 'aidant_removal', aidant_id: p.acteurId, structure_id: p.structureId,
      additional_information: `aidant.id=${p.aidantId}, structure courante=${nouvelleCourante ?? 'aucune'}`,
    });
    if (desactive) {
      await trx('journal').insert({
        action: 'aidant_deactivation', aidant_id: p.acteurId, structure_id: p.structureId,
        additional_information: `aidant.id=${p.aidantId}, raison=n’appartient plus à aucune structure active`,
      });
    }
    return { refus: null, desactive, nouvelleCourante };
  });
}

/** The aidant (an active member of the structure) becomes one of its référents, journaled. False: already référent. */
export async function designerReferent(db: Db, p: { acteurId: number; aidantId: number; structureId: number }): Promise<'designe' | 'deja' | 'inactif'> {
  return db.transaction(async (trx) => {
    const aidant = await trx('aidants').where({ id: p.aidantId }).first('is_active');
    if (!aidant?.is_active) return 'inactif';
    const n = await trx('referent_structures').insert({ aidant_id: p.aidantId, structure_id: p.structureId }).onConflict(['aidant_id', 'structure_id']).ignore().returning('aidant_id');
    if (!n.length) return 'deja';
    await trx('journal').insert({ action: 'referent_designation', aidant_id: p.acteurId, structure_id: p.structureId, additional_information: `aidant.id=${p.aidantId}` });
    return 'designe';
  });
}

// ——— An aidant of another structure joining a référent's structure, with the consent of its référent ———

/** An active, non-staff account with this email that belongs to an active structure; undefined otherwise. */
export async function aidantHabiliteParEmail(db: Db, email: string): Promise<{ id: number } | undefined> {
  return db('aidants as a')
    .where({ 'a.email': email, 'a.is_active': true, 'a.is_staff': false })
    .whereExists(db('aidant_structures as m').join('structures as s', 's.id', 'm.structure_id').whereRaw('m.aidant_id = a.id').where('s.is_active', true))
    .first('a.id');
}

/**
 * Writes the request once (a pending one for the same aidant and structure is kept) and, in the same
 * transaction, an email to each active référent of the aidant's active structures (`courriel` writes it);
 * false when the aidant is already a member.
 */
export async function demanderRattachement(
  db: Db,
  p: { referentId: number; aidantId: number; structureId: number },
  courriel: (c: { prenom: string; aidant: string; demandeur: string; structure: string }) => { subject: string; text: string },
): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (await trx('aidant_structures').where({ aidant_id: p.aidantId, structure_id: p.structureId }).first('aidant_id')) return false;
    const { rows } = await trx.raw(
      `insert into demandes_rattachement (aidant_id, structure_id, demandee_par) values (?, ?, ?)
       on conflict (aidant_id, structure_id) where statut = 'en_attente' do nothing returning id`,
      [p.aidantId, p.structureId, p.referentId],
    );
    if (!rows.length) return true;
    const [aidant, demandeur, structure] = await Promise.all([
      trx('aidants').where({ id: p.aidantId }).first('first_name', 'last_name'),
      trx('aidants').where({ id: p.referentId }).first('first_name', 'last_name'),
      trx('structures').where({ id: p.structureId }).first('name'),
    ]);
    const referents: { id: number; email: string; first_name: string }[] = await trx('referent_structures as r')
      .join('aidants as a', 'a.id', 'r.aidant_id')
      .join('structures as s', 's.id', 'r.structure_id')
      .whereIn('r.structure_id', trx('aidant_structures').where({ aidant_id: p.aidantId }).select('structure_id'))
      .where({ 'a.is_active': true, 's.is_active': true })
      .whereNot('a.id', p.referentId)
      .distinct('a.id', 'a.email', 'a.first_name')
      .orderBy('a.id');
    for (const r of referents) {
      const c = courriel({ prenom: r.first_name, aidant: `${aidant.first_name} ${aidant.last_name}`, demandeur: `${demandeur.first_name} ${demandeur.last_name}`, structure: structure.name });
      await enqueueEmail(trx, { idempotencyKey: `rattachement-${rows[0].id}-referent-${r.id}`, to: r.email, subject: c.subject, text: c.text });
    }
    return true;
  });
}

export interface RattachementARepondre {
  id: number;
  aidant_id: number;
  first_name: string;
  last_name: string;
  email: string;
  structure_id: number;
  structure_name: string;
  demandeur: string;
}

/** Pending requests for an aidant of these structures (a référent's) to join another structure. */
export async function rattachementsARepondre(db: Conn, structureIds: number[]): Promise<RattachementARepondre[]> {
  return db('demandes_rattachement as d')
    .join('aidants as a', 'a.id', 'd.aidant_id')
    .join('structures as s', 's.id', 'd.structure_id')
    .join('aidants as par', 'par.id', 'd.demandee_par')
    .where('d.statut', 'en_attente')
    .where({ 's.is_active': true, 'a.is_active': true })
    .whereNotIn('d.structure_id', structureIds)
    .whereExists(db('aidant_structures as m').whereRaw('m.aidant_id = d.aidant_id').whereIn('m.structure_id', structureIds))
    .orderBy('d.id')
    .select('d.id', 'd.aidant_id', 'a.first_name', 'a.last_name', 'a.email', 'd.structure_id', 's.name as structure_name',
      db.raw("par.first_name || ' ' || par.last_name as demandeur"));
}

/**
 * A référent of one of the aidant's structures answers. Agreeing adds the aidant to the requesting structure
 * (journal `attachment_consent` for the consent, `aidant_attachment` for the membership); refusing only
 * closes the request. Null when the request is not theirs to answer (another structure's, already answered).
 */
export async function repondreRattachement(db: Db, p: { referentId: number; structureIds: number[]; demandeId: number; accord: boolean }): Promise<'acceptee' | 'refusee' | null> {
  return db.transaction(async (trx) => {
    const verrou = await trx('demandes_rattachement').where({ id: p.demandeId, statut: 'en_attente' }).forUpdate().first('id');
    if (!verrou) return null;
    const d = (await rattachementsARepondre(trx, p.structureIds)).find((r) => r.id === p.demandeId);
    if (!d) return null;
    const statut = p.accord ? 'acceptee' : 'refusee';
    await trx('demandes_rattachement').where({ id: d.id }).update({ statut, decidee_par: p.referentId, decidee_at: trx.fn.now() });
    if (!p.accord) return statut;
    const sienne = await trx('aidant_structures').where({ aidant_id: d.aidant_id }).whereIn('structure_id', p.structureIds).orderBy('structure_id').first('structure_id');
    await trx('journal').insert({
      action: 'attachment_consent', aidant_id: p.referentId, structure_id: sienne.structure_id,
      additional_information: `aidant.id=${d.aidant_id} rattaché aussi à la structure ${d.structure_id}, demande de rattachement ${d.id}`,
    });
    const demande = await trx('demandes_rattachement').where({ id: d.id }).first('demandee_par');
    await ajouterMembre(trx, { acteurId: demande.demandee_par, aidantId: d.aidant_id, structureId: d.structure_id, detail: `, accord de aidant.id=${p.referentId}` });
    return statut;
  });
}
