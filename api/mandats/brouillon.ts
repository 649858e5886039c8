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
import { validerLangue } from './langue.ts';

export interface BrouillonMandat {
  id: string;
  aidantId: number;
  structureId: number;
  demarches: Demarche[];
  duree: DureeMandat;
  /** E.164, entered by the aidant (optional). */
  telephone: string | null;
  /** The usager's language: its translation is printed after the French text (issue 22). */
  langue?: string | null;
  creeLeMs: number;
  /** FranceConnect round trip of this draft. */
  franceConnect?: { state: string; nonce: string };
  /** The usager as FranceConnect identified them (not yet stored). */
  usager?: { fcSub: string; identite: IdentitePivot };
  /** Renewal: the usager already known to the structure, no FranceConnect step. */
  renouvellementUsagerId?: number;
  /** Set once the mandat exists: a resubmit lands on it. */
  mandatId?: number;
  /** A remote mandat: the consent request the usager said "Oui" to (its id is also this draft's id). */
  consentement?: { demandeId: string };
}

declare module 'express-session' {
  interface SessionData {
    brouillonMandat?: BrouillonMandat;
  }
}

export type ChoixMandat = { demarches: Demarche[]; duree: DureeMandat; telephone: string | null; langue: string | null };

/**
 * The first form: démarches among the structure's allowed ones (at least one), a duration, an optional
 * mobile. A remote mandat (`modalite=distance`, not for a renewal) needs the mobile and the aidant's
 * certification that it is the usager's: the consent SMS go there.
 */
export function validerChoixMandat(
  body: Record<string, unknown> | undefined,
  demarchesAutorisees: readonly Demarche[],
  opts: { distancePossible?: boolean } = {},
): { ok: true; choix: ChoixMandat; distance: boolean } | { ok: false; erreurs: Record<string, string> } {
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
  const distance = body?.modalite === 'distance';
  if (body?.modalite !== undefined && body.modalite !== 'presence' && !distance) erreurs.modalite = 'Choisissez si l’usager est avec vous ou à distance.';
  if (distance && opts.distancePossible === false) erreurs.modalite = 'Le renouvellement d’un mandat se fait en présence de l’usager.';
  else if (distance) {
    if (!saisi) erreurs.telephone = 'Saisissez le mobile de l’usager : il y recevra les SMS de consentement.';
    if (body?.certification !== 'oui') erreurs.certification = 'Cochez la case pour certifier que ce numéro est bien celui de l’usager.';
  }
  const langue = validerLangue(body?.langue);
  if (!langue.ok) erreurs.langue = langue.erreur;
  if (Object.keys(erreurs).length) return { ok: false, erreurs };
  return { ok: true, choix: { demarches, duree: duree as DureeMandat, telephone, langue: langue.ok ? langue.langue : null }, distance };
}

export function nouveauBrouillon(req: Request, aidantId: number, structureId: number, choix: ChoixMandat, now = Date.now()): BrouillonMandat {
  const brouillon: BrouillonMandat = { id: randomUUID(), aidantId, structureId, ...choix, creeLeMs: now };
  req.session.brouillonMandat = brouillon;
  return brouillon;
}

/**
 * A remote mandat continues after the usager's consent: the draft is rebuilt from the consent request (so
 * any session of an aidant of the structure can continue it), with the request id as creation key. The
 * 30 minutes of the FranceConnect round trip and the recap start now.
 */
export function brouillonApresConsentement(
  req: Request,
  aidantId: number,
  d: { id: string; structureId: number; demarches: Demarche[]; duree: DureeMandat; telephone: string; langue?: string | null },
  now = Date.now(),
): BrouillonMandat {
  const brouillon: BrouillonMandat = {
    id: d.id, aidantId, structureId: d.structureId, demarches: d.demarches, duree: d.duree, telephone: d.telephone, langue: d.langue ?? null, creeLeMs: now,
    consentement: { demandeId: d.id },
  };
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
