// The public check of a printed mandat (no login): a code → valid / expired / revoked (since when, for which
// démarches, the structure, the usager's initials), "ended and deleted" after the purge, "not recognised"
// when the stored data no longer give the journaled proof hash, one neutral answer for unknown codes.
// Rate-limited per client address; each check is journaled with nothing about the person checking.
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import {
  cleLimiteVerification, depasseLimite, etatMandatVerifie, initialesUsager, LIMITE_VERIFICATIONS, type EtatMandatVerifie,
} from '../../db/domain/preuve-mandat.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { logger } from '../../db/platform/logger.ts';
import { compterVerification, lirePreuve } from '../../db/queries/preuves.ts';

const log = logger.child({ component: 'verification-mandat' });

export type Verification =
  | { resultat: 'limite'; attenteMs: number }
  | { resultat: 'inconnu' }
  | { resultat: 'purge'; finLe: Date | null; purgeLe: Date | null }
  | { resultat: 'non-reconnu' }
  | {
    resultat: EtatMandatVerifie;
    depuis: Date;
    creeLe: Date;
    expireLe: Date;
    structure: string;
    initiales: string;
    demarches: { demarche: Demarche; revoqueeLe: Date | null }[];
  };

/** Counts this check against the client's limit; the milliseconds to wait when over it, else 0. */
export async function limiteVerification(db: Db, ip: string, sel: string, maintenant = Date.now()): Promise<number> {
  const c = await compterVerification(db, cleLimiteVerification(ip, sel), maintenant);
  if (!depasseLimite(c.courant, c.precedent, c.ecouleMs)) return 0;
  log.warn({ courant: c.courant, precedent: c.precedent }, 'vérifications de mandat trop nombreuses depuis une même adresse');
  return LIMITE_VERIFICATIONS.fenetreMs - c.ecouleMs;
}

async function constater(db: Db, code: string, sel: string, maintenant: Date): Promise<{ verification: Exclude<Verification, { resultat: 'limite' }>; mandatId: number | null; structureId: number | null }> {
  const preuve = await lirePreuve(db, code, sel);
  if (!preuve) return { verification: { resultat: 'inconnu' }, mandatId: null, structureId: null };
  const m = preuve.mandat;
  // Purged (or deleted by other means): what is left says so, never "unknown".
  if (!m) return { verification: { resultat: 'purge', finLe: preuve.finLe, purgeLe: preuve.purgeLe }, mandatId: preuve.mandatId, structureId: null };
  if (!m.hashJournalise || m.hashJournalise !== m.hashRecalcule) {
    log.error({ mandatId: preuve.mandatId }, 'preuve du mandat non concordante : données modifiées depuis la signature');
    return { verification: { resultat: 'non-reconnu' }, mandatId: preuve.mandatId, structureId: m.structureId };
  }
  const { etat, depuis } = etatMandatVerifie(m, maintenant);
  return {
    verification: {
      resultat: etat, depuis, creeLe: m.created_at, expireLe: m.expires_at, structure: m.structure,
      initiales: initialesUsager(m), demarches: m.autorisations,
    },
    mandatId: preuve.mandatId,
    structureId: m.structureId,
  };
}

/**
 * One check of a canonical code (see normaliserCode) from a client address: limited, answered, journaled.
 * The address only feeds the (hashed, short-lived) rate-limit key.
 */
export async function verifierMandat(db: Db, code: string, client: { ip: string; sel: string }, maintenant = new Date()): Promise<Verification> {
  const attenteMs = await limiteVerification(db, client.ip, client.sel, maintenant.getTime());
  if (attenteMs > 0) return { resultat: 'limite', attenteMs };
  const { verification, mandatId, structureId } = await constater(db, code, client.sel, maintenant);
  await journaliser(db, {
    action: 'verification_mandat',
    mandat_id: mandatId,
    structure_id: structureId,
    additional_information: `résultat : ${verification.resultat}`,
  });
  return verification;
}
