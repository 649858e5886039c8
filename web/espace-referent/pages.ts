// Pages of the espace référent: the team with its devices, one aidant's page with its actions, the
// deactivation confirmation and the cards of the team. Each sits in the space's side menu (menu.ts).
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup, selectGroup, type FieldErrors } from '../ui/forms.ts';
import type { AidantRow } from '../../api/referent/scope.ts';
import { RAISONS_DISSOCIATION_CARTE } from '../../db/domain/authentification.ts';
import { RAISONS_DESACTIVATION } from '../../db/domain/desactivation.ts';
import { dateEnFrancais, de, nombre } from '../../db/domain/francais.ts';
import { espaceReferent } from './menu.ts';

const date = (d: Date | null) => (d ? dateEnFrancais(d) : 'jamais');
const nom = (a: AidantRow) => `${a.first_name} ${a.last_name}`;

function deviceBadges(a: AidantRow): SafeHtml {
  return html`${a.card_serial
    ? html`<p class="fr-badge fr-badge--sm ${a.card_confirmed ? 'fr-badge--success' : 'fr-badge--warning'}">Carte ${a.card_serial}${a.card_confirmed ? '' : ' à valider'}</p>`
    : ''} ${a.has_app ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Application</p>` : ''} ${!a.card_serial && !a.has_app ? html`<p class="fr-badge fr-badge--sm fr-badge--error">Aucun moyen de connexion</p>` : ''}`;
}

/** The person's role in their structure, in words that fit them (a référent may not be an aidant). */
function roleBadge(a: AidantRow): SafeHtml {
  if (!a.is_referent) return html``;
  return html` <p class="fr-badge fr-badge--sm fr-badge--info">${a.referent_non_aidant ? 'Référent, non aidant' : 'Référent et aidant'}</p>`;
}

/** An empty table's message, with where to go next. */
export function etatVide(texte: string, lien?: { label: string; href: string }): SafeHtml {
  return html`<div class="fr-callout fr-mt-3w"><p class="fr-callout__text">${texte}</p>${lien ? html`<a class="fr-btn fr-btn--secondary fr-mt-2w" href="${lien.href}">${lien.label}</a>` : ''}</div>`;
}

const etatCompte = (a: AidantRow) =>
  a.is_active ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>` : html`<p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>`;

/**
 * On a phone (below DSFR's md breakpoint, 768 px) the team is a list of cards, one per person — name, state,
 * last login, « Gérer » — instead of a six-column table whose columns would sit off-screen (issue 18).
 */
function carteEquipe(structure: string, list: AidantRow[], moi: number): SafeHtml {
  return html`<div class="fr-hidden-md fr-mt-4w">
  <h2 class="fr-h6">${structure} — ${nombre(list.length, 'personne', 'personnes')}</h2>
  <ul class="fr-raw-list">${list.map((a) => html`<li class="fr-card fr-card--sm fr-card--no-arrow fr-mb-2w"><div class="fr-card__body"><div class="fr-card__content">
    <h3 class="fr-card__title">${nom(a)}${a.id === moi ? ' (vous)' : ''}</h3>
    <div class="fr-card__desc">${etatCompte(a)}${roleBadge(a)}
      <p class="fr-mt-1w fr-mb-1w">Dernière connexion : ${date(a.last_login_at)}</p>${deviceBadges(a)}</div>
  </div><div class="fr-card__footer"><a class="fr-btn fr-btn--secondary fr-btn--sm" href="/espace-referent/aidants/${a.id}">Gérer<span class="fr-sr-only"> ${nom(a)}</span></a></div></div></li>`)}</ul>
</div>`;
}

