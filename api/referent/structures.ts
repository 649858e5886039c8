// A référent's structures and the aidants' memberships (db/domain/README.md#plusieurs-structures): the
// structure selector of the espace référent (a structure the référent does not manage is a 404), adding an
// aidant to another of their structures, asking for an aidant of another structure (whose référent must agree),
// answering such a request, removing an aidant from one structure, designating a référent. SQL:
// db/queries/appartenances.ts; each change is journaled there, in its transaction.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import {
  aidantHabiliteParEmail, ajouterAUneAutreDeMesStructures, demanderRattachement, retirerDeLaStructure, structuresActivesDe, type ResultatRetrait,
} from '../../db/queries/appartenances.ts';
import { structureCommune } from '../../db/queries/referent.ts';
import { arreterVeilleInactivite } from '../../db/temporal/processes/inactivite.ts';
import { courrielsStructures } from '../../db/courriels/structures.ts';
import { emailValide, normaliserEmail } from '../../db/domain/contact.ts';
import { idStructure } from '../../db/domain/structures-aidant.ts';
import { logger } from '../../db/platform/logger.ts';
import { HttpError } from '../auth/session.ts';
import { cleTentatives, minutesLabel, reserveAttempt } from '../auth/rate-limit.ts';

export {
  ajouterAUneAutreDeMesStructures, appartenancesDansLePerimetre, autresStructuresActives, designerReferent, rattachementsARepondre, repondreRattachement,
  type AppartenanceVue, type RattachementARepondre,
} from '../../db/queries/appartenances.ts';
export { MESSAGES_REFUS_RETRAIT } from '../../db/domain/structures-aidant.ts';

const log = logger.child({ component: 'structures-aidant' });

/** A structure id from a URL or a form, among those the référent manages; anything else is not found. */
export function structureGeree(structureIds: number[], valeur: unknown): number {
  const id = idStructure(valeur);
  if (id === null || !structureIds.includes(id)) throw new HttpError(404, 'structure introuvable');
  return id;
}

/** An aidant of this (managed) structure; another structure's, or an unknown id, is not found. */
export async function membreDeLaStructure(db: Db, structureId: number, valeur: unknown): Promise<number> {
  const id = idStructure(valeur);
  if (id === null || !(await structureCommune(db, id, [structureId]))) throw new HttpError(404, 'aidant introuvable');
  return id;
}

/** Removing an aidant from a structure; an account left with no active structure also ends its inactivity watch. */
export async function retirerAidantDeLaStructure(
  db: Db, temporal: () => Promise<Client>, p: { acteurId: number; aidantId: number; structureId: number },
): Promise<ResultatRetrait> {
  const r = await retirerDeLaStructure(db, p);
  if (!r) throw new HttpError(404, 'aidant introuvable');
  if (r.refus === null && r.desactive) {
    try {
      await arreterVeilleInactivite(await temporal(), p.aidantId);
    } catch (err) {
      log.warn({ err, aidantId: p.aidantId }, 'veille non arrêtée : elle s’arrêtera seule en trouvant le compte désactivé');
    }
  }
  return r;
}

export type ResultatDemande =
  | { kind: 'erreur'; message: string }
  | { kind: 'limite'; message: string }
  | { kind: 'ajoute' }
  | { kind: 'deja' }
  | { kind: 'envoyee' };

/**
 * A référent asks for an aidant already habilitated elsewhere to join `structureId`. When the référent also
 * manages one of the aidant's structures, the consent is theirs and the aidant joins at once; otherwise a
 * request waits for a référent of the aidant's structures. Unknown, deactivated and staff addresses get the
 * same answer as a sent request: the form does not tell who has an account.
 */
export async function demanderAidantDUneAutreStructure(
  db: Db, publicUrl: string, referent: { id: number; structureIds: number[] }, structureId: number, email: unknown,
): Promise<ResultatDemande> {
  if (!emailValide(email)) return { kind: 'erreur', message: 'Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr.' };
  // Each request may email other structures' référents: a few per hour and référent, counted whatever the address.
  const essai = await reserveAttempt(db, [{ cle: cleTentatives('rattachement', String(referent.id)), type: 'rattachement' }]);
  if (essai.waitMs > 0) return { kind: 'limite', message: `Trop de demandes en peu de temps : réessayez dans ${minutesLabel(essai.waitMs)}.` };
  const compte = await aidantHabiliteParEmail(db, normaliserEmail(email));
  if (!compte) return { kind: 'envoyee' };
  const siennes = await structuresActivesDe(db, compte.id);
  if (siennes.some((s) => s.id === structureId)) return { kind: 'deja' };
  if (siennes.some((s) => referent.structureIds.includes(s.id))) {
    const r = await ajouterAUneAutreDeMesStructures(db, { acteurId: referent.id, aidantId: compte.id, structureId });
    return r === 'ajoute' ? { kind: 'ajoute' } : { kind: 'deja' };
  }
  const lien = `${publicUrl}/espace-referent/structures`;
  await demanderRattachement(db, { referentId: referent.id, aidantId: compte.id, structureId }, (c) => courrielsStructures.rattachementDemande({ ...c, lien }));
  return { kind: 'envoyee' };
}
