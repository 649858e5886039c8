// The mandat being prepared, kept in the aidant's session (sessions live in PostgreSQL) between the choice
// of démarches, the usager's FranceConnect login and the recap. Its id is the creation key of the mandat:
// one mandat per draft whatever the number of submits. Nothing is written to the domain tables before the
// recap is confirmed.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { estDemarche, type Demarche } from '../../db/domain/demarches.ts';
import { DELAI_CREATION_MANDAT_MS, estDureeMandat, type DureeMandat } from '../../db/domain/mandat.ts';
import { mobileE164 } from '../../db/domain/contact.ts';
import type { IdentitePivot } from '../../db/domain/usager.ts';

export interface BrouillonMandat {
  id: string;
  aidantId: number;
  structureId: number;
  demarches: Demarche[];
  duree: DureeMandat;
  /** E.164, entered by the aidant (optional). */
  telephone: string | null;
  creeLeMs: number;
  /** FranceConnect round trip of this draft. */
  franceConnect?: { state: string; nonce: string };
  /** The usager as FranceConnect identified them (not yet stored). */
  usager?: { fcSub: string; identite: IdentitePivot };
  /** Renewal: the usager already known to the structure, no FranceConnect step. */
  renouvellementUsagerId?: number;
  /** Set once the mandat exists: a resubmit lands on it. */
  mandatId?: number;
}

declare module 'express-session' {
  interface SessionData {
    brouillonMandat?: BrouillonMandat;
  }
}

export type ChoixMandat = { demarches: Demarche[]; duree: DureeMandat; telephone: string | null };

/** The first form: démarches among the structure's allowed ones (at least one), a duration, an optional mobile. */
export function validerChoixMandat(
  body: Record<string, unknown> | undefined,
  demarchesAutorisees: readonly Demarche[],
): { ok: true; choix: ChoixMandat } | { ok: false; erreurs: Record<string, string> } {
  const erreurs: Record<string, string> = {};
  const brutes = [body?.demarches ?? []].flat().map(String);
  if (!brutes.length) erreurs.demarches = 'Choisissez au moins une démarche.';
  else if (brutes.some((d) => !estDemarche(d) || !demarchesAutorisees.includes(d))) {
    erreurs.demarches = 'Une des démarches choisies n’est pas autorisée pour votre structure.';
  }
  const demarches = [...new Set(brutes)] as Demarche[];
  const duree = body?.duree;
  if (!estDureeMandat(duree)) erreurs.duree = 'Choisissez la durée du mandat.';
  const saisi = typeof body?.telephone === 'string' ? body.telephone.trim() : '';
  const telephone = saisi ? mobileE164(saisi) : null;
  if (saisi && !telephone) erreurs.telephone = 'Saisissez un numéro de mobile français, par exemple 06 12 34 56 78.';
  if (Object.keys(erreurs).length) return { ok: false, erreurs };
  return { ok: true, choix: { demarches, duree: duree as DureeMandat, telephone } };
}

export function nouveauBrouillon(req: Request, aidantId: number, structureId: number, choix: ChoixMandat, now = Date.now()): BrouillonMandat {
  const brouillon: BrouillonMandat = { id: randomUUID(), aidantId, structureId, ...choix, creeLeMs: now };
  req.session.brouillonMandat = brouillon;
  return brouillon;
}

/** 64 hex characters, as FranceConnect v2 expects for state and nonce. */
export function aleaFranceConnect(): string {
  return randomBytes(32).toString('hex');
}

export type EtatBrouillon =
  | { ok: true; brouillon: BrouillonMandat }
  | { ok: false; raison: 'absent' | 'expire' | 'autre-compte' };

/** The draft of this session, if it belongs to this aidant and structure and is under 30 minutes old. */
export function brouillonEnCours(req: Request, aidant: { id: number; current_structure_id: number | null }, now = Date.now()): EtatBrouillon {
  const b = req.session.brouillonMandat;
  if (!b) return { ok: false, raison: 'absent' };
  if (b.aidantId !== aidant.id || b.structureId !== aidant.current_structure_id) return { ok: false, raison: 'autre-compte' };
  if (!b.mandatId && now - b.creeLeMs > DELAI_CREATION_MANDAT_MS) return { ok: false, raison: 'expire' };
  return { ok: true, brouillon: b };
}
