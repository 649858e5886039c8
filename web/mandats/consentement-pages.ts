// The aidant's page while the usager is asked by SMS (db/domain/README.md#consentement-par-sms): what was sent, the state of the request,
// and what to do next. It updates by itself (web/mandats/attente-consentement-script.ts polls the state and
// reloads or moves on); without JavaScript, an "Actualiser" link does the same.
import { telephoneLisible } from '../../db/domain/contact.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField } from '../ui/forms.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import { DUREES_MANDAT } from '../../db/domain/mandat.ts';
import { REPONSE_CONSENTEMENT } from '../../db/domain/consentement.ts';
import type { EtatDemande } from '../../api/consentement/demandes.ts';

export const CHEMIN_SCRIPT_ATTENTE = '/js/attente-consentement.js';
export const ADRESSE_SUPPORT = 'contact@aidantsconnect.beta.gouv.fr';

export const cheminDemande = (id: string) => `/mandats/consentements/${id}`;
export const cheminEtat = (id: string) => `${cheminDemande(id)}/etat`;
export const cheminSuite = (id: string) => `${cheminDemande(id)}/franceconnect`;

const dateHeure = (d: Date) =>
  d.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).replace(':', ' h ');

const alerte = (type: 'info' | 'success' | 'warning' | 'error', titre: string, texte: SafeHtml | string) =>
  html`<div class="fr-alert fr-alert--${type} fr-mb-3w"><h2 class="fr-alert__title">${titre}</h2><p>${texte}</p></div>`;

const boutonsNouvelleDemande = html`<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/mandats/nouveau">Faire une nouvelle demande</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/usagers">Retour à mes usagers</a></li>
</ul>`;

/** While no answer came, the aidant may withdraw the request (issue 18). */
const boutonAnnuler = (d: EtatDemande, csrf: string) => html`<form method="post" action="${cheminDemande(d.id)}/annuler" class="fr-mt-2w">
  ${csrfField(csrf)}
  <button class="fr-btn fr-btn--tertiary fr-icon-close-line fr-btn--icon-left" type="submit">Annuler la demande</button>
</form>`;

function etat(d: EtatDemande, csrf: string): SafeHtml {
  switch (d.statut) {
    case 'envoi':
      return html`${alerte('info', 'Envoi des SMS en cours', 'Le récapitulatif puis la demande d’accord partent vers le mobile de l’usager.')}
<p><a class="fr-link" href="${cheminDemande(d.id)}">Actualiser</a></p>${boutonAnnuler(d, csrf)}`;
    case 'attente':
      return html`${alerte('info', 'En attente de la réponse de l’usager', html`Les SMS sont partis${d.envoyeeLe ? ` le ${dateHeure(d.envoyeeLe)}` : ''}. L’usager donne son accord en répondant « ${REPONSE_CONSENTEMENT} ». Cette page se met à jour toute seule.`)}
${d.echeance ? html`<p class="fr-text--lg" id="echeance">L’usager a jusqu’au <strong>${dateHeure(d.echeance)}</strong> pour répondre.</p>` : ''}
<p><a class="fr-link" href="${cheminDemande(d.id)}">Actualiser</a></p>${boutonAnnuler(d, csrf)}`;
    case 'echec':
      return html`${alerte('error', 'Le SMS n’a pas pu être envoyé', html`${d.etapeEnEchec === 'recapitulatif' ? 'Le récapitulatif' : 'La demande d’accord'} n’est pas parti vers le ${telephoneLisible(d.telephone)}. Vérifiez le numéro avec l’usager, puis réessayez. Si le problème continue, écrivez au support : <a href="mailto:${ADRESSE_SUPPORT}">${ADRESSE_SUPPORT}</a>.`)}
<form method="post" action="${cheminDemande(d.id)}/relancer">
  ${csrfField(csrf)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Réessayer l’envoi</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/mandats/nouveau">Recommencer avec un autre numéro</a></li>
  </ul>
</form>${boutonAnnuler(d, csrf)}`;
    case 'consentement':
      return html`${alerte('success', 'L’usager a donné son accord', html`Il a répondu « ${REPONSE_CONSENTEMENT} »${d.reponduLe ? ` le ${dateHeure(d.reponduLe)}` : ''}. Continuez : l’usager s’identifie avec FranceConnect, puis vous confirmez le mandat.`)}
<ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn" href="${cheminSuite(d.id)}">Continuer : l’usager se connecte avec FranceConnect</a></li></ul>`;
    case 'refus':
      return html`${alerte('warning', 'L’usager n’a pas donné son accord', `Sa réponse n’était pas « ${REPONSE_CONSENTEMENT} » : le mandat ne peut pas être créé.`)}${boutonsNouvelleDemande}`;
    case 'expiree':
      return html`${alerte('warning', 'La demande a expiré', d.etapeEnEchec || !d.envoyeeLe ? 'Les SMS n’ont pas pu être envoyés à temps : le mandat ne peut pas être créé.' : 'L’usager n’a pas répondu à temps : le mandat ne peut pas être créé.')}${boutonsNouvelleDemande}`;
    case 'annulee':
      return html`${alerte('info', 'Demande annulée', 'Vous avez annulé cette demande : le mandat ne sera pas créé, et une réponse de l’usager arrivée après l’annulation est ignorée.')}${boutonsNouvelleDemande}`;
    case 'mandat-cree':
      return html`${alerte('success', 'Le mandat a été créé', 'L’usager a donné son accord par SMS et le mandat a été créé.')}
<ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn" href="/usagers/${d.mandat!.usagerId}#mandat-${d.mandat!.id}">Voir le mandat</a></li></ul>`;
  }
}

export function attenteConsentementPage(opts: { demande: EtatDemande; csrf: string }): SafeHtml {
  const d = opts.demande;
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Mandat à distance : accord de l’usager</h1>
<div id="etat-consentement" data-statut="${d.statut}" data-etat="${cheminEtat(d.id)}" aria-live="polite">${etat(d, opts.csrf)}</div>
<h2 class="fr-h4">Ce que l’usager a reçu</h2>
<dl>
  <dt class="fr-text--bold">Mobile</dt><dd>${telephoneLisible(d.telephone)}</dd>
  <dt class="fr-text--bold">Durée</dt><dd>${DUREES_MANDAT[d.duree].libelle}</dd>
  <dt class="fr-text--bold">Démarches</dt><dd><ul>${d.demarches.map((x) => html`<li>${DEMARCHES[x].titre}</li>`)}</ul></dd>
</dl>
</div></div>
<script src="${CHEMIN_SCRIPT_ATTENTE}" defer></script>`;
}
