// Single-use magic links sent by email after a right email + TOTP; only their fingerprint is stored
// (db/domain/jetons.ts; the SQL: db/queries/authentification.ts).
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { DUREE_LIEN_CONNEXION_MS } from '../../db/domain/authentification.ts';
import { empreinteJeton } from '../../db/domain/jetons.ts';
import { consommerLienConnexion, insererLienConnexion, lienConnexionUtilisable } from '../../db/queries/authentification.ts';

export async function creerLienConnexion(db: Db, aidantId: number, nextPath: string | null): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insererLienConnexion(db, { tokenHash: empreinteJeton(token), aidantId, nextPath, expiresAt: new Date(Date.now() + DUREE_LIEN_CONNEXION_MS) });
  return token;
}

/** Marks the link used, atomically; null when unknown, expired or already used. */
export async function utiliserLienConnexion(db: Db, token: string): Promise<{ aidantId: number; nextPath: string | null } | null> {
  if (typeof token !== 'string' || token.length > 100) return null;
  return consommerLienConnexion(db, empreinteJeton(token));
}

export async function lienConnexionValable(db: Db, token: string): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false;
  return lienConnexionUtilisable(db, empreinteJeton(token));
}
