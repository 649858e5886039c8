// Single-use magic links sent by email after a right email + TOTP; only their SHA-256 is stored.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { DUREE_LIEN_CONNEXION_MS } from '../../db/domain/authentification.ts';

import { empreinteJeton } from '../../db/domain/jetons.ts';

export async function createMagicLink(db: Db, aidantId: number, nextPath: string | null): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db('magic_links').insert({
    token_hash: empreinteJeton(token),
    aidant_id: aidantId,
    next_path: nextPath,
    expires_at: new Date(Date.now() + DUREE_LIEN_CONNEXION_MS),
  });
  return token;
}

/** Marks the link used, atomically; null when unknown, expired or already used. */
export async function consumeMagicLink(db: Db, token: string): Promise<{ aidantId: number; nextPath: string | null } | null> {
  if (typeof token !== 'string' || token.length > 100) return null;
  const [row] = await db('magic_links')
    .where({ token_hash: empreinteJeton(token) })
    .whereNull('used_at')
    .andWhere('expires_at', '>', db.fn.now())
    .update({ used_at: db.fn.now() })
    .returning(['aidant_id', 'next_path']);
  return row ? { aidantId: row.aidant_id, nextPath: row.next_path } : null;
}

export async function magicLinkUsable(db: Db, token: string): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false;
  const row = await db('magic_links').where({ token_hash: empreinteJeton(token) }).whereNull('used_at').andWhere('expires_at', '>', db.fn.now()).first('token_hash');
  return Boolean(row);
}
