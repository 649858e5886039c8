// Limits on codes and requests, over a sliding window, counted in PostgreSQL so every web instance shares
// them (db/domain/authentification.ts sets them). Each attempt is a row, written before its code is checked
// under a lock on its keys, so parallel guesses cannot slip through together; a right code takes its rows
// back. Kinds of keys:
// - per account and IP, per IP (and per recipient, per card…): beyond the limit, refused until the oldest
//   attempt leaves the window;
// - per account: never refuses (otherwise anyone could lock a victim out from many addresses); beyond its
//   limit each attempt is only slowed down, at most LIMITES_TENTATIVES.compte.ralentissementMaxMs.
// Keys are stored and logged as hashes: no email or IP address in the table or in the logs.
import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { LIMITES_TENTATIVES, ralentissementApresEchecs, type TypeLimite } from '../../db/domain/authentification.ts';
import { logger } from '../../db/platform/logger.ts';
import {
  ajouterTentatives, purgerTentativesAvant, supprimerTentatives, supprimerTentativesDesCles, tentativesDansLaFenetre, verrouillerCleTentatives,
} from '../../db/queries/authentification.ts';

const log = logger.child({ component: 'rate-limit' });

export interface Limite {
  cle: string;
  type: TypeLimite;
}

/** `type:hash` — what is limited, without saying who. */
export function cleTentatives(type: TypeLimite, valeur: string): string {
  return `${type}:${createHash('sha256').update(valeur).digest('base64url').slice(0, 22)}`;
}

export interface Attempt {
  /** > 0: refused, try again after this many ms (nothing was counted). */
  waitMs: number;
  ids: number[];
  keys: Limite[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts one attempt on every key, or says how long to wait when a refusing key is full. */
export async function reserveAttempt(db: Db, keys: Limite[]): Promise<Attempt> {
  const sorted = [...keys].sort((a, b) => a.cle.localeCompare(b.cle));
  const outcome = await db.transaction(async (trx) => {
    for (const k of sorted) await verrouillerCleTentatives(trx, k.cle);
    const now = Date.now();
    let waitMs = 0;
    let slowMs = 0;
    for (const k of sorted) {
      const rule = LIMITES_TENTATIVES[k.type];
      const since = new Date(now - rule.fenetreMs);
      // Old attempts go as they leave the window.
      const times = await tentativesDansLaFenetre(trx, k.cle, since);
      if (rule.effet === 'ralentit') {
        slowMs = Math.max(slowMs, ralentissementApresEchecs(times.length));
      } else if (times.length >= rule.max) {
        waitMs = Math.max(waitMs, new Date(times[times.length - rule.max]).getTime() + rule.fenetreMs - now);
      }
    }
    if (waitMs > 0) {
      log.warn({ keys: sorted.map((k) => k.cle), waitMs }, 'tentative refusée : limite atteinte');
      return { waitMs: Math.max(1000, waitMs), ids: [], slowMs: 0 };
    }
    const ids = await ajouterTentatives(trx, sorted.map((k) => k.cle));
    if (slowMs > 0) log.warn({ keys: sorted.filter((k) => LIMITES_TENTATIVES[k.type].effet === 'ralentit').map((k) => k.cle), slowMs }, 'échecs répétés sur un compte : réponse ralentie');
    return { waitMs: 0, ids, slowMs };
  });
  // Slowed after the commit: no lock or pooled connection is held while waiting.
  if (outcome.slowMs > 0) await sleep(outcome.slowMs);
  return { waitMs: outcome.waitMs, ids: outcome.ids, keys };
}

/**
 * A right code: this attempt is not a failure, and the failures of the same account from the same IP (the
 * person's own typing errors) are forgotten. Failures from other addresses stay until they leave the window.
 */
export async function refundAttempt(db: Db, attempt: Attempt): Promise<void> {
  if (attempt.ids.length) await supprimerTentatives(db, attempt.ids);
  const own = attempt.keys.filter((k) => k.type === 'compte-ip' || k.type === 'carte').map((k) => k.cle);
  if (own.length) await supprimerTentativesDesCles(db, own);
}

/** Drops attempts older than every window (called periodically by the web process). */
export async function purgeAttempts(db: Db): Promise<number> {
  const longest = Math.max(...Object.values(LIMITES_TENTATIVES).map((r) => r.fenetreMs));
  return purgerTentativesAvant(db, new Date(Date.now() - longest));
}

export function minutesLabel(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? 'une minute' : `${minutes} minutes`;
}
