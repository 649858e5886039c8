// Staff back office pages: home and the TOTP card import.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary } from '../ui/forms.ts';
import type { RapportImport } from '../../api/staff/cartes.ts';
import { accord, nombre } from '../../db/domain/francais.ts';
import { navigation } from '../ui/navigation.ts';

/** "2 cartes ajoutées, 1 carte mise à jour, aucune refusée." */
export function resumeCartes(r: RapportImport): string {
  const part = (n: number, s: string, p: string, zero: string) => (n ? nombre(n, s, p) : zero);
  return `${part(r.ajoutees, 'carte ajoutée', 'cartes ajoutées', 'aucune carte ajoutée')}, ${part(r.misesAJour, 'mise à jour', 'mises à jour', 'aucune mise à jour')}, ${part(r.refusees, 'refusée', 'refusées', 'aucune refusée')}.`;
}

/** What each staff space is for, under its tile; a space without a line here still gets its tile. */
const DETAILS_ESPACES: Record<string, (stats: StatistiquesEquipe) => string> = {
  '/staff/habilitations': () => 'Instruire les demandes, suivre les formations',
  '/staff/habilitations/liste-attente': () => 'Accepter ou refuser les aidants ajoutés par les référents',
  '/staff/structures': (stats) => `${nombre(stats.structures, 'structure active', 'structures actives')}, ${nombre(stats.aidantsActifs, 'compte actif', 'comptes actifs')}`,
  '/staff/journal': () => 'Vérifier la chaîne d’empreintes du journal',
  '/staff/signalements': () => 'Suivre les actions que des usagers ne reconnaissent pas dans leur espace',
  '/staff/alertes': () => 'Activités inhabituelles des aidants, à vérifier et clore',
  '/staff/cartes': (stats) => `${nombre(stats.cartes, 'carte', 'cartes')}, dont ${stats.cartesLibres} non ${accord(stats.cartesLibres, 'associée', 'associées')}`,
};

interface StatistiquesEquipe { cartes: number; cartesLibres: number; aidantsActifs: number; structures: number }

/** One tile per entry of the staff menu (web/ui/navigation.ts), so that the home leads everywhere the menu does. */
export function staffHomePage(stats: StatistiquesEquipe): SafeHtml {
  const espaces = navigation({ fullName: '', isStaff: true });
  return html`<h1>Équipe Aidants Connect</h1>
<ul class="fr-grid-row fr-grid-row--gutters fr-raw-list">
${espaces.map((e) => html`  <li class="fr-col-12 fr-col-md-6 fr-col-lg-3"><div class="fr-tile fr-enlarge-link"><div class="fr-tile__body"><div class="fr-tile__content">
    <h2 class="fr-tile__title"><a href="${e.href}">${e.label}</a></h2>
    ${DETAILS_ESPACES[e.href] ? html`<p class="fr-tile__detail">${DETAILS_ESPACES[e.href](stats)}</p>` : ''}</div></div></div></li>
`)}</ul>`;
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
