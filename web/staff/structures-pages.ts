// Pages of the staff's hold on structures (issue 20): the searchable list, a structure's page (référents,
// aidants and their state, allowed démarches, mandat counts, open alerts, opening hours), the suspension with
// its reason, and the transfer of mandats with its confirmation.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup } from '../ui/forms.ts';
import { zoneTexte } from '../habilitation/champs.ts';
import { dateEnFrancais, nombre } from '../../db/domain/francais.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import type { MandatTransferable, PageStructure, ProjetTransfert, StructureListee } from '../../api/staff/structures.ts';
import type { AidantRow } from '../../api/referent/scope.ts';
import { tableAlertes, dateHeure } from '../alertes/pages.ts';
import { formulaireHoraires, resumeHoraires } from '../structures/horaires.ts';
import { formulaire as formulaireDemarches } from '../structures/demarches.ts';

export function listeStructuresPage(p: { recherche: string; structures: StructureListee[] }): SafeHtml {
  return html`<h1>Structures habilitées</h1>
<form method="get" action="/staff/structures" role="search" class="fr-mb-4w"><div class="fr-search-bar">
  <label class="fr-label" for="recherche-structure">Rechercher une structure (nom, SIRET ou ville)</label>
  <input class="fr-input" id="recherche-structure" name="recherche" type="search" value="${p.recherche}">
  <button class="fr-btn" type="submit" title="Rechercher">Rechercher</button></div></form>
${p.structures.length
    ? html`<div class="fr-table"><table tabindex="0"><caption>${p.recherche ? `Structures qui correspondent à « ${p.recherche} »` : 'Structures'} — ${nombre(p.structures.length, 'résultat', 'résultats')}${p.structures.length === 100 ? ' (100 au plus : précisez la recherche)' : ''}</caption>
<thead><tr><th scope="col">Structure</th><th scope="col">SIRET</th><th scope="col">Ville</th><th scope="col">Aidants actifs</th><th scope="col">Alertes ouvertes</th><th scope="col">État</th></tr></thead>
<tbody>${p.structures.map((s) => html`<tr>
  <td><a href="/staff/structures/${s.id}">${s.name}</a></td><td>${s.siret ?? '—'}</td><td>${s.postal_code} ${s.city}</td>
  <td>${s.aidants_actifs}</td><td>${s.alertes_ouvertes}</td>
  <td>${s.suspended_at ? html`<p class="fr-badge fr-badge--sm fr-badge--error">Suspendue</p>` : html`<p class="fr-badge fr-badge--sm fr-badge--success">Active</p>`}</td>
</tr>`)}</tbody></table></div>`
    : html`<div class="fr-callout"><p class="fr-callout__text">Aucune structure ne correspond à cette recherche.</p></div>`}
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/staff">Retour à l’espace équipe</a></p>`;
}