export function teamPage(rows: AidantRow[], moi: number): SafeHtml {
  const byStructure = new Map<string, AidantRow[]>();
  for (const r of rows) byStructure.set(r.structure_name, [...(byStructure.get(r.structure_name) ?? []), r]);
  return espaceReferent('equipe', html`<h1>Mon équipe</h1>
<p>Les personnes de votre structure : leurs moyens de connexion et l’état de leur compte. Ouvrez la page d’une personne pour lui associer une carte, configurer son application ou désactiver son compte.</p>
${rows.length ? '' : etatVide('Aucune personne dans votre équipe pour le moment.', { label: 'Ajouter un aidant', href: '/espace-referent/habilitation/ajouter' })}
${[...byStructure].map(
  ([name, list]) => html`${carteEquipe(name, list, moi)}<div class="fr-table fr-mt-4w fr-hidden fr-unhidden-md"><table tabindex="0">
  <caption>${name} — ${nombre(list.length, 'personne', 'personnes')}</caption>
  <thead><tr><th scope="col">Nom</th><th scope="col">Adresse e-mail</th><th scope="col">Compte</th><th scope="col">Dernière connexion</th><th scope="col">Moyens de connexion</th><th scope="col">Action</th></tr></thead>
  <tbody>${list.map(
    (a) => html`<tr>
    <td>${nom(a)}${a.id === moi ? ' (vous)' : ''}${roleBadge(a)}</td>
    <td>${a.email}</td>
    <td>${etatCompte(a)}</td>
    <td>${date(a.last_login_at)}</td>
    <td>${deviceBadges(a)}</td>
    <td><a class="fr-link" href="/espace-referent/aidants/${a.id}">Gérer<span class="fr-sr-only"> ${nom(a)}</span></a></td>
  </tr>`,
  )}</tbody></table></div>`,
)}`);
}

export function cardsPage(rows: AidantRow[]): SafeHtml {
  const actives = rows.filter((r) => r.is_active);
  const action = (a: AidantRow) =>
    !a.card_serial ? 'Associer une carte' : !a.card_confirmed ? 'Valider la carte' : 'Gérer la carte';
  return espaceReferent('cartes', html`<h1>Cartes</h1>
<p>Chaque personne se connecte avec une carte Aidants Connect ou une application d’authentification. Associez une carte par son numéro de série (inscrit au dos), puis validez-la avec le code qu’elle affiche. Pour obtenir des cartes, contactez l’équipe Aidants Connect.</p>
${actives.length ? html`<div class="fr-table fr-mt-4w"><table tabindex="0">
  <caption>Cartes de votre équipe — ${nombre(actives.filter((a) => a.card_serial).length, 'carte associée', 'cartes associées')}</caption>
  <thead><tr><th scope="col">Nom</th><th scope="col">Structure</th><th scope="col">Carte</th><th scope="col">Action</th></tr></thead>
  <tbody>${actives.map((a) => html`<tr>
    <td>${nom(a)}</td><td>${a.structure_name}</td>
    <td>${a.card_serial ? html`<p class="fr-badge fr-badge--sm ${a.card_confirmed ? 'fr-badge--success' : 'fr-badge--warning'}">${a.card_serial}${a.card_confirmed ? ' validée' : ' à valider'}</p>` : 'Aucune'}</td>
    <td><a class="fr-link" href="/espace-referent/aidants/${a.id}#carte">${action(a)}<span class="fr-sr-only"> pour ${nom(a)}</span></a></td>
  </tr>`)}</tbody></table></div>` : etatVide('Aucun compte actif dans votre équipe : aucune carte à associer.')}`);
}

export interface AidantPageData {
  csrf: string;
  row: AidantRow;
  /** The référent looking at the page (their own account cannot be deactivated). */
  moi: number;
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** A deactivated account: when, by whom and why, from the journal (api/referent/desactivation.ts). */
  desactivation?: { le: Date; raison: string | null; par: string | null; inactivite: boolean } | null;
}

