// The proof of a printed mandat (db/domain/README.md#preuve-du-mandat): the proof hash the public service computes, the verification
// code printed on the paper (and in its QR code), and what a third party is shown when checking it.
import { LONGUEUR_SEL_MIN, selDepuisEnv } from './sels.ts';
import { createHash, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Demarche } from './demarches.ts';
import { MINUTE_MS } from './durees.ts';

// ---------------------------------------------------------------------------------------------------------
// Verification code: 16 characters of Crockford's base 32 (80 random bits), printed in 4 groups of 4 to be
// read aloud over the phone. The alphabet has no I, L, O or U; a typed O counts as 0, I and L as 1.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LONGUEUR_CODE = 16;
export const BITS_CODE = LONGUEUR_CODE * 5;

/** A fresh code (canonical form: 16 characters, no separators). */
export function nouveauCodeVerification(): string {
  const octets = randomBytes(LONGUEUR_CODE); // one byte per character, 5 bits used: uniform over the alphabet
  let code = '';
  for (const o of octets) code += ALPHABET[o & 31];
  return code;
}

/** What a person typed (spaces, dashes, lower case, O for 0…) in canonical form, or null if it is no code. */
export function normaliserCode(saisie: unknown): string | null {
  if (typeof saisie !== 'string' || saisie.length > 64) return null;
  const code = saisie
    .toUpperCase()
    .replace(/[\s\-.‐‑–—_]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return code.length === LONGUEUR_CODE && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}

/** « 7K2M-9QXD-R4TB-HW3N ». */
export function formaterCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** The address printed under the QR code and encoded in it. */
export function urlVerification(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/verifier/${formaterCode(code)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Proof hash, as the public service computes it (aidants_connect_web/utilities.py): SHA-256 over the values,
// ordered by key name and joined with `;`, followed by the secret salt. Dates are full ISO 8601 instants
// (UTC, milliseconds): our mandats are created and expire at an instant, not on a day.

export interface ChampsPreuve {
  aidantId: number;
  creeLe: Date;
  demarches: readonly Demarche[];
  expireLe: Date;
  structureId: number;
  hashModele: string;
  usagerSub: string;
}

export function hashPreuve(c: ChampsPreuve, sel: string): string {
  const valeurs: Record<string, string> = {
    aidant_id: String(c.aidantId),
    creation_date: c.creeLe.toISOString(),
    demarches_list: [...c.demarches].sort().join(','),
    expiration_date: c.expireLe.toISOString(),
    organisation_id: String(c.structureId),
    template_hash: c.hashModele,
    usager_sub: c.usagerSub,
  };
  const texte = Object.keys(valeurs).sort().map((k) => valeurs[k]).join(';');
  return createHash('sha256').update(texte + sel, 'utf8').digest('hex');
}

export const LONGUEUR_SEL_ATTESTATION_MIN = LONGUEUR_SEL_MIN;

/** `ATTESTATION_SALT`: required (16 characters at least) in production, a fixed value elsewhere. */
export function attestationSaltFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return selDepuisEnv(env, 'ATTESTATION_SALT', 'sel-attestation-de-developpement-ne-pas-utiliser-en-production');
}

// ---------------------------------------------------------------------------------------------------------
// What the public verification page says.

export type EtatMandatVerifie = 'valide' | 'expire' | 'revoque';

/**
 * The status written in the database, except that a mandat past its expiry is never called valid, even in
 * the moments before its workflow writes `expired`: a third party relies on this answer.
 */
export function etatMandatVerifie(m: { status: 'active' | 'expired' | 'revoked'; expires_at: Date; ended_at: Date | null }, maintenant: Date): { etat: EtatMandatVerifie; depuis: Date } {
  if (m.status === 'revoked') return { etat: 'revoque', depuis: m.ended_at ?? m.expires_at };
  if (m.status === 'expired' || m.expires_at.getTime() <= maintenant.getTime()) return { etat: 'expire', depuis: m.expires_at };
  return { etat: 'valide', depuis: m.expires_at };
}

/** « A. D. »: the first letter of the first given name and of the birth name, nothing more. */
export function initialesUsager(u: { given_name: string; family_name: string }): string {
  const initiale = (s: string) => {
    const lettre = [...s.normalize('NFC').trim()].find((c) => /\p{L}/u.test(c));
    return lettre ? `${lettre.toUpperCase()}.` : '';
  };
  return [initiale(u.given_name.trim().split(/[\s-]+/)[0] ?? ''), initiale(u.family_name)].filter(Boolean).join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// Rate limit of the public page: a sliding window per client address (an IPv6 client counts by its /64,
// which one subscriber usually holds whole). Addresses are only kept hashed, for two windows at most.

export const LIMITE_VERIFICATIONS = { nombre: 30, fenetreMs: 10 * MINUTE_MS } as const;

export function prefixeAdresse(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(v4)) return v4;
  if (!isIPv6(ip)) return ip;
  const [tete, queue = ''] = ip.toLowerCase().split('::');
  const groupes = tete ? tete.split(':') : [];
  const fin = queue ? queue.split(':') : [];
  const complet = [...groupes, ...Array(Math.max(0, 8 - groupes.length - fin.length)).fill('0'), ...fin];
  return `${complet.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function cleLimiteVerification(ip: string, sel: string): string {
  return createHash('sha256').update(`verification|${prefixeAdresse(ip)}|${sel}`, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Sliding-window estimate: the current window's count plus the previous one's, weighted by how much of it
 * still lies within the last `fenetreMs`.
 */
export function depasseLimite(courant: number, precedent: number, ecouleDansFenetreMs: number, limite = LIMITE_VERIFICATIONS): boolean {
  const poids = 1 - ecouleDansFenetreMs / limite.fenetreMs;
  return courant + precedent * poids > limite.nombre;
}
