// The alerts as pages see them: référents see those of the structures they manage (another structure's alert is
// simply not found), staff see them all. Closing needs a comment (journaled).
import type { Db } from '../../db/connection.ts';
import { validerCommentaireCloture } from '../../db/domain/alertes.ts';
import { cloreAlerte, listerAlertes, lireAlerte, type AlerteListee, type LignePreuve } from '../../db/queries/alertes.ts';
import { HttpError } from '../auth/session.ts';
import { idDeRoute } from '../mandats/acces.ts';

export type { AlerteListee, LignePreuve };

/** null: staff (every structure). */
export type PorteeAlertes = number[] | null;

export function alertesVisibles(db: Db, portee: PorteeAlertes, ouvertes = false): Promise<AlerteListee[]> {
  return listerAlertes(db, portee, { ouvertes });
}

export async function alerteVisible(db: Db, portee: PorteeAlertes, id: unknown) {
  const n = idDeRoute(id);
  const alerte = n ? await lireAlerte(db, n, portee) : null;
  if (!alerte) throw new HttpError(404, 'alerte introuvable');
  return alerte;
}

export type ResultatCloture = { ok: true } | { ok: false; erreur: string };

export async function clore(db: Db, portee: PorteeAlertes, parId: number, id: unknown, commentaire: unknown): Promise<ResultatCloture> {
  const alerte = await alerteVisible(db, portee, id);
  const c = validerCommentaireCloture(commentaire);
  if (!c.ok) return { ok: false, erreur: c.erreur };
  if (!(await cloreAlerte(db, { id: alerte.id, structureIds: portee, parId, commentaire: c.commentaire }))) return { ok: false, erreur: 'Cette alerte est déjà close.' };
  return { ok: true };
}
