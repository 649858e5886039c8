// The usager's session (issue 21 §7), apart from aidant and staff sessions: its own cookie, scoped to
// /espace-usager (web/app.ts picks the session by path), so an aidant page never reads it and
// /espace-usager never reads an aidant's. It holds the usager's id, the login time (30 minutes at most,
// however active) and FranceConnect's ID token for the logout that ends both sessions, sealed with
// SECRETS_KEYS (db/secrets.ts) like every secret kept at rest: the sessions table never holds it in clear.
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/connection.ts';
import { DUREE_SESSION_USAGER_MS } from '../../db/domain/espace-usager.ts';
import { usagerParId, type UsagerConnecte } from '../../db/queries/espace-usager.ts';
import { seal, unseal, UnsealError } from '../../db/secrets.ts';

declare module 'express-session' {
  interface SessionData {
    usager?: { id: number; loginAt: number; idTokenScelle: string };
    /** A FranceConnect login in progress: used once, whatever the outcome. */
    connexionUsager?: { state: string; nonce: string; at: number };
    /** Why the usager comes back from FranceConnect's logout: the page to show (nothing about the person). */
    finUsager?: { state: string; raison: 'deconnexion' | 'aucun-mandat' | 'expiree' };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    usager?: UsagerConnecte;
  }
}

export type { UsagerConnecte };

/** Loads the logged-in usager; a session older than 30 minutes is over. */
export const chargerUsager = (db: Db) => async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
  const s = req.session?.usager;
  if (!s) return next();
  // Over: nothing opens any more; only the sealed ID token stays, for « Se déconnecter » to end FranceConnect's.
  if (Date.now() - s.loginAt > DUREE_SESSION_USAGER_MS) return next();
  const usager = await usagerParId(db, s.id);
  if (!usager) {
    delete req.session.usager;
    return next();
  }
  req.usager = usager;
  next();
};

/** Pages of a logged-in usager; otherwise back to the espace's login page. */
export function requireUsager(req: Request, res: Response, next: NextFunction): void {
  if (!req.usager) {
    res.redirect(303, '/espace-usager');
    return;
  }
  next();
}

/** After a successful FranceConnect login, in a freshly regenerated session. */
export function ouvrirSessionUsager(req: Request, usagerId: number, idToken: string): void {
  req.session.usager = { id: usagerId, loginAt: Date.now(), idTokenScelle: seal('session.franceconnect', idToken) };
}

/** FranceConnect's ID token of this session (for its logout); null when none or no longer readable. */
export function idTokenDeLaSession(req: Request): string | null {
  const scelle = req.session.usager?.idTokenScelle;
  if (!scelle) return null;
  try {
    return unseal('session.franceconnect', scelle);
  } catch (err) {
    if (err instanceof UnsealError) return null;
    throw err;
  }
}
