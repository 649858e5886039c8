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
import { purgerTentativesAvant, reserverTentatives, reserverTentativesEtLireAppareils, supprimerTentatives, type AppareilAVerifier, type CleAReserver } from '../../db/queries/authentification.ts';

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

/** The keys sorted so that two reservations never wait on each other, as reserverTentatives takes them. */
function clesTriees(keys: Limite[]): { sorted: Limite[]; cles: CleAReserver[] } {
  const sorted = [...keys].sort((a, b) => a.cle.localeCompare(b.cle));
  return {
    sorted,
    cles: sorted.map((k) => {
      const rule = LIMITES_TENTATIVES[k.type];
      return { cle: k.cle, fenetreMs: rule.fenetreMs, max: rule.effet === 'refuse' ? rule.max : null };
    }),
  };
}

/** The reservation's answer: refused (how long to wait), or counted, after the slowing down of a key that only slows. */
async function apresReservation(keys: Limite[], sorted: Limite[], r: { attenteMs: number; ids: number[]; comptes: number[] }): Promise<Attempt> {
  if (r.attenteMs > 0) {
    log.warn({ keys: sorted.map((k) => k.cle), waitMs: r.attenteMs }, 'tentative refusée : limite atteinte');
    return { waitMs: Math.max(1000, r.attenteMs), ids: [], keys };
  }
  const slowMs = Math.max(0, ...sorted.map((k, i) => (LIMITES_TENTATIVES[k.type].effet === 'ralentit' ? ralentissementApresEchecs(r.comptes[i]) : 0)));
  if (slowMs > 0) {
    log.warn({ keys: sorted.filter((k) => LIMITES_TENTATIVES[k.type].effet === 'ralentit').map((k) => k.cle), slowMs }, 'échecs répétés sur un compte : réponse ralentie');
    // Slowed after the statement: no lock or pooled connection is held while waiting.
    await sleep(slowMs);
  }
  return { waitMs: 0, ids: r.ids, keys };
}

/**
 * Counts one attempt on every key, or says how long to wait when a refusing key is full. One statement
 * (db/queries/authentification.ts reserverTentatives): the keys locked, sorted so that two reservations
 * never wait on each other, as long as it runs.
 */
export async function reserveAttempt(db: Db, keys: Limite[]): Promise<Attempt> {
  const { sorted, cles } = clesTriees(keys);
  return apresReservation(keys, sorted, await reserverTentatives(db, cles, Date.now()));
}

/**
 * reserveAttempt, with the confirmed devices of the account `aidantId` (0: none) read by the same statement
 * (reserverTentativesEtLireAppareils): a code's check (code-frais.ts) starts with one round trip, not two.
 */
export async function reserveAttemptAndReadDevices(db: Db, keys: Limite[], aidantId: number): Promise<Attempt & { appareils: AppareilAVerifier[] }> {
  const { sorted, cles } = clesTriees(keys);
  const r = await reserverTentativesEtLireAppareils(db, cles, Date.now(), aidantId);
  return { ...(await apresReservation(keys, sorted, r)), appareils: r.appareils };
}

/**
 * What a right code takes back: this attempt (it is not a failure), and the failures of the same account from
 * the same IP (the person's own typing errors). Failures from other addresses stay until they leave the window.
 */
export function tentativesARendre(attempt: Attempt): { ids: number[]; cles: string[] } {
  return { ids: attempt.ids, cles: attempt.keys.filter((k) => k.type === 'compte-ip' || k.type === 'carte').map((k) => k.cle) };
}

/** A right code (tentativesARendre), in one statement. */
export async function refundAttempt(db: Db, attempt: Attempt): Promise<void> {
  const { ids, cles } = tentativesARendre(attempt);
  await supprimerTentatives(db, ids, cles);
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
