// Staff back office pages: home and the TOTP card import.
import { html, type SafeHtml } from '../html.ts';
import { csrfField, errorSummary } from '../forms.ts';
import type { RapportImport } from '../../api/staff/cartes.ts';

export function staffHomePage(stats: { cartes: number; cartesLibres: number; aidantsActifs: number; structures: number }): SafeHtml {
  return html`<h1>Équipe Aidants Connect</h1>
<ul class="fr-grid-row fr-grid-row--gutters fr-raw-list">
  <li class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content">
    <h2 class="fr-tile__title"><a href="/staff/habilitations">Demandes d’habilitation</a></h2>
    <p class="fr-tile__detail">Instruire les demandes, suivre les formations</p></div></div></div></li>
  <li class="fr-col-12 fr-col-md-4"><div class="fr-tile"><div class="fr-tile__body"><div class="fr-tile__content">
    <h2 class="fr-tile__title"><a href="/staff/cartes">Cartes TOTP</a></h2>
    <p class="fr-tile__detail">${stats.cartes} cartes, dont ${stats.cartesLibres} non associées</p></div></div></div></li>
</ul>
<p class="fr-mt-4w">${stats.structures} structures actives, ${stats.aidantsActifs} comptes actifs.</p>`;
}

export function cardImportPage(opts: { csrf: string; error?: string; rapport?: RapportImport }): SafeHtml {
  const r = opts.rapport;
  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :"><ol class="fr-breadcrumb__list">
  <li><a class="fr-breadcrumb__link" href="/staff">Équipe</a></li><li><a class="fr-breadcrumb__link" aria-current="page">Cartes TOTP</a></li></ol></nav>
<h1>Importer des cartes TOTP</h1>
${errorSummary(opts.error ? { fichier: opts.error } : {})}
${r ? html`<div class="fr-alert fr-alert--${r.refusees ? 'warning' : 'success'} fr-mb-3w" role="status"><p>${r.ajoutees} ajoutée(s), ${r.misesAJour} mise(s) à jour, ${r.refusees} refusée(s).</p></div>
<div class="fr-table"><table><caption>Rapport ligne par ligne</caption>
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
