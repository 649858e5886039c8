// Reading our PDFs in tests as a person or a scanner would: the text of each page (pdfjs-dist), and the QR
// code found on a page rendered to pixels (pdfjs-dist's Node canvas, then jsQR).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jsQRModule from 'jsqr';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// jsqr's module is the function itself; its typings describe a `default` export.
const jsQR = jsQRModule as unknown as (typeof jsQRModule)['default'];
const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';

async function ouvrir(pdf: Buffer) {
  const tache = getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, verbosity: 0 });
  return Object.assign(await tache.promise, { fermer: () => tache.destroy() });
}

/** The text of each page, lines joined by spaces (pdfjs splits lines into items). */
export async function textePdf(pdf: Buffer): Promise<string[]> {
  const doc = await ouvrir(pdf);
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const contenu = await (await doc.getPage(p)).getTextContent();
      pages.push(contenu.items.map((i) => ('str' in i ? i.str : '')).join(' ').replace(/\s+/g, ' '));
    }
    return pages;
  } finally {
    await doc.fermer();
  }
}

/** The text of the QR code printed on page `page` (1-based), or null if none can be read. */
export async function qrDuPdf(pdf: Buffer, page = 1): Promise<string | null> {
  const doc = await ouvrir(pdf);
  try {
    const p = await doc.getPage(page);
    // Only the footer band, where the QR code is printed: rasterising the whole page is slow under Jest.
    const pleine = p.getViewport({ scale: 2 });
    const bande = Math.round(pleine.height * 0.2);
    const viewport = p.getViewport({ scale: 2, offsetY: -(pleine.height - bande) });
    // In Node, pdfjs-dist's canvas factory draws with @napi-rs/canvas (its optional dependency).
    const fabrique = doc.canvasFactory as { create(w: number, h: number): { canvas: never; context: never } };
    const { canvas, context } = fabrique.create(viewport.width, bande);
    await p.render({ canvas, canvasContext: context, viewport }).promise;
    const image = (context as { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number; height: number } })
      .getImageData(0, 0, viewport.width, bande);
    return jsQR(image.data, image.width, image.height)?.data ?? null;
  } finally {
    await doc.fermer();
  }
}
