// express-session store over the `sessions` table, so sessions survive restarts and are shared by every
// web instance behind a load balancer.
import session from 'express-session';
import type { Db } from '../db/connection.ts';
import { DUREE_SESSION_MS } from '../db/domain/authentification.ts';


export class PgSessionStore extends session.Store {
  private readonly db: Db;

  constructor(db: Db) {
    super();
    this.db = db;
  }

  private expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + DUREE_SESSION_MS);
  }

  get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db('sessions')
      .where({ sid })
      .andWhere('expires_at', '>', this.db.fn.now())
      .first('sess')
      .then((row) => cb(null, row ? (row.sess as session.SessionData) : null), cb);
  }

  set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .insert({ sid, sess: JSON.stringify(sess), expires_at: this.expiry(sess) })
      .onConflict('sid')
      .merge()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .where({ sid })
      .update({ expires_at: this.expiry(sess) })
      .then(() => cb?.(), (err) => cb?.(err));
  }

  destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db('sessions')
      .where({ sid })
      .delete()
      .then(() => cb?.(), (err) => cb?.(err));
  }

  /** Removes expired sessions; called periodically by the web process. */
  async prune(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', this.db.fn.now()).delete();
  }
}
