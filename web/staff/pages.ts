// Staff back office pages: home and the TOTP card import.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary } from '../ui/forms.ts';
import type { RapportImport } from '../../api/staff/cartes.ts';
import { accord, nombre } from '../../db/domain/francais.ts';

/** "2 cartes ajoutées, 1 carte mise à jour, aucune refusée." */
export function resumeCartes(r: RapportImport): string {
  const part = (n: number, s: string, p: string, zero: string) => (n ? nombre(n, s, p) : zero);
  return `${part(r.ajoutees, 'carte ajoutée', 'cartes ajoutées', 'aucune carte ajoutée')}, ${part(r.misesAJour, 'mise à jour', 'mises à jour', 'aucune mise à jour')}, ${part(r.refusees, 'refusée', 'refusées', 'aucune refusée')}.`;
}

export function staffHomePage(stats: { cartes: number; cartesLibres: number; aidantsActifs: number; structures: number }): SafeHtml {
  return html`<h1>Équipe Aidants Connect</h1>
<ul class="fr-grid-row fr-grid-row--gutters fr-raw-list">
  <li class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content">
    <h2 class="fr-tile__title"><a href="/staff/habilitations">Demandes d’habilitation</a></h2>
    <p class="fr-tile__detail">Instruire les demandes, suivre les formations</p></div></div></div></li>
  <li class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content">
    <h2 class="fr-tile__title"><a href="/staff/cartes">Cartes TOTP</a></h2>
    <p class="fr-tile__detail">${nombre(stats.cartes, 'carte', 'cartes')}, dont ${stats.cartesLibres} non ${accord(stats.cartesLibres, 'associée', 'associées')}</p></div></div></div></li>
</ul>
<p class="fr-mt-4w">${nombre(stats.structures, 'structure active', 'structures actives')}, ${nombre(stats.aidantsActifs, 'compte actif', 'comptes actifs')}.</p>`;
}

export function cardImportPage(opts: { csrf: string; error?: string; rapport?: RapportImport }): SafeHtml {
  const r = opts.rapport;
  return html`<h1>Importer des cartes TOTP</h1>
${errorSummary(opts.error ? { fichier: opts.error } : {})}
${r ? html`<div class="fr-alert fr-alert--${r.refusees ? 'warning' : 'success'} fr-mb-3w" role="status"><p>${resumeCartes(r)}</p></div>
<div class="fr-table"><table tabindex="0"><caption>Rapport ligne par ligne</caption>
<thead><tr><th scope="col">Ligne</th><th scope="col">Numéro de série</th><th scope="col">Résultat</th><th scope="col">Raison</th></tr></thead>
<tbody>${r.lignes.map((l) => html`<tr><td>${l.ligne}</td><td>${l.numero}</td><td>${l.resultat}</td><td>${l.raison ?? ''}</td></tr>`)}</tbody></table></div>` : ''}
<form method="post" action="/staff/cartes" enctype="multipart/form-data" novalidate>${csrfField(opts.csrf)}
  <div class="fr-upload-group${opts.error ? ' fr-upload-group--error' : ''}">
    <label class="fr-label" for="champ-fichier">Fichier CSV du fabricant
      <span class="fr-hint-text">Une carte par ligne : numéro de série, graine en hexadécimal (séparateur virgule ou point-virgule). 1 Mo au plus.</span></label>
    <input class="fr-upload" type="file" id="champ-fichier" name="fichier" accept=".csv,text/csv"${opts.error ? html` aria-describedby="champ-fichier-erreur"` : ''}>
    ${opts.error ? html`<p class="fr-error-text" id="champ-fichier-erreur">${opts.error}</p>` : ''}
  </div>
  <button class="fr-btn fr-mt-2w" type="submit">Importer</button>
</form>`;
}
