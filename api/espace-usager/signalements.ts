// « Je ne reconnais pas cette action » (issue 21 §5): the usager reports a journal entry about them. The
// report is stored and journaled (`signalement_usager`), and its emails to the structure's référents and to
// the staff are written to the outbox in the same transaction, each under an idempotency key: however many
// times the notification runs (a retry), each person gets it once. At most 5 reports per usager per sliding
// hour, one per entry. Référents follow up the reports of their structures, staff all of them
// (`signalement_suivi`): state nouveau / en cours / clos and a comment.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection.ts';
import {
  FENETRE_SIGNALEMENTS_MS, initiales, LIBELLES_ACTES_STRUCTURE, MOTIFS_SIGNALEMENT, SIGNALEMENTS_PAR_HEURE, validerSignalement, validerSuivi,
} from '../../db/domain/espace-usager.ts';
import { courrielSignalement } from '../../db/courriels/espace-usager.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import {
  acteDeLUsager, compterSignalementsRecents, enregistrerSignalement, equipeAidantsConnect, referentsDeLaStructure, signalements,
  suivreSignalement, usagerParId, type SignalementSuivi,
} from '../../db/queries/espace-usager.ts';

export type Signalement =
  | { ok: true; signalementId: number }
  | { ok: false; raison: 'introuvable' | 'deja-signale' | 'limite' }
  | { ok: false; raison: 'invalide'; erreurs: Record<string, string> };

export const MESSAGE_LIMITE_SIGNALEMENTS = `Vous avez déjà envoyé ${SIGNALEMENTS_PAR_HEURE} signalements en une heure : attendez un peu avant d’en envoyer un autre, ou contactez directement la structure qui vous accompagne.`;

export async function signaler(db: Db, publicUrl: string, p: { usagerId: number; journalId: number; body: unknown }, maintenant = new Date()): Promise<Signalement> {
  return db.transaction(async (trx): Promise<Signalement> => {
    const acte = await acteDeLUsager(trx, p.usagerId, p.journalId);
    if (!acte) return { ok: false, raison: 'introuvable' };
    const saisie = validerSignalement(p.body);
    if (!saisie.ok) return { ok: false, raison: 'invalide', erreurs: saisie.erreurs };
    if (acte.signale) return { ok: false, raison: 'deja-signale' };
    if ((await compterSignalementsRecents(trx, p.usagerId, new Date(maintenant.getTime() - FENETRE_SIGNALEMENTS_MS))) >= SIGNALEMENTS_PAR_HEURE) {
      return { ok: false, raison: 'limite' };
    }
    const id = await enregistrerSignalement(trx, {
      usagerId: p.usagerId, journalId: acte.id, structureId: acte.structure_id, mandatId: acte.mandat_id, motif: saisie.motif, precision: saisie.precision,
    });
    if (id === null) return { ok: false, raison: 'deja-signale' };
    await trx('journal').insert({
      action: 'signalement_usager', usager_id: p.usagerId, structure_id: acte.structure_id, mandat_id: acte.mandat_id,
      additional_information: `signalement=${id};entree=${acte.id};motif=${saisie.motif}`,
    });
    await notifierSignalement(trx, id, publicUrl);
    return { ok: true, signalementId: id };
  });
}

/** Writes the report's emails to the outbox; idempotent (one key per report and recipient). */
export async function notifierSignalement(db: Db | Knex.Transaction, signalementId: number, publicUrl: string): Promise<number> {
  const s = await db('signalements_usager as s')
    .join('journal as j', 'j.id', 's.journal_id')
    .leftJoin('structures as st', 'st.id', 's.structure_id')
    .where('s.id', signalementId)
    .first('s.id', 's.usager_id', 's.structure_id', 's.motif', 'j.action', 'j.created_at as acte_le', 'st.name as structure');
  if (!s) return 0;
  const usager = await usagerParId(db, s.usager_id);
  if (!usager) return 0;
  const referents = s.structure_id === null ? [] : await referentsDeLaStructure(db, s.structure_id);
  const equipe = await equipeAidantsConnect(db);
  const destinataires = [
    ...referents.map((d) => ({ ...d, lien: `${publicUrl}/espace-referent/signalements#signalement-${s.id}` })),
    ...equipe.filter((d) => !referents.some((r) => r.id === d.id)).map((d) => ({ ...d, lien: `${publicUrl}/staff/signalements#signalement-${s.id}` })),
  ];
  for (const d of destinataires) {
    const c = courrielSignalement({
      prenom: d.first_name, initiales: initiales(usager), structure: s.structure ?? 'structure inconnue',
      action: LIBELLES_ACTES_STRUCTURE[s.action as keyof typeof LIBELLES_ACTES_STRUCTURE] ?? s.action, acteLeMs: new Date(s.acte_le).getTime(),
      motif: MOTIFS_SIGNALEMENT[s.motif as keyof typeof MOTIFS_SIGNALEMENT], lien: d.lien,
    });
    await enqueueEmail(db, { idempotencyKey: `signalement-usager-${s.id}-aidant-${d.id}`, to: d.email, subject: c.subject, text: c.text });
  }
  return destinataires.length;
}

/** The reports a référent follows (their structures), or the staff (all: `structureIds` null). */
export function signalementsASuivre(db: Db, structureIds: number[] | null): Promise<SignalementSuivi[]> {
  return signalements(db, structureIds);
}

export type Suivi = { ok: true } | { ok: false; raison: 'introuvable' } | { ok: false; raison: 'invalide'; erreurs: Record<string, string> };

export async function suivre(db: Db, p: { signalementId: number; structureIds: number[] | null; aidantId: number; body: unknown }): Promise<Suivi> {
  const saisie = validerSuivi(p.body);
  if (!saisie.ok) return { ok: false, raison: 'invalide', erreurs: saisie.erreurs };
  return db.transaction(async (trx): Promise<Suivi> => {
    const s = await suivreSignalement(trx, { id: p.signalementId, structureIds: p.structureIds, etat: saisie.etat, commentaire: saisie.commentaire, aidantId: p.aidantId });
    if (!s) return { ok: false, raison: 'introuvable' };
    await trx('journal').insert({
      action: 'signalement_suivi', aidant_id: p.aidantId, structure_id: s.structure_id, usager_id: s.usager_id,
      additional_information: `signalement=${p.signalementId};etat=${saisie.etat}`,
    });
    return { ok: true };
  });
}