function etatPersonne(a: AidantRow): SafeHtml {
  return a.is_active ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>` : html`<p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>`;
}

function tablePersonnes(rows: AidantRow[], caption: string): SafeHtml {
  if (!rows.length) return html`<p>Personne pour le moment.</p>`;
  return html`<div class="fr-table"><table tabindex="0"><caption>${caption}</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Adresse e-mail</th><th scope="col">Compte</th><th scope="col">Dernière connexion</th><th scope="col">Moyen de connexion</th></tr></thead>
<tbody>${rows.map((a) => html`<tr><td>${a.first_name} ${a.last_name}${a.is_referent ? (a.referent_non_aidant ? ' (référent, non aidant)' : ' (référent et aidant)') : ''}</td><td>${a.email}</td>
  <td>${etatPersonne(a)}</td><td>${a.last_login_at ? dateEnFrancais(a.last_login_at) : 'jamais'}</td>
  <td>${a.has_app ? 'Application' : a.card_serial ? `Carte ${a.card_serial}${a.card_confirmed ? '' : ' (à valider)'}` : 'Aucun'}</td></tr>`)}</tbody></table></div>`;
}

export function structurePage(p: PageStructure & { csrf: string; erreursHoraires?: Record<string, string>; saisieHoraires?: Record<string, string> }): SafeHtml {
  const s = p.fiche;
  const referents = p.personnes.filter((a) => a.is_referent);
  const aidants = p.personnes.filter((a) => !a.is_referent);
  return html`<h1>${s.name}</h1>
${s.suspended_at ? html`<p class="fr-badge fr-badge--error">Suspendue</p>` : html`<p class="fr-badge fr-badge--success">Active</p>`}
<ul class="fr-mt-2w">
  <li>Numéro de structure : ${s.id}</li>
  <li>SIRET : ${s.siret ?? 'non renseigné'}</li>
  <li>Adresse : ${[s.address, `${s.postal_code} ${s.city}`.trim()].filter(Boolean).join(', ') || 'non renseignée'}</li>
</ul>

<h2 class="fr-mt-4w">Suspension</h2>
${s.suspension
    ? html`<div class="fr-alert fr-alert--warning fr-mb-2w"><h3 class="fr-alert__title">Structure suspendue depuis le ${dateHeure(s.suspension.suspended_at)}</h3>
<p>Par ${s.suspension.par}. Motif : « ${s.suspension.reason} ». Ses aidants ne peuvent ni se connecter, ni créer ou utiliser de mandat.</p></div>
<form method="post" action="/staff/structures/${s.id}/reactivation">${csrfField(p.csrf)}<button class="fr-btn fr-btn--secondary" type="submit">Lever la suspension</button></form>`
    : html`<p>Suspendre la structure empêche ses aidants de se connecter, de créer ou d’utiliser des mandats, le temps d’un contrôle. Ses référents sont prévenus, avec le motif.</p>
<a class="fr-btn fr-btn--secondary" href="/staff/structures/${s.id}/suspension">Suspendre la structure</a>`}

<h2 class="fr-mt-4w">Référents</h2>
${tablePersonnes(referents, `Référents de ${s.name}`)}
<h2 class="fr-mt-4w">Aidants</h2>
${tablePersonnes(aidants, `Aidants de ${s.name}`)}

<h2 class="fr-mt-4w">Mandats</h2>
<p>${nombre(s.mandats.actifs, 'mandat actif', 'mandats actifs')}, ${nombre(s.mandats.termines, 'mandat terminé', 'mandats terminés')} (conservés six ans).</p>
${s.mandats.actifs ? html`<a class="fr-btn fr-btn--secondary" href="/staff/structures/${s.id}/transfert">Transférer des mandats</a>` : ''}

<h2 class="fr-mt-4w">Alertes ouvertes</h2>
${p.alertes.length ? tableAlertes(p.alertes, '/staff/alertes', `Alertes ouvertes de ${s.name}`, false) : html`<p>Aucune alerte ouverte.</p>`}
<p><a class="fr-link" href="/staff/alertes">Toutes les alertes</a></p>

<h2 class="fr-mt-4w" id="horaires">Horaires d’ouverture</h2>
${resumeHoraires({ id: s.id, name: s.name, horaires: p.horaires })}
<details class="fr-mb-4w"${p.erreursHoraires ? html` open` : ''}><summary>Modifier les horaires</summary>
${formulaireHoraires({ id: s.id, name: s.name, horaires: p.horaires }, p.csrf, `/staff/structures/${s.id}/horaires`, p.erreursHoraires, p.saisieHoraires)}
</details>

<h2 class="fr-mt-4w">Démarches autorisées</h2>
<p>${s.allowed_demarches.map((d) => DEMARCHES[d].titre).join(' ; ')}.</p>
${formulaireDemarches({ id: s.id, name: s.name, allowed_demarches: s.allowed_demarches }, p.csrf, `/staff/structures/${s.id}`)}
<p><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/staff/structures">Toutes les structures</a></p>`;
}

export function suspensionPage(p: { id: number; name: string; csrf: string; erreur?: string; raison?: string }): SafeHtml {
  return html`<h1>Suspendre ${p.name}</h1>
<p>Pendant la suspension, les aidants de la structure ne peuvent plus se connecter, ni créer ou utiliser de mandat, y compris par FranceConnect. Les mandats sont conservés. La suspension se lève depuis la page de la structure.</p>
<p>Les référents reçoivent le motif par courriel ; il est aussi conservé au journal.</p>
${errorSummary(p.erreur ? { raison: p.erreur } : {})}
<form method="post" action="/staff/structures/${p.id}/suspension" novalidate>${csrfField(p.csrf)}
  ${zoneTexte({ name: 'raison', label: 'Motif de la suspension', aide: '1 000 caractères au plus.', value: p.raison, erreur: p.erreur })}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Suspendre la structure</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/staff/structures/${p.id}">Annuler</a></li>
  </ul>
</form>`;
}

function listeMandats(mandats: MandatTransferable[]): SafeHtml {
  return html`${mandats.map((m) => html`<li>Mandat n° ${m.id} — ${m.usager}, créé le ${dateEnFrancais(m.created_at)}, expire le ${dateEnFrancais(m.expires_at)} (${m.demarches.map((d) => DEMARCHES[d].titre).join(', ') || 'aucune démarche active'})</li>`)}`;
}

