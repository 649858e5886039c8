// express-session store over the `sessions` table, so sessions survive restarts and are shared by every
// web instance behind a load balancer (the SQL: db/queries/sessions.ts). Issue 19 (README « Fournisseur
// d’identité de FranceConnect »): a page costs one query for its session and account together, and a session
// that did not change is written again at most once a minute (its expiry moves on, lagging by less than that).
import session from 'express-session';
import type { Request } from 'express';
import type { Db } from '../db/connection.ts';
import { DUREE_SESSION_MS } from '../db/domain/authentification.ts';
import type { CompteDeLaSession } from '../db/queries/authentification.ts';
import { ecrireSession, lireSession, prolongerSession, purgerSessionsExpirees, supprimerSession } from '../db/queries/sessions.ts';

/** An unchanged session's expiry is written again once it would move on by more than this. */
export const PROLONGATION_MIN_MS = 60_000;

declare module 'express-serve-static-core' {
  interface Request {
    /** The session's account, read with the session (api/auth/session.ts loadUser uses it). */
    compteSession?: CompteDeLaSession;
  }
}

/** What the store read along with a session; symbol keys are neither copied into the session nor saved. */
const LU = Symbol('session lue');
interface Lu {
  expiresAt: Date;
  compte: CompteDeLaSession | undefined;
  /** The session as loaded, without its cookie: to tell whether a request changed it. */
  contenu: string;
}
type AvecLu = { [LU]?: Lu };

const contenu = (sess: object) => JSON.stringify(sess, (k, v) => (k === 'cookie' ? undefined : v));

/** Whether the request's session differs from what is stored: new, or changed since it was read. */
export function sessionModifiee(sess: session.Session & Partial<session.SessionData>): boolean {
  const lu = (sess as AvecLu)[LU];
  return !lu || lu.contenu !== contenu(sess);
}

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
    lireSession(this.db, sid).then((lue) => {
      if (!lue) return cb(null, null);
      const sess = lue.sess as session.SessionData & AvecLu;
      sess[LU] = { expiresAt: lue.expiresAt, compte: lue.compte, contenu: contenu(sess) };
      cb(null, sess);
    }, cb);
  }

  /** express-session turns the stored data into req.session here: what was read with it goes to the request. */
  override createSession(req: Request, sess: session.SessionData & AvecLu): session.Session & session.SessionData {
    const lu = sess[LU];
    delete sess[LU];
    const created = super.createSession(req, sess);
    if (lu) {
      Object.defineProperty(created, LU, { value: lu, enumerable: false });
      if (lu.compte) req.compteSession = lu.compte;
    }
    return created;
  }

  set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const expires = this.expiry(sess);
    ecrireSession(this.db, sid, sess, expires).then(() => {
      // What is stored now: the same request's touch, or a redirect, has nothing more to write.
      const lu = (sess as AvecLu)[LU];
      if (lu) {
        lu.expiresAt = expires;
        lu.contenu = contenu(sess);
      } else if (Object.isExtensible(sess)) {
        Object.defineProperty(sess, LU, { value: { expiresAt: expires, compte: undefined, contenu: contenu(sess) } satisfies Lu, enumerable: false });
      }
      cb?.();
    }, (err) => cb?.(err));
  }

  /** An unchanged session: its expiry is written only when it moves on by more than PROLONGATION_MIN_MS. */
  touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const expires = this.expiry(sess);
    const lu = (sess as AvecLu)[LU];
    if (lu && expires.getTime() - lu.expiresAt.getTime() < PROLONGATION_MIN_MS) {
      cb?.();
      return;
    }
    prolongerSession(this.db, sid, expires).then(() => {
      if (lu) lu.expiresAt = expires;
      cb?.();
    }, (err) => cb?.(err));
  }

  destroy(sid: string, cb?: (err?: unknown) => void): void {
    supprimerSession(this.db, sid).then(() => cb?.(), (err) => cb?.(err));
  }

  /** Removes expired sessions; called periodically by the web process. */
  async prune(): Promise<number> {
    return purgerSessionsExpirees(this.db);
  }
}
