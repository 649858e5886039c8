// Routes of the printed proof. For the aidant (logged in, recently re-authenticated, scoped to the current
// structure like every mandat route: another structure's mandat is a 404): the mandat as a PDF and the
// revocation attestation. For anyone (no login, no session): the verification page, rate-limited per
// client address. A mail scanner following a verification link only counts as one check.
import { Router, type Request, type Response } from 'express';
import { requireRecentTotp } from '../../api/auth/session.ts';
import { idDeRoute, requireAidantMandats, structureCourante } from '../../api/mandats/acces.ts';
import { aUneRevocation, documentMandat } from '../../api/mandats/preuve.ts';
import { traductionDuMandat } from '../../api/mandats/langue.ts';
import { verifierMandat } from '../../api/mandats/verification.ts';
import { attestationSaltFromEnv, formaterCode, normaliserCode, urlVerification } from '../../db/domain/preuve-mandat.ts';
import { render, renderPage } from '../ui/render.ts';
import type { WebDeps } from '../ui/deps.ts';
import { pdfMandat } from './pdf/mandat.ts';
import { pdfRevocation } from './pdf/revocation.ts';
import { verificationFormPage, verificationLimitePage, verificationPage } from './preuve-pages.ts';

export const MESSAGE_CODE_INVALIDE = 'Saisissez les 16 lettres et chiffres du code de vérification, par exemple 7K2M-9QXD-R4TB-HW3N.';

/** `inline` opens the PDF in the browser to print it; `?telecharger=1` (the « Télécharger » button) saves it. */
function envoyerPdf(req: Request, res: Response, pdf: Buffer, nom: string): void {
  res.set({
    'Content-Type': 'application/pdf',
    'Content-Disposition': `${req.query.telecharger === '1' ? 'attachment' : 'inline'}; filename="${nom}"`,
    // Personal data: never kept by a browser or proxy cache.
    'Cache-Control': 'no-store',
  });
  res.send(pdf);
}

export function preuveRouter(deps: WebDeps): Router {
  const router = Router();
  // Read once at start: the web process refuses to start in production without ATTESTATION_SALT.
  const sel = attestationSaltFromEnv();
  const garde = [requireAidantMandats, requireRecentTotp];
  const introuvable = (req: Request, res: Response) => res.status(404).send(renderPage(req, 404));
  const url = (code: string | null) => (code ? urlVerification(deps.publicUrl, code) : null);

  router.get('/mandats/:id/mandat.pdf', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const d = id ? await documentMandat(deps.db, structureCourante(req), id) : null;
    if (!d) return introuvable(req, res);
    // Issue 22: a language without a translation of the mandat's template prints the French mandat only.
    const t = await traductionDuMandat(deps.db, structureCourante(req), d.id);
    const annexe = t ? { nomFrancais: t.nomFrancais, url: `${deps.publicUrl.replace(/\/+$/, '')}/mandats/${d.id}/traduction` } : null;
    envoyerPdf(req, res, await pdfMandat(d, url(d.code), annexe), `mandat-${d.id}.pdf`);
  });

  router.get('/mandats/:id/attestation-revocation.pdf', ...garde, async (req, res) => {
    const id = idDeRoute(req.params.id);
    const d = id ? await documentMandat(deps.db, structureCourante(req), id) : null;
    if (!d || !aUneRevocation(d)) return introuvable(req, res);
    const pdf = await pdfRevocation(d, url(d.code));
    if (!pdf) return introuvable(req, res);
    envoyerPdf(req, res, pdf, `attestation-revocation-mandat-${d.id}.pdf`);
  });

  // The form is a GET: nothing to protect from cross-site submission, and the answer has its own address.
  router.get('/verifier', (req, res) => {
    if (req.query.code === undefined) {
      return res.send(render(req, { title: 'Vérifier un mandat', content: verificationFormPage() }));
    }
    const code = normaliserCode(req.query.code);
    if (!code) {
      const saisi = typeof req.query.code === 'string' ? req.query.code.slice(0, 40) : '';
      return res.status(400).send(render(req, { title: 'Vérifier un mandat', content: verificationFormPage({ code: saisi, erreur: MESSAGE_CODE_INVALIDE }) }));
    }
    res.redirect(303, `/verifier/${formaterCode(code)}`);
  });

  router.get('/verifier/:code', async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
    const code = normaliserCode(req.params.code);
    // A code typed by hand into the address (lower case, no dashes…): its canonical address, before any check.
    if (code && req.params.code !== formaterCode(code)) return res.redirect(301, `/verifier/${formaterCode(code)}`);
    // Not even shaped like a code: the same neutral answer as an unknown one, without a lookup.
    const verification = code
      ? await verifierMandat(deps.db, code, { ip: req.ip ?? 'inconnue', sel })
      : ({ resultat: 'inconnu' } as const);
    if (verification.resultat === 'limite') {
      res.set('Retry-After', String(Math.ceil(verification.attenteMs / 1000)));
      return res.status(429).send(render(req, { title: 'Trop de vérifications', content: verificationLimitePage(verification.attenteMs) }));
    }
    res.status(verification.resultat === 'inconnu' ? 404 : 200).send(render(req, {
      title: 'Vérification du mandat',
      content: verificationPage({ code, verification }),
    }));
  });

  return router;
}
