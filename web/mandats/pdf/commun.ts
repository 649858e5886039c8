// What the printed mandat and the revocation attestation share: an A4 document (pdfkit, no browser), the
// page footer with the verification code and its QR code drawn as vectors (sharp at any print size), the
// signature blocks, French dates. Two copies per file, each numbered on its own.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { dateLongue } from '../../../db/domain/mandat.ts';
import { formaterCode } from '../../../db/domain/preuve-mandat.ts';

export type Doc = PDFKit.PDFDocument;

const A4 = { largeur: 595.28, hauteur: 841.89 };
export const MARGE = 56;
const HAUTEUR_PIED = 118;
export const LARGEUR_UTILE = A4.largeur - 2 * MARGE;
const BLEU_FRANCE = '#000091';
const GRIS = '#3a3a3a';

// The 14 standard PDF fonts need no embedding, which keeps a mandat small and fast to produce; they cover
// Windows-1252 only. A name with other letters (Ł, ő, ș…) is written in Marianne, the State's typeface
// shipped with the DSFR, embedded for that document alone.
const WIN_ANSI = /^[\n\x20-\x7e\xa0-\xff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]*$/;
const dsfrFonts = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist', 'fonts');
let marianne: { regulier: Buffer; gras: Buffer } | null = null;
const avecMarianne = new WeakSet<Doc>();
const ASCENDANT_HELVETICA = 0.718; // Helvetica.afm and Helvetica-Bold.afm: Ascender 718

/** Text as the PDF fonts expect it: composed accents, ordinary spaces for the narrow ones of French typography. */
export function pourPdf(texte: string): string {
  return texte.normalize('NFC').replace(/[\u202f\u2009\u2007]/g, ' ');
}

function police(doc: Doc, marianneRequise: boolean, gras: boolean): void {
  if (!marianneRequise) {
    doc.font(gras ? 'Helvetica-Bold' : 'Helvetica');
    return;
  }
  marianne ??= {
    regulier: readFileSync(join(dsfrFonts, 'Marianne-Regular.woff')),
    gras: readFileSync(join(dsfrFonts, 'Marianne-Bold.woff')),
  };
  if (!avecMarianne.has(doc)) {
    doc.registerFont('Marianne', marianne.regulier).registerFont('Marianne-Bold', marianne.gras);
    avecMarianne.add(doc);
  }
  doc.font(gras ? 'Marianne-Bold' : 'Marianne');
}

/**
 * The text cut into runs of one font: only the words outside Windows-1252 go to the embedded font (laying
 * text out with it is far slower than with a standard font).
 */
function segments(texte: string): { texte: string; marianne: boolean }[] {
  if (WIN_ANSI.test(texte)) return [{ texte, marianne: false }];
  const runs: { texte: string; marianne: boolean }[] = [];
  for (const mot of texte.split(/(?<=\s)/)) {
    const m = !WIN_ANSI.test(mot);
    const dernier = runs.at(-1);
    if (dernier && dernier.marianne === m) dernier.texte += mot;
    else runs.push({ texte: mot, marianne: m });
  }
  return runs;
}

export interface StyleTexte extends PDFKit.Mixins.TextOptions {
  x?: number;
  y?: number;
  gras?: boolean;
  taille?: number;
  couleur?: string;
}

/** Writes a paragraph in the flow (page breaks included). */
export function texte(doc: Doc, contenu: string, style: StyleTexte = {}): Doc {
  const { gras = false, taille = 10, couleur = 'black', x, y, ...options } = style;
  const runs = segments(pourPdf(contenu));
  doc.fontSize(taille).fillColor(couleur);
  // Justifying runs of two fonts spaces them unevenly: such a paragraph is aligned left.
  const align = runs.length > 1 && options.align === 'justify' ? 'left' : options.align;
  for (const [i, run] of runs.entries()) {
    police(doc, run.marianne, gras);
    const opts = {
      ...options, align, continued: i < runs.length - 1 || options.continued,
      // pdfkit places a line by its font's ascender: Marianne's words sit on Helvetica's baseline this way.
      ...(run.marianne ? { baseline: -ASCENDANT_HELVETICA * taille } : {}),
    };
    // pdfkit reads a position from its arguments only, not from the options.
    if (i === 0 && (x !== undefined || y !== undefined)) doc.text(run.texte, x ?? doc.x, y ?? doc.y, opts);
    else doc.text(run.texte, opts);
  }
  return doc;
}

