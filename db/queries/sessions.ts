// The `sessions` table behind express-session (api/session-store.ts): sessions survive restarts and are
// shared by every web instance behind a load balancer.
import type { Db } from '../connection.ts';

export async function lireSession(db: Db, sid: string): Promise<unknown | null> {
  const row = await db('sessions').where({ sid }).andWhere('expires_at', '>', db.fn.now()).first('sess');
  return row ? row.sess : null;
}

export async function ecrireSession(db: Db, sid: string, sess: unknown, expiresAt: Date): Promise<void> {
  await db('sessions').insert({ sid, sess: JSON.stringify(sess), expires_at: expiresAt }).onConflict('sid').merge();
}

export async function prolongerSession(db: Db, sid: string, expiresAt: Date): Promise<void> {
  await db('sessions').where({ sid }).update({ expires_at: expiresAt });
}

export async function supprimerSession(db: Db, sid: string): Promise<void> {
  await db('sessions').where({ sid }).delete();
}

/** Removes expired sessions. */
export async function purgerSessionsExpirees(db: Db): Promise<number> {
  return db('sessions').where('expires_at', '<=', db.fn.now()).delete();
}