function motifDesactivation(d: NonNullable<AidantPageData['desactivation']>): SafeHtml {
  const qui = d.inactivite ? 'automatiquement, faute de connexion' : d.par ? `par ${d.par}` : '';
  return html`<div class="fr-callout fr-mt-2w" id="desactivation"><p class="fr-callout__text">Compte désactivé le ${dateEnFrancais(d.le)}${qui ? ` ${qui}` : ''}.</p>
  <p class="fr-mt-1w">Raison : ${d.raison ?? 'non précisée'}</p></div>`;
}

export function aidantPage({ csrf, row, moi, errors = {}, values = {}, desactivation }: AidantPageData): SafeHtml {
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
  const compte = row.id === moi
    ? html`<p>Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre référent de la structure ou à l’équipe Aidants Connect.</p>`
    : row.is_active
      ? html`<p>La personne ne pourra plus se connecter. Vous pourrez réactiver son compte plus tard.</p>
        <a class="fr-btn fr-btn--tertiary" href="${base}/desactivation">Désactiver le compte</a>`
      : html`<form method="post" action="${base}/reactivation">${csrfField(csrf)}
        ${errors.compte ? html`<p class="fr-error-text" id="champ-compte-erreur">${errors.compte}</p>` : ''}
        <button class="fr-btn" type="submit" id="champ-compte"${errors.compte ? html` aria-describedby="champ-compte-erreur"` : ''}>Réactiver le compte</button></form>`;
  return espaceReferent('equipe', html`<h1>${nom(row)}</h1>
${errorSummary(errors)}
<p>${row.email} — ${row.structure_name} — dernière connexion : ${date(row.last_login_at)}</p>
<p>${row.is_active ? html`<span class="fr-badge fr-badge--success">Compte actif</span>` : html`<span class="fr-badge fr-badge--error">Compte désactivé</span>`}${roleBadge(row)}</p>
${!row.is_active && desactivation ? motifDesactivation(desactivation) : ''}
<h2 class="fr-mt-4w" id="carte">Carte Aidants Connect</h2>
${cardSection}
<h2 class="fr-mt-4w" id="application">Application d’authentification</h2>
<p>${row.has_app ? 'Une application est configurée. En configurer une nouvelle remplace l’ancienne.' : 'Aucune application configurée.'}</p>
<a class="fr-btn fr-btn--secondary" href="${base}/application">${row.has_app ? 'Remplacer l’application' : 'Configurer une application'}</a>
<h2 class="fr-mt-4w" id="compte">Compte</h2>
${compte}
<p class="fr-mt-3w"><a class="fr-link" href="/espace-referent/structures/${row.structure_id}/aidants/${row.id}">Rôle et structures : désigner référent, ajouter à une autre structure, retirer de la structure</a></p>`, true);
}

/** The confirmation asked before a deactivation, with its reason (kept in the journal). */
export function deactivationPage(opts: { csrf: string; row: AidantRow; errors?: FieldErrors; values?: Record<string, string> }): SafeHtml {
  const { row, errors = {}, values = {} } = opts;
  const base = `/espace-referent/aidants/${row.id}`;
  return espaceReferent('equipe', html`<h1>Désactiver le compte ${de(nom(row))}</h1>
${errorSummary(errors)}
<div class="fr-alert fr-alert--warning fr-mb-3w"><p>${nom(row)} (${row.email}) ne pourra plus se connecter à Aidants Connect ni agir pour des usagers. Vous pourrez réactiver le compte plus tard depuis sa page.</p></div>
<form method="post" action="${base}/desactivation" novalidate>${csrfField(opts.csrf)}
  ${selectGroup({ name: 'raison', label: 'Raison de la désactivation', hint: 'Elle est conservée dans le journal des actions.', options: Object.entries(RAISONS_DESACTIVATION), value: values.raison, error: errors.raison })}
  ${inputGroup({ name: 'precision', label: 'Précision (obligatoire pour « Autre raison »)', value: values.precision, error: errors.precision, maxlength: 500 })}
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
    <li><button class="fr-btn" type="submit">Confirmer la désactivation</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${base}">Annuler</a></li>
  </ul>
</form>`, true);
}