/** « Libellé : valeur » on one line (the value may use another font than the label). */
export function ligne(doc: Doc, libelle: string, valeur: string): void {
  texte(doc, `${libelle} : `, { gras: true, continued: true });
  texte(doc, valeur);
}

export function titreSection(doc: Doc, titre: string): void {
  assurerPlace(doc, 60);
  doc.moveDown(0.6);
  texte(doc, titre, { gras: true, taille: 12, couleur: BLEU_FRANCE });
  doc.moveDown(0.2);
}

/** Starts a new page if fewer than `hauteur` points are left above the footer. */
export function assurerPlace(doc: Doc, hauteur: number): void {
  if (doc.y + hauteur > A4.hauteur - HAUTEUR_PIED) doc.addPage();
}

export function puce(doc: Doc, titre: string, detail?: string): void {
  assurerPlace(doc, 30);
  const x = doc.x;
  texte(doc, '•', { gras: true, lineBreak: false });
  doc.x = x + 12;
  texte(doc, titre, { gras: true, width: LARGEUR_UTILE - 12 });
  if (detail) texte(doc, detail, { taille: 9, couleur: GRIS, width: LARGEUR_UTILE - 12 });
  doc.x = x;
  doc.moveDown(0.3);
}

/** Two boxes side by side, never split over two pages. */
export function blocsSignature(doc: Doc, gauche: { titre: string; nom: string }, droite: { titre: string; nom: string }): void {
  const hauteur = 100;
  assurerPlace(doc, hauteur + 20);
  doc.moveDown(0.8);
  const y = doc.y;
  const largeur = (LARGEUR_UTILE - 16) / 2;
  for (const [i, bloc] of [gauche, droite].entries()) {
    const x = MARGE + i * (largeur + 16);
    doc.lineWidth(0.8).strokeColor(GRIS).rect(x, y, largeur, hauteur).stroke();
    texte(doc, bloc.titre, { gras: true, taille: 9, x: x + 8, y: y + 8, width: largeur - 16 });
    texte(doc, bloc.nom, { taille: 9, couleur: GRIS, x: x + 8, width: largeur - 16 });
  }
  doc.x = MARGE;
  doc.y = y + hauteur + 8;
}

/** « 26 novembre 2026 à 10 h 32 », Paris time. */
const HEURE = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris', hourCycle: 'h23' });

export function dateHeure(d: Date): string {
  const parts = HEURE.formatToParts(d);
  const h = parts.find((p) => p.type === 'hour')!.value;
  const m = parts.find((p) => p.type === 'minute')!.value;
  return `${dateLongue(d)} à ${h} h ${m}`;
}

export function enTete(doc: Doc, exemplaire: string): void {
  const y = doc.y;
  texte(doc, 'AIDANTS CONNECT', { gras: true, taille: 9, couleur: BLEU_FRANCE });
  texte(doc, exemplaire.toUpperCase(), { gras: true, taille: 9, couleur: BLEU_FRANCE, x: MARGE, y, width: LARGEUR_UTILE, align: 'right' });
  doc.x = MARGE;
  doc.moveDown(1.2);
}

type Qr = ReturnType<typeof QRCode.create>;

export function qrCode(contenu: string): Qr {
  return QRCode.create(contenu, { errorCorrectionLevel: 'M' });
}

