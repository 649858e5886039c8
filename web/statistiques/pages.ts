// The public statistics page (/stats): the key figures, the autorisations used per month as a bar chart drawn
// on the server in SVG (no script, readable without colour: every bar carries its number), and the same
// figures per démarche and month as a table, for screen readers and for whoever wants the detail.
import { html, type SafeHtml } from '../ui/html.ts';
import type { StatistiquesPubliques } from '../../api/statistiques/publiques.ts';

const MOIS_COURTS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
const MOIS_LONGS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const n = (x: number) => x.toLocaleString('fr-FR');
const moisLong = (m: string) => `${MOIS_LONGS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

/** Bars of the autorisations used per month; heights scaled on the highest month. */
export function graphiqueMois(mois: string[], valeurs: number[]): SafeHtml {
  const largeur = 720;
  const hauteur = 330;
  const haut = 36;
  const bas = 64;
  const pas = largeur / mois.length;
  const barre = pas * 0.6;
  const max = Math.max(1, ...valeurs);
  const zone = hauteur - haut - bas;
  const resume = valeurs.every((v) => v === 0)
    ? 'Aucune autorisation utilisée sur la période.'
    : `De ${n(Math.min(...valeurs))} à ${n(max)} autorisations utilisées par mois ; ${n(valeurs[valeurs.length - 1])} en ${moisLong(mois[mois.length - 1])}.`;
  return html`<svg viewBox="0 0 ${largeur} ${hauteur}" width="100%" role="img" aria-labelledby="graphique-titre graphique-resume" focusable="false">
  <title id="graphique-titre">Autorisations utilisées par mois, de ${moisLong(mois[0])} à ${moisLong(mois[mois.length - 1])}</title>
  <desc id="graphique-resume">${resume} Le détail par démarche est dans le tableau qui suit.</desc>
  <line x1="0" y1="${hauteur - bas}" x2="${largeur}" y2="${hauteur - bas}" stroke="#3a3a3a" stroke-width="1"></line>
  ${mois.map((m, i) => {
    const h = Math.round((valeurs[i] / max) * zone);
    const x = i * pas + (pas - barre) / 2;
    const y = hauteur - bas - h;
    const annee = i === 0 || m.endsWith('-01');
    return html`<g>
    <rect x="${x.toFixed(1)}" y="${y}" width="${barre.toFixed(1)}" height="${h}" fill="#000091"></rect>
    <text x="${(x + barre / 2).toFixed(1)}" y="${y - 10}" text-anchor="middle" font-size="24" fill="#161616">${n(valeurs[i])}</text>
    <text x="${(x + barre / 2).toFixed(1)}" y="${hauteur - bas + 28}" text-anchor="middle" font-size="21" fill="#3a3a3a">${MOIS_COURTS[Number(m.slice(5, 7)) - 1]}</text>
    ${annee ? html`<text x="${(x + barre / 2).toFixed(1)}" y="${hauteur - bas + 54}" text-anchor="middle" font-size="21" fill="#3a3a3a">${m.slice(0, 4)}</text>` : ''}
  </g>`;
  })}
</svg>`;
}

function chiffre(valeur: number, libelle: string): SafeHtml {
  return html`<li class="fr-col-6 fr-col-md-4"><p class="fr-h2 fr-mb-0">${n(valeur)}</p><p>${libelle}</p></li>`;
}

export function statistiquesPage(s: StatistiquesPubliques): SafeHtml {
  const heure = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }).format(s.calculeesA);
  return html`<h1>Statistiques d’Aidants Connect</h1>
<p>Les chiffres du service, hors structure de l’équipe Aidants Connect. Calculés le ${heure}, mis à jour toutes les 10&nbsp;minutes.</p>
<h2>Chiffres clés</h2>
<ul class="fr-grid-row fr-grid-row--gutters fr-raw-list">
  ${chiffre(s.structures, s.structures > 1 ? 'structures habilitées' : 'structure habilitée')}
  ${chiffre(s.aidantsActifs, s.aidantsActifs > 1 ? 'aidants actifs' : 'aidant actif')}
  ${chiffre(s.usagersAides, s.usagersAides > 1 ? 'usagers accompagnés' : 'usager accompagné')}
  ${chiffre(s.mandatsCrees, s.mandatsCrees > 1 ? 'mandats créés depuis l’ouverture' : 'mandat créé depuis l’ouverture')}
  ${chiffre(s.mandatsActifs, s.mandatsActifs > 1 ? 'mandats en cours' : 'mandat en cours')}
  ${chiffre(s.utilisationsTotal, `${s.utilisationsTotal > 1 ? 'autorisations utilisées' : 'autorisation utilisée'} en 12 mois`)}
</ul>
<h2 class="fr-mt-4w">Autorisations utilisées par mois</h2>
<p>Une autorisation est utilisée quand un aidant réalise une démarche en ligne pour un usager, au nom du mandat.</p>
<div class="fr-grid-row fr-mb-4w"><figure class="fr-col-12 fr-col-lg-9 fr-m-0">${graphiqueMois(s.mois, s.totalParMois)}</figure></div>
<div class="fr-table"><table tabindex="0">
  <caption>Autorisations utilisées par démarche et par mois</caption>
  <thead><tr><th scope="col">Démarche</th>${s.mois.map((m) => html`<th scope="col"><abbr title="${moisLong(m)}">${MOIS_COURTS[Number(m.slice(5, 7)) - 1]} ${m.slice(2, 4)}</abbr></th>`)}<th scope="col">Total</th></tr></thead>
  <tbody>
    ${s.parDemarche.map((d) => html`<tr><th scope="row">${d.titre}</th>${d.parMois.map((v) => html`<td>${n(v)}</td>`)}<td>${n(d.total)}</td></tr>`)}
    <tr><th scope="row">Toutes les démarches</th>${s.totalParMois.map((v) => html`<td>${n(v)}</td>`)}<td>${n(s.utilisationsTotal)}</td></tr>
  </tbody>
</table></div>
<p><a class="fr-link fr-link--download" href="/stats.csv" download>Télécharger ces chiffres <span class="fr-link__detail">CSV, séparateur point-virgule</span></a></p>
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/">Retour à l’accueil</a></p>`;
}
