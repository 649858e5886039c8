// One rule for the text every route receives: no NUL character (U+0000) and nothing that is not valid
// Unicode — no lone surrogate (U+D800–U+DFFF alone), no percent-encoded byte sequence that is not UTF-8, no
// body that is not UTF-8. PostgreSQL refuses U+0000 and invalid UTF-8 in any text column (« invalid byte
// sequence for encoding "UTF8": 0x00 »), so such a value, whatever the route, used to end as a 500 (or the SMS
// webhook's 503) once it reached a query — 20 of them in the outside review of issue 19, inside
// oidc-provider's routes too. Checked once, at the entrance (web/app.ts mounts `entreesValides` before every
// router, the identity provider's included), instead of a patch per route.
//
// What is checked: the path and the query string (raw and percent-decoded), and the bodies the app reads —
// form-encoded and JSON bodies are parsed here, once, for every route (the SMS webhook's and oidc-provider's
// parsers then find them parsed: oidc-provider reads `req.body` when the stream is already consumed), the raw
// bytes first (valid UTF-8, no NUL byte, valid percent-encoded UTF-8), then every parsed string (a JSON
// "\u0000" or "\ud800" escape); multipart fields are parsed later by multer (api/uploads.ts, only for a
// logged-in session), so `champsValides` checks them after it with the same rule.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

export type RaisonEntreeInvalide = 'caractere-nul' | 'unicode-invalide' | 'encodage-invalide';

export class EntreeInvalideError extends Error {
  readonly status = 400;
  readonly raison: RaisonEntreeInvalide;
  constructor(raison: RaisonEntreeInvalide, ou: string) {
    super(`entrée refusée (${raison}) dans ${ou}`);
    this.raison = raison;
  }
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A decoded string: U+0000 or a lone surrogate (String.prototype.isWellFormed: ES2024, Node ≥ 20). */
export function texteInvalide(s: string): RaisonEntreeInvalide | null {
  if (s.includes('\u0000')) return 'caractere-nul';
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) return 'unicode-invalide';
  return null;
}

/** Raw bytes meant to be UTF-8 text: a NUL byte, or bytes that are not UTF-8 (overlong forms and encoded surrogates included). */
export function octetsInvalides(bytes: Uint8Array): RaisonEntreeInvalide | null {
  if (bytes.includes(0)) return 'caractere-nul';
  try {
    utf8Strict.decode(bytes);
  } catch {
    return 'encodage-invalide';
  }
  return null;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * A percent-encoded component (a path, a query string, a form body): the raw characters, then the bytes
 * every run of %XX decodes to, which must be UTF-8 with no NUL. A `%` not followed by two hex digits is left
 * alone (the query parsers keep it as it is).
 */
export function pourcentInvalide(raw: string): RaisonEntreeInvalide | null {
  const direct = texteInvalide(raw);
  if (direct) return direct;
  if (!raw.includes('%')) return null;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; ) {
    if (raw[i] === '%' && HEX.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    // Any other character ends a run of encoded bytes: the run must stand as UTF-8 on its own.
    if (bytes.length) {
      const r = octetsInvalides(Uint8Array.from(bytes));
      if (r) return r;
      bytes.length = 0;
    }
    i++;
  }
  return bytes.length ? octetsInvalides(Uint8Array.from(bytes)) : null;
}

/** Every string of a parsed value (keys included), however deep: the first reason found, or null. */
export function valeurInvalide(v: unknown, profondeur = 0): RaisonEntreeInvalide | null {
  if (typeof v === 'string') return texteInvalide(v);
  if (v === null || typeof v !== 'object' || profondeur > 64) return null;
  if (Buffer.isBuffer(v)) return null;
  for (const [k, x] of Object.entries(v)) {
    const r = texteInvalide(k) ?? valeurInvalide(x, profondeur + 1);
    if (r) return r;
  }
  return null;
}

/** The body parsers' `verify`: refuses before parsing a body whose bytes break the rule. */
function verifierCorps(req: Request, _res: Response, buf: Buffer): void {
  const r = octetsInvalides(buf) ?? (req.is('application/x-www-form-urlencoded') ? pourcentInvalide(buf.toString('latin1')) : null);
  if (r) throw new EntreeInvalideError(r, 'le corps de la requête');
}

export interface OptionsEntrees {
  /** Limit of form-encoded and JSON bodies (the app's: 200 kB). */
  limite: string;
  /** Answers a refused request (a French page, a JSON or OIDC error: the app knows which fits the route). */
  refuser(req: Request, res: Response, err: EntreeInvalideError): void;
}

/**
 * The entrance of the app: the URL, then the form-encoded and JSON bodies parsed once for every route.
 * Errors of the parsers themselves (too large, malformed JSON) go on to the app's error handler as before.
 */
export function entreesValides(o: OptionsEntrees): RequestHandler[] {
  const urlencoded = express.urlencoded({ extended: false, limit: o.limite, verify: verifierCorps });
  const json = express.json({ limit: o.limite, verify: verifierCorps });
  const refuserOuSuivre = (req: Request, res: Response, next: NextFunction) => (err?: unknown) => {
    const cause = err instanceof EntreeInvalideError ? err : (err as { cause?: unknown } | undefined)?.cause;
    // body-parser wraps verify's error (403 by default): ours is found back and answered as a 400.
    if (err && cause instanceof EntreeInvalideError) return o.refuser(req, res, cause);
    if (err && (err as { type?: string }).type === 'entity.verify.failed') return o.refuser(req, res, new EntreeInvalideError('encodage-invalide', 'le corps de la requête'));
    next(err);
  };
  return [
    (req, res, next) => {
      const url = req.originalUrl ?? req.url;
      const q = url.indexOf('?');
      const r = pourcentInvalide(q < 0 ? url : url.slice(0, q)) ?? (q < 0 ? null : pourcentInvalide(url.slice(q + 1)));
      if (r) return o.refuser(req, res, new EntreeInvalideError(r, q < 0 ? 'l’adresse' : 'l’adresse ou ses paramètres'));
      next();
    },
    (req, res, next) => urlencoded(req, res, refuserOuSuivre(req, res, next)),
    (req, res, next) => json(req, res, refuserOuSuivre(req, res, next)),
    champsValides(o),
  ];
}

/** The parsed body (and the names of uploaded files) against the same rule: after every parser that fills `req.body`. */
export function champsValides(o: Pick<OptionsEntrees, 'refuser'>): RequestHandler {
  return (req, res, next) => {
    const files = (req.files as { originalname?: string; fieldname?: string }[] | undefined) ?? [];
    const r = valeurInvalide(req.body) ?? valeurInvalide(files.map((f) => [f.fieldname ?? '', f.originalname ?? '']));
    if (r) return o.refuser(req, res, new EntreeInvalideError(r, 'le formulaire'));
    next();
  };
}
