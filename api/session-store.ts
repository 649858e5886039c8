// express-session store over the `sessions` table, so sessions survive restarts and are shared by every
// web instance behind a load balancer (the SQL: db/queries/sessions.ts).
import session from 'express-session';
import type { Db } from '../db/connection.ts';
import { DUREE_SESSION_MS } from '../db/domain/authentification.ts';
import { ecrireSession, lireSession, prolongerSession, purgerSessionsExpirees, supprimerSession } from '../db/queries/sessions.ts';


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
    lireSession(this.db, sid).then((sess) => cb(null, sess as session.SessionData | null), cb);
  }

  set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    ecrireSession(this.db, sid, sess, this.expiry(sess)).then(() => cb?.(), (err) => cb?.(err));
  }

  touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    prolongerSession(this.db, sid, this.expiry(sess)).then(() => cb?.(), (err) => cb?.(err));
  }

  destroy(sid: string, cb?: (err?: unknown) => void): void {
    supprimerSession(this.db, sid).then(() => cb?.(), (err) => cb?.(err));
  }

  /** Removes expired sessions; called periodically by the web process. */
  async prune(): Promise<number> {
    return purgerSessionsExpirees(this.db);
  }
}
