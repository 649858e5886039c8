// The work typed before a re-authentication (issue 18): a form sent after the 15 minutes without a fresh TOTP
// (api/auth/session.ts requireRecentTotp) is not lost. Its fields — never the CSRF token nor a code — wait in
// the session (kept in PostgreSQL), and the page the aidant comes back to after /verification fills itself
// with them: the same step, everything kept. Used by the creation form and the recap (web/mandats/).
import type { NextFunction, Request, Response } from 'express';
import { DELAI_CREATION_MANDAT_MS } from '../../db/domain/mandat.ts';

export type Saisie = Record<string, string | string[]>;

declare module 'express-session' {
  interface SessionData {
    /** `action`: the address the form was sent to; `leMs`: when. */
    saisieEnAttente?: { action: string; champs: Saisie; leMs: number };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The form's address is also its page (GET): after a re-authentication the aidant comes back to it. */
    formulaireEstSaPage?: boolean;
  }
}

/**
 * Before requireRecentTotp on a form whose address is also its page: the aidant comes back to that page, not
 * to the Referer (which the browser does not send: Helmet's `Referrer-Policy: no-referrer`).
 */
export function revenirAuFormulaire(req: Request, _res: Response, next: NextFunction): void {
  req.formulaireEstSaPage = true;
  next();
}

/** Never kept: the CSRF token is the session's own, and a code is single-use. */
const JAMAIS = new Set(['_csrf', 'code']);
/** A form of the service is a few hundred bytes: anything far larger is not kept. */
const TAILLE_MAX = 8_000;

/** Keeps what the refused POST carried, for the page the aidant comes back to. */
export function garderSaisie(req: Request): void {
  const champs: Saisie = {};
  for (const [cle, valeur] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
    if (JAMAIS.has(cle)) continue;
    if (typeof valeur === 'string') champs[cle] = valeur;
    else if (Array.isArray(valeur) && valeur.every((v) => typeof v === 'string')) champs[cle] = valeur as string[];
  }
  if (JSON.stringify(champs).length > TAILLE_MAX) return;
  req.session.saisieEnAttente = { action: req.originalUrl, champs, leMs: Date.now() };
}

/**
 * The fields kept for the form sent to `action`, once (then forgotten); null when there are none, or older
 * than a creation's 30 minutes.
 */
export function reprendreSaisie(req: Request, action: string, maintenant = Date.now()): Saisie | null {
  const s = req.session.saisieEnAttente;
  if (!s || s.action !== action) return null;
  delete req.session.saisieEnAttente;
  return maintenant - s.leMs <= DELAI_CREATION_MANDAT_MS ? s.champs : null;
}
