// The printed proof's links on a usager's page, one group per mandat card: the mandat to print (from its
// creation on), the revocation attestation once a démarche was revoked.
import { html, type SafeHtml } from '../ui/html.ts';

export function boutonsPreuve(m: { id: number; autorisations: { revoked_at: Date | null }[] }): SafeHtml {
  const revocation = m.autorisations.some((a) => a.revoked_at !== null);
  return html`<li><a class="fr-btn fr-btn--tertiary fr-icon-printer-line fr-btn--icon-left" href="/mandats/${m.id}/mandat.pdf">Imprimer le mandat (PDF)<span class="fr-sr-only"> n° ${m.id}</span></a></li>
    ${revocation ? html`<li><a class="fr-btn fr-btn--tertiary fr-icon-file-pdf-line fr-btn--icon-left" href="/mandats/${m.id}/attestation-revocation.pdf">Attestation de révocation (PDF)<span class="fr-sr-only"> du mandat n° ${m.id}</span></a></li>` : ''}`;
}
