// What the printable translation of a mandat needs from the app itself, never from an outside server (the
// CSP allows only 'self', and a structure's desk may print offline): the Noto fonts of the pinned @fontsource
// packages (Latin, Cyrillic and Greek; Arabic; Tamil; simplified Chinese), a style sheet that picks the font by
// the text's `lang` and lays the page out for printing, and the print button's script. Each @font-face has a
// unicode-range: a browser only downloads the few files of the characters a page uses.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router } from 'express';

const require = createRequire(import.meta.url);

/** Served under /polices/<paquet>/ (the CSS files refer to their fonts as ./files/…). */
export const POLICES = ['noto-sans', 'noto-naskh-arabic', 'noto-sans-tamil', 'noto-sans-sc'] as const;

/** The style sheets a translation page links: regular and bold of every family. */
export const FEUILLES_TRADUCTION = [
  ...POLICES.flatMap((p) => [`/polices/${p}/400.css`, `/polices/${p}/700.css`]),
  '/ressources/traduction-mandat.css',
];

export const SCRIPT_TRADUCTION = '/ressources/traduction-mandat.js';

// Arabic script languages get a Naskh face (the usual style of printed Arabic text); Tamil and Chinese their
// Noto face; everything else Noto Sans, which covers Latin, Cyrillic and Greek. The translation is set apart
// from the DSFR page (Marianne has no Arabic, Tamil or Chinese glyphs).
const STYLE = `.traduction-mandat { font-family: 'Noto Sans', sans-serif; line-height: 1.6; }
.traduction-mandat :lang(fr) { font-family: 'Marianne', 'Noto Sans', sans-serif; }
.traduction-mandat:lang(ar), .traduction-mandat:lang(fa), .traduction-mandat:lang(ur) { font-family: 'Noto Naskh Arabic', 'Noto Sans', serif; line-height: 1.9; }
.traduction-mandat:lang(ta) { font-family: 'Noto Sans Tamil', 'Noto Sans', sans-serif; }
.traduction-mandat:lang(zh) { font-family: 'Noto Sans SC', 'Noto Sans', sans-serif; }
.traduction-mandat h2, .traduction-mandat h3 { font-family: inherit; }
.traduction-mandat { border: 1px solid #929292; padding: 1.5rem; }
.traduction-mandat .traduction-reference { border-bottom: 1px solid #929292; margin-bottom: 1rem; }
.traduction-mandat .traduction-avertissement { border-inline-start: 4px solid #000091; padding-inline-start: 0.75rem; }
.traduction-mandat .traduction-signatures { display: flex; flex-wrap: wrap; gap: 1rem; }
.traduction-mandat .traduction-signatures > p { flex: 1 1 14rem; border: 1px solid #929292; min-height: 5rem; padding: 0.5rem; }
@page { size: A4; margin: 16mm; }
@media print {
  .fr-header, .fr-footer, .fr-breadcrumb, .fr-skiplinks, .traduction-ecran { display: none !important; }
  .fr-container { max-width: none; padding: 0; margin: 0; }
  .traduction-mandat { border: 0; padding: 0; color: #000; }
  .traduction-mandat p, .traduction-mandat li { font-size: 11pt; line-height: 1.5; margin-bottom: 0.5em; }
  .traduction-mandat .fr-text--sm { font-size: 9pt; }
  .traduction-mandat h2 { font-size: 16pt; margin: 0.6em 0 0.3em; }
  .traduction-mandat h3 { font-size: 13pt; margin: 0.8em 0 0.3em; break-after: avoid; }
  .traduction-mandat p, .traduction-mandat li { orphans: 3; widows: 3; }
  .traduction-mandat .traduction-signatures { break-inside: avoid; }
}
`;

const SCRIPT = `'use strict';
(function () {
  var bouton = document.getElementById('imprimer-traduction');
  if (bouton) bouton.addEventListener('click', function () { window.print(); });
})();
`;

export function ressourcesTraductionRouter(): Router {
  const router = Router();
  for (const paquet of POLICES) {
    const dossier = dirname(require.resolve(`@fontsource/${paquet}/package.json`));
    // Pinned package versions: the files never change under the same address.
    router.use(`/polices/${paquet}`, express.static(dossier, { maxAge: '7d', immutable: true, index: false, dotfiles: 'ignore' }));
  }
  router.get('/ressources/traduction-mandat.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(STYLE);
  });
  router.get('/ressources/traduction-mandat.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=3600').send(SCRIPT);
  });
  return router;
}
