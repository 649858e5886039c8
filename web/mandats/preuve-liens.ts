// The printed proof's links on a usager's page, one group per mandat card: the mandat to print (from its
// creation on), the revocation attestation once a démarche was revoked. Each document is a labelled button
// that opens the PDF in the browser to print it (served `inline`), with « Télécharger » beside it (served as
// an attachment: web/mandats/preuve-routes.ts). The group carries `fr-btns-group--icon-left`: without it DSFR
// shrinks every small icon button to a 32 px square and hides its label (issue 18).
// The usager's language (issue 22): the translation to print with the mandat, the page to choose the language.
import { html, type SafeHtml } from '../ui/html.ts';
import { liensLangue } from './langue-pages.ts';

function document(href: string, libelle: string, icone: string, precision: string, objet: string): SafeHtml {
  return html`<li><a class="fr-btn fr-btn--secondary ${icone} fr-btn--icon-left" href="${href}" target="_blank" rel="noopener">${libelle}<span class="fr-sr-only"> ${precision} (PDF, nouvelle fenêtre)</span></a></li>
    <li><a class="fr-btn fr-btn--tertiary fr-icon-download-line fr-btn--icon-left" href="${href}?telecharger=1" download>Télécharger<span class="fr-sr-only"> ${objet} (PDF)</span></a></li>`;
}

export function boutonsPreuve(m: { id: number; template_version?: string | null; langue?: string | null; autorisations: { revoked_at: Date | null }[] }): SafeHtml {
  const revocation = m.autorisations.some((a) => a.revoked_at !== null);
  return html`${document(`/mandats/${m.id}/mandat.pdf`, 'Imprimer le mandat', 'fr-icon-printer-line', `n° ${m.id}`, `le mandat n° ${m.id}`)}
    ${revocation ? document(`/mandats/${m.id}/attestation-revocation.pdf`, 'Attestation de révocation', 'fr-icon-file-pdf-line', `du mandat n° ${m.id}`, `l’attestation de révocation du mandat n° ${m.id}`) : ''}
    ${liensLangue(m)}`;
}
