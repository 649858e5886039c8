// Who is logged in, and the guards every protected page uses: login (+ accepted CGU), staff only, référent
// of a structure, and a fresh TOTP (re-authentication after 15 minutes without a sensitive action).
import type { NextFunction, Request, Response } from 'express';
import type { Aidant } from '../../db/models/index.ts';
import { compteDeLaSession, structuresGerees, versionSession } from '../../db/queries/authentification.ts';
import { VERSION_CGU } from '../../db/domain/cgu.ts';
import { DELAI_REAUTHENTIFICATION_MS, DUREE_PREMIERE_CONNEXION_MS, DUREE_SESSION_MS } from '../../db/domain/authentification.ts';
import type { Db } from '../../db/connection.ts';
import { garderSaisie } from './saisie-en-attente.ts';

declare module 'express-session' {
  interface SessionData {
    aidantId?: number;
    /** When the login happened (ms): a session lasts 24 h from it, however active. */
    loginAt?: number;
    /** Set by a référent's first connection: opens the app set-up tunnel for 30 minutes, and only it. */
    firstConnectionAt?: number;
    /** The account's session_version at login: a deactivation or a replaced device ends the session. */
    sessionVersion?: number;
    /** Last time a TOTP was entered or a sensitive page was used (ms since epoch). */
    lastActivityCheckAt?: number;
    /** Notices to show on the next page (after a redirect). */
    flash?: { type: 'success' | 'error' | 'info' | 'warning'; text: string }[];
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    aidant?: Aidant;
    /** A first-connection session before its app is enrolled: the enrolment tunnel and nothing else. */
    tunnelOnly?: boolean;
    /** Structures the logged-in référent manages. */
    referentStructureIds?: number[];
  }
}


export class HttpError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function flash(req: Request, type: 'success' | 'error' | 'info' | 'warning', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { type, text }];
}

export function takeFlash(req: Request) {
  const list = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return list;
}

/**
 * Loads the logged-in account on every request. The session ends when the account was deactivated or had a
 * device replaced since the login (its session version moved on), or after 24 hours. The account normally
 * comes with the session (one query, api/session-store.ts), with its structures, référent role and
 * suspension (`req.compteSession`, which chargerStructures, loadRoles and the identity provider read).
 */
export const loadUser = (db: Db) => async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
  const id = req.session?.aidantId;
  const lu = req.compteSession;
  delete req.compteSession;
  if (!id) return next();
  const compte = lu && lu.aidant.id === id ? lu : await compteDeLaSession(db, id);
  const aidant = compte?.aidant;
  const expired = Date.now() - (req.session.loginAt ?? 0) > DUREE_SESSION_MS;
  const revoked = aidant && (req.session.sessionVersion ?? 0) !== aidant.session_version;
  const tunnelOver = req.session.firstConnectionAt !== undefined && Date.now() - req.session.firstConnectionAt > DUREE_PREMIERE_CONNEXION_MS;
  if (!aidant || !aidant.is_active || expired || revoked || tunnelOver) {
    delete req.session.aidantId;
    delete req.session.firstConnectionAt;
    return next();
  }
  req.aidant = aidant;
  req.compteSession = compte;
  req.tunnelOnly = req.session.firstConnectionAt !== undefined;
  next();
};

/** What a first-connection session may reach besides the tunnel: logging out and the public pages. */
const OUVERT_AU_TUNNEL = /^\/(?:premiere-connexion(?:\/.*)?|deconnexion|cgu|accessibilite|mentions-legales)?$/;

/**
 * Issue 18, item 5: a first-connection session (before its app is set up) opens the app set-up and nothing
 * else — not the CGU acceptance, not the consent state JSON, nor any page that reads `req.aidant` without
 * requireLogin. Mounted once, right after loadUser (web/routes.ts), so no route can forget it.
 */
export function tunnelSeulement(req: Request, res: Response, next: NextFunction): void {
  if (!req.tunnelOnly || OUVERT_AU_TUNNEL.test(req.path)) return next();
  if (req.accepts(['html', 'json']) === 'json') {
    res.status(403).json({ error: 'premiere_connexion', error_description: 'Terminez d’abord l’installation de votre application.' });
    return;
  }
  res.redirect(303, '/premiere-connexion/application');
}

export function requireLogin(req: Request, res: Response, next: NextFunction): void {
  if (!req.aidant) {
    res.redirect(303, `/connexion?suivant=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  if (req.tunnelOnly) {
    res.redirect(303, '/premiere-connexion/application');
    return;
  }
  if (req.aidant.cgu_version !== VERSION_CGU) {
    res.redirect(303, `/cgu/accepter?suivant=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next();
}

export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  requireLogin(req, res, () => {
    if (!req.aidant!.is_staff) return next(new HttpError(403, 'réservé à l’équipe Aidants Connect'));
    next();
  });
}

/** The active structures the account is référent of. */
export function referentStructureIds(db: Db, aidantId: number): Promise<number[]> {
  return structuresGerees(db, aidantId);
}

export const requireReferent = (db: Db) => (req: Request, res: Response, next: NextFunction): void => {
  requireLogin(req, res, async () => {
    try {
      const ids = await referentStructureIds(db, req.aidant!.id);
      if (!ids.length) return next(new HttpError(403, 'réservé aux référents'));
      req.referentStructureIds = ids;
      next();
    } catch (err) {
      next(err);
    }
  });
};

/**
 * The activity time is written again only when it is older than this: a page of the same minute leaves the
 * session unchanged, so it is not saved again (README « Fournisseur d’identité de FranceConnect », issue 19).
 * The 15 minutes without activity may hence end up to a minute early, never late.
 */
export const PAS_ACTIVITE_MS = 60_000;

/** Sensitive pages: a TOTP within the last 15 minutes of activity, else ask for a fresh one and come back. */
export function requireRecentTotp(req: Request, res: Response, next: NextFunction): void {
  const last = req.session.lastActivityCheckAt ?? 0;
  const now = Date.now();
  if (now - last > DELAI_REAUTHENTIFICATION_MS) {
    // A form sent meanwhile waits for the page the aidant comes back to (api/auth/saisie-en-attente.ts).
    if (req.method === 'POST') garderSaisie(req);
    const retour = req.method === 'GET' || req.formulaireEstSaPage ? req.originalUrl : sameSitePath(req);
    res.redirect(303, `/verification?suivant=${encodeURIComponent(retour)}`);
    return;
  }
  if (now - last >= PAS_ACTIVITE_MS) req.session.lastActivityCheckAt = now;
  next();
}

/** Where a refused POST came from, when it is a page of this site. */
function sameSitePath(req: Request): string {
  try {
    const referer = new URL(req.get('referer') ?? '');
    return referer.host === req.get('host') ? referer.pathname + referer.search : '/espace';
  } catch {
    return '/espace';
  }
}

/** Only same-site relative paths are followed after login, never another host. */
export function safeNext(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?!\/|\\)/.test(value) ? value : fallback;
}

/** What a successful login writes in the (freshly regenerated) session. */
export function openSession(req: Request, aidant: Pick<Aidant, 'id' | 'session_version'>): void {
  req.session.aidantId = aidant.id;
  req.session.sessionVersion = aidant.session_version;
  req.session.loginAt = Date.now();
  req.session.lastActivityCheckAt = Date.now();
}

/** After the account's own device changed from this session: this session goes on, the others end. */
export async function keepSessionAfterOwnDeviceChange(db: Db, req: Request): Promise<void> {
  req.session.sessionVersion = await versionSession(db, req.aidant!.id);
}
