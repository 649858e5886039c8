// Pages of the suspicious-activity alerts (issue 20), for the espace référent (their structures) and the staff
// back office (every structure): the list, open ones first, and one alert with its evidence (the journal rows)
// and the closing form. The same pieces serve both; `base` is where the alerts live.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary } from '../ui/forms.ts';
import { zoneTexte } from '../habilitation/champs.ts';
import { LIBELLES_REGLES } from '../../db/domain/alertes.ts';
import { heureDeParis } from '../../db/domain/horaires.ts';
import { dateEnFrancais, nombre } from '../../db/domain/francais.ts';
import type { AlerteListee, LignePreuve } from '../../api/alertes/alertes.ts';

/** « 14 janvier 2026 à 22 h 10 » (Paris time). */
export function dateHeure(d: Date): string {
  const { minutes } = heureDeParis(d);
  return `${dateEnFrancais(d)} à ${Math.floor(minutes / 60)}\u00a0h\u00a0${String(minutes % 60).padStart(2, '0')}`;
}

const ACTIONS: Record<string, string> = {
  create_attestation: 'Création d’un mandat',
  use_autorisation: 'Utilisation d’un mandat (FranceConnect)',
};

export function badgeAlerte(a: Pick<AlerteListee, 'closed_at'>): SafeHtml {
  return a.closed_at ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Close</p>` : html`<p class="fr-badge fr-badge--sm fr-badge--warning">Ouverte</p>`;
}

/** The table of alerts; `avecStructure` for staff (several structures). */
export function tableAlertes(alertes: AlerteListee[], base: string, caption: string, avecStructure: boolean): SafeHtml {
  return html`<div class="fr-table"><table tabindex="0"><caption>${caption}</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Alerte</th>${avecStructure ? html`<th scope="col">Structure</th>` : ''}<th scope="col">Aidant</th><th scope="col">État</th><th scope="col">Détail</th></tr></thead>
<tbody>${alertes.map((a) => html`<tr>
  <td>${dateHeure(a.created_at)}</td>
  <td>${LIBELLES_REGLES[a.regle]}</td>
  ${avecStructure ? html`<td>${a.structure}</td>` : ''}
  <td>${a.aidant ?? '—'}</td>
  <td>${badgeAlerte(a)}</td>
  <td><a class="fr-link" href="${base}/${a.id}">Voir<span class="fr-sr-only"> l’alerte n° ${a.id}</span></a></td>
</tr>`)}</tbody></table></div>`;
}

export function listeAlertesPage(p: { alertes: AlerteListee[]; base: string; avecStructure: boolean; intro: string }): SafeHtml {
  const ouvertes = p.alertes.filter((a) => !a.closed_at).length;
  return html`<h1>Alertes</h1>
<p>${p.intro}</p>
<p>${ouvertes ? nombre(ouvertes, 'alerte ouverte', 'alertes ouvertes') : 'Aucune alerte ouverte'}.</p>
${p.alertes.length
    ? tableAlertes(p.alertes, p.base, 'Alertes, les ouvertes d’abord', p.avecStructure)
    : html`<div class="fr-callout"><p class="fr-callout__text">Aucune alerte pour le moment : l’activité relevée correspond aux habitudes attendues.</p></div>`}`;
}

function tablePreuves(lignes: LignePreuve[]): SafeHtml {
  return html`<div class="fr-table"><table tabindex="0"><caption>Lignes du journal qui fondent l’alerte</caption>
<thead><tr><th scope="col">N° de ligne</th><th scope="col">Date</th><th scope="col">Action</th><th scope="col">Aidant</th><th scope="col">Structure</th><th scope="col">Mandat</th><th scope="col">Usager</th></tr></thead>
<tbody>${lignes.map((l) => html`<tr>
  <td>${l.id}</td><td>${dateHeure(l.created_at)}</td><td>${ACTIONS[l.action] ?? l.action}</td><td>${l.aidant ?? '—'}</td>
  <td>${l.structure ?? '—'}</td><td>${l.mandat_id ? `n° ${l.mandat_id}` : '—'}</td><td>${l.usager_id ? `n° ${l.usager_id}` : '—'}</td>
</tr>`)}</tbody></table></div>`;
}

export function alertePage(p: { alerte: AlerteListee & { lignes: LignePreuve[] }; base: string; csrf: string; erreur?: string; commentaire?: string }): SafeHtml {
  const a = p.alerte;
  return html`<h1>${LIBELLES_REGLES[a.regle]}</h1>
${badgeAlerte(a)}
<p class="fr-mt-2w">${a.description}</p>
<ul>
  <li>Structure : ${a.structure}</li>
  <li>Aidant : ${a.aidant ?? '—'}</li>
  <li>Relevée le ${dateHeure(a.created_at)} (alerte n° ${a.id})</li>
</ul>
${tablePreuves(a.lignes)}
${a.closed_at
    ? html`<div class="fr-callout fr-mt-3w"><h2 class="fr-callout__title">Alerte close</h2><p class="fr-callout__text">Close le ${dateHeure(a.closed_at)} par ${a.closed_by_name ?? '—'} : « ${a.closing_comment ?? ''} »</p></div>`
    : html`<h2 class="fr-mt-4w">Clore l’alerte</h2>
${errorSummary(p.erreur ? { commentaire: p.erreur } : {})}
<form method="post" action="${p.base}/${a.id}/cloture" novalidate>${csrfField(p.csrf)}
  ${zoneTexte({ name: 'commentaire', label: 'Ce que vous avez constaté', aide: 'Par exemple : permanence du soir prévue, erreur de manipulation, échange avec l’aidant. Le commentaire est conservé au journal.', value: p.commentaire, erreur: p.erreur })}
  <button class="fr-btn" type="submit">Clore l’alerte</button>
</form>`}
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="${p.base}">Toutes les alertes</a></p>`;
}
