// Pages of the espace référent: the team with its devices, and one aidant's page with its actions.
import { html, type SafeHtml } from '../html.ts';
import { csrfField, errorSummary, inputGroup, selectGroup, type FieldErrors } from '../forms.ts';
import type { AidantRow } from '../../api/referent/scope.ts';
import { RAISONS_DISSOCIATION_CARTE } from '../../db/domain/authentification.ts';

const date = (d: Date | null) => (d ? new Date(d).toLocaleDateString('fr-FR', { dateStyle: 'medium' }) : 'jamais');

function deviceBadges(a: AidantRow): SafeHtml {
  return html`${a.card_serial
    ? html`<p class="fr-badge fr-badge--sm ${a.card_confirmed ? 'fr-badge--success' : 'fr-badge--warning'}">Carte ${a.card_serial}${a.card_confirmed ? '' : ' à valider'}</p>`
    : ''} ${a.has_app ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Application</p>` : ''} ${!a.card_serial && !a.has_app ? html`<p class="fr-badge fr-badge--sm fr-badge--error">Aucun moyen de connexion</p>` : ''}`;
}

export function teamPage(rows: AidantRow[]): SafeHtml {
  const byStructure = new Map<string, AidantRow[]>();
  for (const r of rows) byStructure.set(r.structure_name, [...(byStructure.get(r.structure_name) ?? []), r]);
  return html`<h1>Espace référent</h1>
<p>Gérez les aidants de votre structure : moyens de connexion, activation des comptes.</p>
${[...byStructure].map(
  ([name, list]) => html`<div class="fr-table fr-mt-4w"><table>
  <caption>${name} — ${list.length} ${list.length > 1 ? 'personnes' : 'personne'}</caption>
  <thead><tr><th scope="col">Nom</th><th scope="col">Adresse e-mail</th><th scope="col">Compte</th><th scope="col">Dernière connexion</th><th scope="col">Moyens de connexion</th><th scope="col">Action</th></tr></thead>
  <tbody>${list.map(
    (a) => html`<tr>
    <td>${a.first_name} ${a.last_name}${a.is_referent ? html` <p class="fr-badge fr-badge--sm fr-badge--info">Référent</p>` : ''}</td>
    <td>${a.email}</td>
    <td>${a.is_active ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>` : html`<p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>`}</td>
    <td>${date(a.last_login_at)}</td>
    <td>${deviceBadges(a)}</td>
    <td><a class="fr-link" href="/espace-referent/aidants/${a.id}">Gérer<span class="fr-sr-only"> ${a.first_name} ${a.last_name}</span></a></td>
  </tr>`,
  )}</tbody></table></div>`,
)}`;
}

export interface AidantPageData {
  csrf: string;
  row: AidantRow;
  errors?: FieldErrors;
  values?: Record<string, string>;
}