/** A QR code, black modules on white, `taille` points wide (quiet zone included). */
export function dessinerQr(doc: Doc, qr: Qr, x: number, y: number, taille: number): void {
  const n = qr.modules.size;
  const module = taille / (n + 8); // 4 modules of quiet zone on each side
  doc.save().rect(x, y, taille, taille).fill('white');
  for (let ligneQr = 0; ligneQr < n; ligneQr++) {
    // One rectangle per run of dark modules: a third of the drawing operations of one per module.
    for (let col = 0; col < n; col++) {
      if (!qr.modules.get(ligneQr, col)) continue;
      let fin = col;
      while (fin + 1 < n && qr.modules.get(ligneQr, fin + 1)) fin++;
      doc.rect(x + (col + 4) * module, y + (ligneQr + 4) * module, (fin - col + 1) * module, module);
      col = fin;
    }
  }
  doc.fill('black').restore();
}

export interface Pied {
  code: string | null;
  urlVerification: string | null;
  /** « Mandat n° 12 · modèle 2026-11 » */
  reference: string;
}

/**
 * Footers of every page, once the content is laid out: the verification code in large letters, the address
 * to check it, the QR code, and « Exemplaire de l’usager · page 1/2 » per copy.
 */
export function piedsDePage(doc: Doc, exemplaires: { libelle: string; premiere: number; derniere: number }[], pied: Pied): void {
  const qr = pied.code && pied.urlVerification ? qrCode(pied.urlVerification) : null;
  for (const ex of exemplaires) {
    const total = ex.derniere - ex.premiere + 1;
    for (let p = ex.premiere; p <= ex.derniere; p++) {
      doc.switchToPage(p);
      doc.page.margins.bottom = 0; // writing below the flow's margin must not open a page
      const haut = A4.hauteur - HAUTEUR_PIED + 12;
      doc.lineWidth(0.5).strokeColor(GRIS).moveTo(MARGE, haut).lineTo(A4.largeur - MARGE, haut).stroke();
      const tailleQr = 86;
      const largeurTexte = LARGEUR_UTILE - tailleQr - 12;
      if (qr && pied.code && pied.urlVerification) {
        dessinerQr(doc, qr, A4.largeur - MARGE - tailleQr, haut + 8, tailleQr);
        texte(doc, 'Code de vérification', { taille: 8, couleur: GRIS, x: MARGE, y: haut + 10, width: largeurTexte, lineBreak: false });
        texte(doc, formaterCode(pied.code), { gras: true, taille: 15, x: MARGE, y: haut + 22, width: largeurTexte, lineBreak: false });
        const adresse = pied.urlVerification.replace(/\/[^/]+$/, '');
        texte(doc, `Vérifiez ce document sur ${adresse} avec ce code, ou scannez le code QR.`, { taille: 8, x: MARGE, y: haut + 44, width: largeurTexte });
      } else {
        texte(doc, 'Document antérieur à la vérification en ligne : il ne porte pas de code de vérification.', { taille: 8, x: MARGE, y: haut + 14, width: largeurTexte });
      }
      texte(doc, `${pied.reference} · ${ex.libelle} · page ${p - ex.premiere + 1}/${total}`, { taille: 8, couleur: GRIS, x: MARGE, y: haut + 80, width: largeurTexte, lineBreak: false });
    }
  }
}

/** A new A4 document and the promise of its bytes once `doc.end()` is called. */
export function nouveauPdf(meta: { titre: string; sujet: string }): { doc: Doc; octets: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 48, left: MARGE, right: MARGE, bottom: HAUTEUR_PIED },
    bufferPages: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: pourPdf(meta.titre), Subject: pourPdf(meta.sujet), Author: 'Aidants Connect', Creator: 'Aidants Connect' },
  });
  const morceaux: Buffer[] = [];
  doc.on('data', (m: Buffer) => morceaux.push(m));
  const octets = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(morceaux)));
    doc.on('error', reject);
  });
  return { doc, octets };
}

/** Index of the page being written (pages are buffered until the footers are drawn). */
export function pageCourante(doc: Doc): number {
  const r = doc.bufferedPageRange();
  return r.start + r.count - 1;
}

export const COPIES = [
  { cle: 'usager', libelle: 'Exemplaire de l’usager' },
  { cle: 'structure', libelle: 'Exemplaire de la structure' },
] as const;