export function transfertPage(p: { id: number; name: string; csrf: string; mandats: MandatTransferable[]; erreurs?: Record<string, string>; saisie?: { cible?: string; portee?: string; mandats?: number[] } }): SafeHtml {
  const e = p.erreurs ?? {};
  const portee = p.saisie?.portee ?? 'tous';
  return html`<h1>Transférer des mandats de ${p.name}</h1>
<p>Les mandats actifs transférés sont désormais portés par l’autre structure : ses aidants peuvent les utiliser, ceux de ${p.name} ne le peuvent plus. La preuve de chaque mandat est recalculée et le code imprimé reste valable. Les référents des deux structures sont prévenus. Vous confirmerez à l’étape suivante.</p>
${errorSummary(e)}
<form method="post" action="/staff/structures/${p.id}/transfert" novalidate>${csrfField(p.csrf)}
  ${inputGroup({ name: 'cible', label: 'Structure qui reçoit les mandats', hint: 'Son SIRET (14 chiffres) ou son numéro de structure, indiqué sur sa page.', value: p.saisie?.cible, error: e.cible })}
  <fieldset class="fr-fieldset${e.portee ? ' fr-fieldset--error' : ''}" id="champ-portee" aria-labelledby="legende-portee${e.portee ? ' erreur-portee' : ''}">
    <legend class="fr-fieldset__legend" id="legende-portee">Mandats à transférer</legend>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="portee-tous" name="portee" value="tous"${portee === 'tous' ? html` checked` : ''}>
      <label class="fr-label" for="portee-tous">Tous les mandats actifs (${p.mandats.length})</label></div></div>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="portee-choisis" name="portee" value="choisis"${portee === 'choisis' ? html` checked` : ''}>
      <label class="fr-label" for="portee-choisis">Seulement les mandats cochés ci-dessous</label></div></div>
    ${e.portee ? html`<div class="fr-messages-group" id="erreur-portee" aria-live="assertive"><p class="fr-message fr-message--error">${e.portee}</p></div>` : ''}
  </fieldset>
  <fieldset class="fr-fieldset" aria-labelledby="legende-mandats">
    <legend class="fr-fieldset__legend" id="legende-mandats">Mandats actifs de ${p.name}</legend>
    ${p.mandats.map((m) => html`<div class="fr-fieldset__element"><div class="fr-checkbox-group">
      <input type="checkbox" id="mandat-${m.id}" name="mandats" value="${m.id}"${p.saisie?.mandats?.includes(m.id) ? html` checked` : ''}>
      <label class="fr-label" for="mandat-${m.id}">Mandat n° ${m.id} — ${m.usager}<span class="fr-hint-text">Créé le ${dateEnFrancais(m.created_at)}, expire le ${dateEnFrancais(m.expires_at)}</span></label></div></div>`)}
  </fieldset>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Continuer</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/staff/structures/${p.id}">Annuler</a></li>
  </ul>
</form>`;
}

export function confirmationTransfertPage(p: { id: number; name: string; csrf: string; projet: ProjetTransfert; cible: string }): SafeHtml {
  const { projet } = p;
  return html`<h1>Confirmer le transfert</h1>
<p>${nombre(projet.mandats.length, 'mandat actif', 'mandats actifs')} de ${p.name} ${projet.mandats.length > 1 ? 'vont être transférés' : 'va être transféré'} à <strong>${projet.cible.name}</strong> :</p>
<ul>${listeMandats(projet.mandats)}</ul>
${projet.demarchesNonAutorisees.length
    ? html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Démarches non autorisées par ${projet.cible.name}</h2>
<p>${projet.demarchesNonAutorisees.map((d) => DEMARCHES[d].titre).join(', ')} : ses aidants ne pourront pas utiliser ces démarches tant que la structure ne les autorise pas.</p></div>`
    : ''}
<form method="post" action="/staff/structures/${p.id}/transfert/confirmation">${csrfField(p.csrf)}
  <input type="hidden" name="cible" value="${p.cible}">
  <input type="hidden" name="portee" value="${projet.tous ? 'tous' : 'choisis'}">
  ${projet.tous ? '' : projet.mandats.map((m) => html`<input type="hidden" name="mandats" value="${m.id}">`)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer le transfert</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/staff/structures/${p.id}/transfert">Modifier</a></li>
  </ul>
</form>`;
}