export function aidantPage({ csrf, row, errors = {}, values = {} }: AidantPageData): SafeHtml {
  const base = `/espace-referent/aidants/${row.id}`;
  const cardSection = !row.card_serial
    ? html`<form method="post" action="${base}/carte" novalidate>${csrfField(csrf)}
        ${inputGroup({ name: 'serial', label: 'Numéro de série de la carte', hint: 'Inscrit au dos de la carte, par exemple GADT0001234', value: values.serial, error: errors.serial })}
        <button class="fr-btn" type="submit">Associer la carte</button></form>`
    : html`${!row.card_confirmed
        ? html`<form method="post" action="${base}/carte/validation" novalidate>${csrfField(csrf)}
          <p>La carte ${row.card_serial} est associée : validez-la avec le code qu’elle affiche.</p>
          ${inputGroup({ name: 'code', label: 'Code affiché sur la carte', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', error: errors.code, maxlength: 7 })}
          <button class="fr-btn" type="submit">Valider la carte</button></form>`
        : html`<p>Carte ${row.card_serial} associée et validée.</p>
          <form method="post" action="${base}/carte/resynchronisation" novalidate>${csrfField(csrf)}
          <p>Si l’aidant ne peut plus se connecter avec sa carte (son horloge a dérivé), resynchronisez-la avec le code qu’elle affiche.</p>
          ${inputGroup({ name: 'code', label: 'Code affiché sur la carte', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', error: errors.code, maxlength: 7 })}
          <button class="fr-btn fr-btn--secondary" type="submit">Resynchroniser la carte</button></form>`}
      <form method="post" action="${base}/carte/dissociation" class="fr-mt-3w" novalidate>${csrfField(csrf)}
        ${selectGroup({ name: 'raison', label: 'Raison de la dissociation', options: Object.entries(RAISONS_DISSOCIATION_CARTE), value: values.raison, error: errors.raison })}
        ${inputGroup({ name: 'precision', label: 'Précision (obligatoire pour « Autre »)', value: values.precision, error: errors.precision })}
        <button class="fr-btn fr-btn--secondary" type="submit">Dissocier la carte</button></form>`;
  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :"><ol class="fr-breadcrumb__list">
  <li><a class="fr-breadcrumb__link" href="/espace-referent">Espace référent</a></li>
  <li><a class="fr-breadcrumb__link" aria-current="page">${row.first_name} ${row.last_name}</a></li></ol></nav>
<h1>${row.first_name} ${row.last_name}</h1>
${errorSummary(errors)}
<p>${row.email} — ${row.structure_name} — dernière connexion : ${date(row.last_login_at)}</p>
<p>${row.is_active ? html`<span class="fr-badge fr-badge--success">Compte actif</span>` : html`<span class="fr-badge fr-badge--error">Compte désactivé</span>`}</p>
<h2 class="fr-mt-4w">Carte Aidants Connect</h2>
${cardSection}
<h2 class="fr-mt-4w">Application d’authentification</h2>
<p>${row.has_app ? 'Une application est configurée. En configurer une nouvelle remplace l’ancienne.' : 'Aucune application configurée.'}</p>
<a class="fr-btn fr-btn--secondary" href="${base}/application">${row.has_app ? 'Remplacer l’application' : 'Configurer une application'}</a>
<h2 class="fr-mt-4w">Compte</h2>
<form method="post" action="${base}/${row.is_active ? 'desactivation' : 'reactivation'}">${csrfField(csrf)}
  ${errors.compte ? html`<p class="fr-error-text" id="champ-compte-erreur">${errors.compte}</p>` : ''}
  <button class="fr-btn ${row.is_active ? 'fr-btn--tertiary' : ''}" type="submit" id="champ-compte"${errors.compte ? html` aria-describedby="champ-compte-erreur"` : ''}>${row.is_active ? 'Désactiver le compte' : 'Réactiver le compte'}</button>
</form>`;
}

export function enrolmentPage(opts: { csrf: string; action: string; who: string; qrSvgDataUrl: string; secret: string; error?: string; intro?: SafeHtml }): SafeHtml {
  return html`<h1>Configurer une application d’authentification</h1>
${opts.intro ?? ''}
${errorSummary(opts.error ? { code: opts.error } : {})}
<ol>
  <li>Installez une application d’authentification (par exemple FreeOTP, Aegis ou celle de votre téléphone professionnel).</li>
  <li>Scannez ce QR code avec l’application${opts.who ? ` de ${opts.who}` : ''}.</li>
  <li>Saisissez le code à 6 chiffres qu’elle affiche.</li>
</ol>
<img src="${opts.qrSvgDataUrl}" alt="QR code de configuration de l’application d’authentification" width="200" height="200">
<p>Impossible de scanner ? Saisissez cette clé dans l’application : <code>${opts.secret}</code></p>
<form method="post" action="${opts.action}" novalidate>${csrfField(opts.csrf)}
  ${inputGroup({ name: 'code', label: 'Code affiché par l’application', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', error: opts.error, maxlength: 7 })}
  <button class="fr-btn" type="submit">Valider</button>
</form>`;
}
