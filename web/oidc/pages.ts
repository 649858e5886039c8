// Pages of an authorization FranceConnect asked for: the aidant chooses the person they accompany, then
// the démarche; refusals and errors in French. Every page offers to cancel and go back to the service.
import { dateNaissance, neLe } from '../../db/domain/francais.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField } from '../ui/forms.ts';
import { page } from '../ui/layout.ts';
import { DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import type { UsagerAvecAutorisations } from '../../db/queries/autorisations.ts';
import type { MotifRefus } from '../../api/oidc/interaction.ts';

/** Usagers shown at once; beyond, the aidant narrows the search. */
export const USAGERS_AFFICHES = 50;

const ETAPES = ['Personne accompagnée', 'Démarche'] as const;

function etape(i: 0 | 1): SafeHtml {
  return html`<div class="fr-stepper">
  <h2 class="fr-stepper__title">${ETAPES[i]}<span class="fr-stepper__state">Étape ${i + 1} sur ${ETAPES.length}</span></h2>
  <div class="fr-stepper__steps" data-fr-current-step="${i + 1}" data-fr-steps="${ETAPES.length}"></div>
  ${i === 0 ? html`<p class="fr-stepper__details"><span class="fr-text--bold">Étape suivante :</span> ${ETAPES[1]}</p>` : ''}
</div>`;
}

export function nomUsager(u: { given_name: string; family_name: string; preferred_username: string | null }): string {
  return `${u.family_name}${u.preferred_username && u.preferred_username !== u.family_name ? ` (${u.preferred_username})` : ''} ${u.given_name}`;
}

function annuler(uid: string, csrf: string, motif: MotifRefus = 'annulation', libelle = 'Annuler et revenir au service'): SafeHtml {
  return html`<form method="post" action="/interaction/${uid}/annuler" class="fr-mt-4w">${csrfField(csrf)}<input type="hidden" name="motif" value="${motif}">
  <button class="fr-btn fr-btn--secondary" type="submit">${libelle}</button></form>`;
}

function demarchesDemandees(demandees: readonly Demarche[] | null): SafeHtml {
  if (!demandees) return html``;
  return html`<p>Le service en ligne demande l’une de ces démarches : ${demandees.map((d, i) => html`${i ? ', ' : ''}<strong>${DEMARCHES[d].titre}</strong>`)}.</p>`;
}

export function choixUsagerPage(o: {
  uid: string;
  csrf: string;
  prenomAidant: string;
  usagers: UsagerAvecAutorisations[];
  total: number;
  recherche: string;
  demandees: readonly Demarche[] | null;
  erreur?: string;
}): SafeHtml {
  const affiches = o.usagers.slice(0, USAGERS_AFFICHES);
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
<h1>Bonjour ${o.prenomAidant}, pour qui agissez-vous ?</h1>
<p>FranceConnect vous a envoyé ici pour réaliser une démarche en ligne au nom d’une personne que vous accompagnez. Seules les personnes ayant un mandat en cours avec votre structure sont proposées.</p>
${demarchesDemandees(o.demandees)}
${etape(0)}
<form method="get" action="/interaction/${o.uid}" class="fr-mb-4w">
  <div class="fr-search-bar" id="recherche-usager" role="search">
    <label class="fr-label" for="recherche">Rechercher par nom ou prénom</label>
    <input class="fr-input" type="search" id="recherche" name="recherche" value="${o.recherche}" autocomplete="off" placeholder="Rechercher par nom ou prénom">
    <button class="fr-btn" type="submit" title="Rechercher">Rechercher</button>
  </div>
</form>
${o.erreur ? html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"><p>${o.erreur}</p></div>` : ''}
${affiches.length
    ? html`<form method="get" action="/interaction/${o.uid}/demarche">
  <fieldset class="fr-fieldset" id="usagers" aria-labelledby="usagers-legende">
    <legend class="fr-fieldset__legend" id="usagers-legende">Personne accompagnée${o.recherche ? html` <span class="fr-hint-text">${o.usagers.length} résultat${o.usagers.length > 1 ? 's' : ''} pour « ${o.recherche} »</span>` : ''}</legend>
    ${affiches.map((u) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="usager-${u.id}" name="usager" value="${u.id}" required>
      <label class="fr-label" for="usager-${u.id}">${nomUsager(u)}<span class="fr-hint-text">Date de naissance : ${dateNaissance(u.birthdate)} — ${u.demarches.length} démarche${u.demarches.length > 1 ? 's' : ''} possible${u.demarches.length > 1 ? 's' : ''}</span></label>
    </div></div>`)}
  </fieldset>
  ${o.usagers.length > affiches.length ? html`<p class="fr-text--sm">${affiches.length} personnes affichées sur ${o.usagers.length} : précisez la recherche.</p>` : ''}
  <button class="fr-btn" type="submit">Continuer</button>
</form>`
    : html`<p>Aucune personne ne correspond à « ${o.recherche} ». <a href="/interaction/${o.uid}">Afficher toutes les personnes</a></p>`}
${annuler(o.uid, o.csrf)}
</div></div>`;
}

export function choixDemarchePage(o: {
  uid: string;
  csrf: string;
  usager: { id: number; given_name: string; family_name: string; preferred_username: string | null; birthdate: string };
  demarches: Demarche[];
  erreur?: string;
}): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
<h1>Quelle démarche réalisez-vous ?</h1>
${etape(1)}
<div class="fr-callout fr-mb-4w">
  <p class="fr-callout__text">Vous agissez pour <strong>${nomUsager(o.usager)}</strong>, ${neLe(o.usager.birthdate)}.</p>
  <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/interaction/${o.uid}">Changer de personne</a>
</div>
<form method="post" action="/interaction/${o.uid}/demarche">
  ${csrfField(o.csrf)}
  <input type="hidden" name="usager" value="${o.usager.id}">
  <fieldset class="fr-fieldset${o.erreur ? ' fr-fieldset--error' : ''}" id="demarches" aria-labelledby="demarches-legende${o.erreur ? ' demarches-erreur' : ''}"${o.erreur ? html` role="group"` : ''}>
    <legend class="fr-fieldset__legend" id="demarches-legende">Démarche couverte par le mandat</legend>
    ${o.demarches.map((d) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="demarche-${d}" name="demarche" value="${d}" required>
      <label class="fr-label" for="demarche-${d}">${DEMARCHES[d].titre}<span class="fr-hint-text">Par exemple : ${DEMARCHES[d].exemples}</span></label>
    </div></div>`)}
    ${o.erreur ? html`<div class="fr-messages-group" id="demarches-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${o.erreur}</p></div>` : ''}
  </fieldset>
  ${o.demarches.includes('argent') ? html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w"><p>Argent : un dossier de surendettement doit être signé par la personne elle-même.</p></div>` : ''}
  <button class="fr-btn" type="submit">Valider et revenir au service</button>
</form>
${annuler(o.uid, o.csrf)}
</div></div>`;
}

const REFUS_TEXTES: Record<Exclude<MotifRefus, 'annulation'>, [string, string]> = {
  aucun_mandat: [
    'Aucun mandat ne permet cette démarche',
    'Votre structure n’a de mandat en cours pour aucune personne sur la démarche demandée par le service en ligne. Pour agir, créez d’abord un mandat avec la personne accompagnée.',
  ],
  aidant_non_habilite: [
    'Vous ne pouvez pas agir pour un usager',
    'Votre compte ne permet pas de réaliser des démarches pour un usager : il faut être aidant habilité et rattaché à une structure active. Contactez le référent Aidants Connect de votre structure.',
  ],
};

export function refusPage(o: { uid: string; csrf: string; motif: Exclude<MotifRefus, 'annulation'> }): { title: string; content: SafeHtml } {
  const [titre, texte] = REFUS_TEXTES[o.motif];
  return {
    title: titre,
    content: html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
<h1>${titre}</h1>
<p class="fr-text--lead">${texte}</p>
${annuler(o.uid, o.csrf, o.motif, 'Revenir au service en ligne')}
</div></div>`,
  };
}

export function choixIndisponiblePage(uid: string, identiteIncomplete = false): { title: string; content: SafeHtml } {
  const titre = identiteIncomplete ? 'L’identité de cette personne est incomplète' : 'Ce choix n’est pas disponible';
  const texte = identiteIncomplete
    ? 'FranceConnect refuserait l’identité enregistrée pour cette personne. Renouvelez son mandat : elle se reconnectera avec FranceConnect et son identité sera mise à jour.'
    : 'Cette personne ou cette démarche ne fait pas partie des mandats en cours de votre structure, ou le mandat vient de prendre fin.';
  return {
    title: titre,
    content: html`<h1>${titre}</h1><p class="fr-text--lead">${texte}</p><a class="fr-btn" href="/interaction/${uid}">Revenir à la liste des personnes</a>`,
  };
}

export function demandeExpireeContent(): { title: string; content: SafeHtml } {
  return {
    title: 'Demande de connexion expirée',
    content: html`<h1>Cette demande de connexion a expiré</h1>
<p class="fr-text--lead">Elle a été faite il y a plus de 30 minutes, dans un autre navigateur, ou elle est déjà terminée. Retournez sur le site du service en ligne et cliquez à nouveau sur FranceConnect.</p>`,
  };
}

/** Errors the provider shows itself (unknown client, unregistered redirect_uri, expired request…). */
export function pageErreurFournisseurIdentite(out: { error: string; error_description?: string }): string {
  const expiree = /expired|not found|session/i.test(out.error_description ?? '');
  const [titre, texte] = out.error === 'temporarily_unavailable'
    ? ['Service indisponible', 'Le service est momentanément indisponible. Réessayez dans quelques minutes depuis le site du service en ligne.']
    : expiree
    ? ['Cette demande de connexion a expiré', 'Retournez sur le site du service en ligne et cliquez à nouveau sur FranceConnect.']
    : out.error === 'invalid_client' || /redirect_uri/.test(out.error_description ?? '')
      ? ['Demande de connexion invalide', 'Le service qui vous a envoyé ici n’est pas reconnu par Aidants Connect, ou son adresse de retour n’est pas enregistrée.']
      : ['La connexion n’a pas pu aboutir', 'Retournez sur le site du service en ligne et réessayez.'];
  return page({
    title: titre,
    content: html`<h1>${titre}</h1><p class="fr-text--lead">${texte}</p><p class="fr-text--sm">Code de l’erreur : ${out.error}</p>
<ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn" href="/">Page d'accueil</a></li></ul>`,
  });
}

/** Fallback pages of the logout (the provider normally redirects to FranceConnect at once). */
export function pageDeconnexionFournisseurIdentite(): string {
  return page({
    title: 'Déconnexion',
    content: html`<h1>Vous êtes déconnecté du service en ligne</h1><p class="fr-text--lead">La personne accompagnée n’est plus connectée par Aidants Connect dans ce navigateur.</p>`,
  });
}

/** What the identity provider renders itself (api/oidc/configuration.ts), given to it by the web process. */
export const pagesFournisseurIdentite = { deconnexion: pageDeconnexionFournisseurIdentite, erreur: pageErreurFournisseurIdentite };
