// Pages of usagers and mandats (DSFR, French): the list of usagers, a usager's mandats, the creation form,
// the recap before creation (and the page of a mandat created when the service went away just after), the
// revocation confirmation and the FranceConnect error page.
import { dateNaissance, de, majuscule, neLe } from '../../db/domain/francais.ts';
import { telephoneLisible } from '../../db/domain/contact.ts';
import { aLieu, lieuNaissance } from '../../db/domain/lieu-naissance.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import type { Crumb } from '../ui/breadcrumb.ts';
import { csrfField, errorSummary, inputGroup, type FieldErrors } from '../ui/forms.ts';
import { codeField } from '../auth/pages.ts';
import { DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import {
  dateLongue, DUREES_MANDAT, estRenouvelable, groupeMandat, LIBELLES_GROUPE_MANDAT, phraseDuree,
  type DureeMandat, type GroupeMandat,
} from '../../db/domain/mandat.ts';
import type { IdentitePivot } from '../../db/domain/usager.ts';
import type { MandatDetail, UsagerDetail, UsagerListe } from '../../api/mandats/consultation.ts';
// Printed proof (issue 10): the PDF links of each mandat card.
import { boutonsPreuve } from './preuve-liens.ts';
import { champLangue } from './langue-pages.ts';

/** Parents of the fil d'Ariane of every page below the list of usagers. */
export const PARENTS_USAGERS: Crumb[] = [{ label: 'Mes usagers', href: '/usagers' }];

export function nomUsager(u: { given_name: string; family_name: string; preferred_username?: string | null }): string {
  const usage = u.preferred_username && u.preferred_username !== u.family_name ? ` (${u.preferred_username})` : '';
  return `${u.given_name} ${u.family_name}${usage}`;
}

/** Pivot birth dates may be partly unknown (YYYY-MM-00, YYYY-00-00). */
const dateCourte = (d: Date) => d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

export function usagersPage(opts: { usagers: UsagerListe[]; recherche: string; structure: string }): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-8"><h1>Mes usagers</h1><p>Usagers ayant un mandat avec ${opts.structure}.</p></div>
  <div class="fr-col-12 fr-col-md-4"><a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/mandats/nouveau">Créer un mandat</a></div>
</div>
<form method="get" action="/usagers" role="search" class="fr-mb-4w">
  <div class="fr-search-bar" id="recherche-usager">
    <label class="fr-label" for="champ-recherche">Rechercher un usager par son nom</label>
    <input class="fr-input" id="champ-recherche" name="recherche" type="search" value="${opts.recherche}" placeholder="Nom ou prénom">
    <button class="fr-btn" type="submit" title="Rechercher">Rechercher</button>
  </div>
</form>
${opts.usagers.length
  ? html`<div class="fr-table fr-table--no-caption"><div class="fr-table__wrapper"><div class="fr-table__container"><div class="fr-table__content">
<table><caption>Usagers de la structure</caption>
  <thead><tr><th scope="col">Usager</th><th scope="col">Mandats actifs</th><th scope="col">Prochaine expiration</th></tr></thead>
  <tbody>${opts.usagers.map((u) => html`<tr>
    <td><a href="/usagers/${u.id}">${nomUsager(u)}</a></td>
    <td>${u.mandats_actifs}</td>
    <td>${u.prochaine_expiration ? dateCourte(new Date(u.prochaine_expiration)) : 'aucun mandat actif'}</td>
  </tr>`)}</tbody>
</table></div></div></div></div>`
  : html`<p class="fr-text--lg">${opts.recherche ? 'Aucun usager ne correspond à cette recherche.' : 'Aucun usager pour le moment : créez un premier mandat.'}</p>`}`;
}

const BADGES: Record<GroupeMandat, SafeHtml> = {
  actif: html`<p class="fr-badge fr-badge--success">Actif</p>`,
  bientot: html`<p class="fr-badge fr-badge--warning">Expire bientôt</p>`,
  expire: html`<p class="fr-badge">Expiré</p>`,
  revoque: html`<p class="fr-badge fr-badge--error">Révoqué</p>`,
};

function carteMandat(m: MandatDetail, maintenant: Date): SafeHtml {
  const groupe = groupeMandat(m, maintenant);
  const actif = m.status === 'active';
  const fin = m.status === 'active'
    ? `Expire le ${dateLongue(new Date(m.expires_at))}`
    : m.status === 'expired' ? `Expiré le ${dateLongue(new Date(m.ended_at!))}` : `Révoqué le ${dateLongue(new Date(m.ended_at!))}`;
  return html`<div class="fr-card fr-mb-3w" id="mandat-${m.id}"><div class="fr-card__body"><div class="fr-card__content">
  <h3 class="fr-card__title">Mandat n° ${m.id} du ${dateLongue(new Date(m.created_at))}</h3>
  <div class="fr-card__desc">
    ${BADGES[groupe]}
    <p class="fr-mt-1w">${fin}. Durée : ${DUREES_MANDAT[m.duree_keyword]?.libelle ?? m.duree_keyword}.${m.aidant ? ` Créé par ${m.aidant}.` : ''}</p>
    <ul class="fr-raw-list">${m.autorisations.map((a) => html`<li class="fr-mb-1w">
      <strong>${DEMARCHES[a.demarche].titre}</strong>
      ${a.revoked_at ? html` — révoquée le ${dateCourte(new Date(a.revoked_at))}` : actif
        ? html` — <a class="fr-link fr-link--sm" href="/mandats/${m.id}/revoquer?autorisation=${a.id}">Révoquer cette démarche<span class="fr-sr-only"> (${DEMARCHES[a.demarche].titre})</span></a>` : ''}
    </li>`)}</ul>
  </div>
  <div class="fr-card__footer"><ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-btns-group--icon-left">
    ${boutonsPreuve(m)}
    ${estRenouvelable(m, maintenant) ? html`<li><a class="fr-btn fr-btn--secondary fr-icon-refresh-line fr-btn--icon-left" href="/mandats/${m.id}/renouveler">Renouveler<span class="fr-sr-only"> le mandat n° ${m.id}</span></a></li>` : ''}
    ${actif ? html`<li><a class="fr-btn fr-btn--secondary" href="/mandats/${m.id}/revoquer">Révoquer le mandat<span class="fr-sr-only"> n° ${m.id}</span></a></li>` : ''}
  </ul></div>
</div></div></div>`;
}

export function usagerPage(opts: { usager: UsagerDetail; maintenant: Date }): SafeHtml {
  const u = opts.usager;
  const groupes = (['actif', 'bientot', 'expire', 'revoque'] as GroupeMandat[])
    .map((g) => [g, u.mandats.filter((m) => groupeMandat(m, opts.maintenant) === g)] as const)
    .filter(([, liste]) => liste.length);
  const renouvelable = u.mandats.some((m) => estRenouvelable(m, opts.maintenant));
  return html`<h1>${nomUsager(u)}</h1>
<p>${majuscule(neLe(u.birthdate))} ${aLieu(u)}${u.email ? html` · ${u.email}` : ''}${u.phone ? html` · ${telephoneLisible(u.phone)}` : ''}</p>
<ul class="fr-btns-group fr-btns-group--inline-md fr-mb-4w">
  ${renouvelable ? html`<li><a class="fr-btn" href="/mandats/nouveau?usager=${u.id}">Renouveler le mandat</a></li>` : ''}
  <li><a class="fr-btn fr-btn--secondary" href="/mandats/nouveau">Créer un autre mandat</a></li>
</ul>
${groupes.map(([g, liste]) => html`<h2>${LIBELLES_GROUPE_MANDAT[g]}</h2>${liste.map((m) => carteMandat(m, opts.maintenant))}`)}`;
}

export function nouveauMandatPage(opts: {
  csrf: string;
  demarches: Demarche[];
  choisies?: string[];
  duree?: string;
  telephone?: string;
  modalite?: string;
  certification?: boolean;
  /** Issue 22: the usager's language (optional). */
  langue?: string;
  erreurs?: FieldErrors;
  renouvellement?: { usagerId: number; nom: string };
}): SafeHtml {
  const e = opts.erreurs ?? {};
  const distance = opts.modalite === 'distance';
  const action = opts.renouvellement ? `/mandats/nouveau?usager=${opts.renouvellement.usagerId}` : '/mandats/nouveau';
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>${opts.renouvellement ? html`Renouveler le mandat ${de(opts.renouvellement.nom)}` : 'Créer un mandat'}</h1>
<div class="fr-callout fr-mb-4w"><p class="fr-callout__text">Avant de commencer, lisez à l’usager les mentions obligatoires : le mandat vous permet de réaliser
les démarches choisies en son nom, pour la durée choisie ; il peut le révoquer à tout moment ; ses données sont traitées par
Aidants Connect pour la preuve du mandat.</p></div>
${errorSummary(e)}
<form method="post" action="${action}" novalidate>
  ${csrfField(opts.csrf)}
  <fieldset class="fr-fieldset${e.demarches ? ' fr-fieldset--error' : ''}" id="champ-demarches" aria-labelledby="demarches-legende${e.demarches ? ' demarches-erreur' : ''}">
    <legend class="fr-fieldset__legend" id="demarches-legende">Démarches couvertes par le mandat
      <span class="fr-hint-text">Seules les démarches autorisées pour votre structure sont proposées.</span></legend>
    ${opts.demarches.map((d) => html`<div class="fr-fieldset__element"><div class="fr-checkbox-group">
      <input type="checkbox" id="demarche-${d}" name="demarches" value="${d}"${opts.choisies?.includes(d) ? html` checked` : ''}${d === 'argent' ? html` aria-describedby="avertissement-argent"` : ''}>
      <label class="fr-label" for="demarche-${d}">${DEMARCHES[d].titre}<span class="fr-hint-text">${DEMARCHES[d].exemples}</span></label>
    </div>${d === 'argent' ? html`<div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-1w" id="avertissement-argent"><p>Un dossier de surendettement doit être signé par l’usager lui-même (code de la consommation, art. R.721-2 et R.761-1) : le mandat ne le permet pas.</p></div>` : ''}</div>`)}
    ${e.demarches ? html`<div class="fr-messages-group" id="demarches-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${e.demarches}</p></div>` : ''}
  </fieldset>
  <fieldset class="fr-fieldset${e.duree ? ' fr-fieldset--error' : ''}" id="champ-duree" aria-labelledby="duree-legende${e.duree ? ' duree-erreur' : ''}">
    <legend class="fr-fieldset__legend" id="duree-legende">Durée du mandat</legend>
    ${(Object.keys(DUREES_MANDAT) as DureeMandat[]).map((k) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="duree-${k}" name="duree" value="${k}"${opts.duree === k ? html` checked` : ''}>
      <label class="fr-label" for="duree-${k}">${DUREES_MANDAT[k].libelle}</label>
    </div></div>`)}
    ${e.duree ? html`<div class="fr-messages-group" id="duree-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${e.duree}</p></div>` : ''}
  </fieldset>
  ${champLangue({ valeur: opts.langue, erreur: e.langue })}
  ${opts.renouvellement
    ? inputGroup({ name: 'telephone', label: 'Mobile de l’usager (facultatif)', hint: 'Pour le contacter au sujet du mandat, par exemple 06 12 34 56 78', value: opts.telephone, error: e.telephone, type: 'tel', autocomplete: 'off', inputmode: 'tel' })
    : html`<fieldset class="fr-fieldset${e.modalite ? ' fr-fieldset--error' : ''}" id="champ-modalite" aria-labelledby="modalite-legende${e.modalite ? ' modalite-erreur' : ''}">
    <legend class="fr-fieldset__legend" id="modalite-legende">Où est l’usager ?</legend>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="modalite-presence" name="modalite" value="presence"${distance ? '' : html` checked`}>
      <label class="fr-label" for="modalite-presence">Avec moi<span class="fr-hint-text">Il se connecte maintenant avec FranceConnect sur cet ordinateur.</span></label>
    </div></div>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="modalite-distance" name="modalite" value="distance"${distance ? html` checked` : ''}>
      <label class="fr-label" for="modalite-distance">À distance : mandat à distance, accord par SMS<span class="fr-hint-text">Il reçoit le récapitulatif par SMS et donne son accord en répondant « Oui » suivi du code du SMS ; vous continuez ensuite avec FranceConnect.</span></label>
    </div></div>
    ${e.modalite ? html`<div class="fr-messages-group" id="modalite-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${e.modalite}</p></div>` : ''}
  </fieldset>
  ${inputGroup({ name: 'telephone', label: 'Mobile de l’usager', hint: 'Facultatif s’il est avec vous ; obligatoire à distance (il y reçoit les SMS). Par exemple 06 12 34 56 78', value: opts.telephone, error: e.telephone, type: 'tel', autocomplete: 'off', inputmode: 'tel' })}
  <div class="fr-checkbox-group fr-mb-3w${e.certification ? ' fr-checkbox-group--error' : ''}" id="champ-certification">
    <input type="checkbox" id="certification" name="certification" value="oui"${opts.certification ? html` checked` : ''}${e.certification ? html` aria-describedby="certification-erreur"` : ''}>
    <label class="fr-label" for="certification">Mandat à distance : je certifie que ce numéro de mobile est bien celui de l’usager.</label>
    ${e.certification ? html`<p class="fr-error-text" id="certification-erreur">${e.certification}</p>` : ''}
  </div>`}
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-4w">
    <li><button class="fr-btn" type="submit">${opts.renouvellement ? 'Continuer vers le récapitulatif' : 'Continuer'}</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/usagers">Annuler</a></li>
  </ul>
</form></div></div>`;
}

export function recapitulatifPage(opts: {
  csrf: string;
  identite: IdentitePivot;
  demarches: Demarche[];
  duree: DureeMandat;
  expiration: Date;
  structure: { name: string; address: string; postal_code: string; city: string };
  telephone: string | null;
  /** A remote mandat: the usager said "Oui" by SMS. */
  distance?: boolean;
  erreurs?: FieldErrors;
  /** The consent box as the aidant left it (a wrong code, or back from a re-authentication). */
  consentement?: boolean;
}): SafeHtml {
  const e = opts.erreurs ?? {};
  const i = opts.identite;
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Récapitulatif du mandat</h1>
${errorSummary(e)}
<h2 class="fr-h4">L’usager (mandant)</h2>
<dl class="fr-mb-3w">
  <dt class="fr-text--bold">Nom et prénoms</dt><dd>${i.family_name}${i.preferred_username ? ` (nom d’usage : ${i.preferred_username})` : ''} — ${i.given_name}</dd>
  <dt class="fr-text--bold">Date de naissance</dt><dd>${dateNaissance(i.birthdate)}</dd>
  <dt class="fr-text--bold">Lieu de naissance</dt><dd>${lieuNaissance(i)}</dd>
  ${i.email ? html`<dt class="fr-text--bold">Adresse e-mail</dt><dd>${i.email}</dd>` : ''}
  ${opts.telephone ? html`<dt class="fr-text--bold">Mobile</dt><dd>${telephoneLisible(opts.telephone)}</dd>` : ''}
</dl>
<h2 class="fr-h4">La structure (mandataire)</h2>
<p>${opts.structure.name}, ${opts.structure.address} ${opts.structure.postal_code} ${opts.structure.city}</p>
<h2 class="fr-h4">Démarches</h2>
<ul>${opts.demarches.map((d) => html`<li>${DEMARCHES[d].titre}</li>`)}</ul>
<h2 class="fr-h4">Durée</h2>
<p>Le mandat vaut ${phraseDuree(opts.duree, opts.expiration)}.</p>
${opts.distance ? html`<h2 class="fr-h4">Mandat à distance</h2>
<p>L’usager a reçu ce récapitulatif par SMS et a donné son accord en répondant « Oui » avec le code de la demande. Remettez-lui ensuite le mandat signé (CGU, article 7.3).</p>` : ''}
<form method="post" action="/mandats/nouveau/recapitulatif" novalidate class="fr-mt-4w">
  ${csrfField(opts.csrf)}
  <div class="fr-checkbox-group fr-mb-3w${e.consentement ? ' fr-checkbox-group--error' : ''}" id="champ-consentement">
    <input type="checkbox" id="consentement" name="consentement" value="oui"${opts.consentement ? html` checked` : ''}${e.consentement ? html` aria-describedby="consentement-erreur"` : ''}>
    <label class="fr-label" for="consentement">J’atteste avoir informé l’usager de l’objet du mandat, des données collectées et de ses droits, et avoir recueilli son consentement.</label>
    ${e.consentement ? html`<p class="fr-error-text" id="consentement-erreur">${e.consentement}</p>` : ''}
  </div>
  ${codeField(e.code)}
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-4w">
    <li><button class="fr-btn" type="submit">Créer le mandat</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/mandats/nouveau">Recommencer</a></li>
  </ul>
</form></div></div>`;
}

export function revocationPage(opts: { csrf: string; mandatId: number; usager: string; usagerId: number; demarches: Demarche[]; autorisationId?: number }): SafeHtml {
  const tout = opts.autorisationId === undefined;
  return html`<h1>${tout ? 'Révoquer le mandat' : 'Révoquer une démarche'}</h1>
<p>${tout ? html`Le mandat n° ${opts.mandatId} ${de(opts.usager)} prendra fin immédiatement pour ${opts.demarches.length > 1 ? 'les démarches suivantes' : 'la démarche suivante'} :`
  : html`Le mandat n° ${opts.mandatId} ${de(opts.usager)} ne couvrira plus la démarche suivante :`}</p>
<ul>${opts.demarches.map((d) => html`<li>${DEMARCHES[d].titre}</li>`)}</ul>
<p>Cette action est définitive et enregistrée dans le journal.</p>
<form method="post" action="/mandats/${opts.mandatId}/revoquer" novalidate>
  ${csrfField(opts.csrf)}
  ${tout ? '' : html`<input type="hidden" name="autorisation" value="${opts.autorisationId}">`}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer la révocation</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/usagers/${opts.usagerId}">Annuler</a></li>
  </ul>
</form>`;
}

/**
 * The mandat's transaction committed, then PostgreSQL went away before the session could be saved (README
 * « Pannes et reprises »): the mandat exists, the aidant must not believe it failed nor start again.
 */
export function mandatCreeServiceIndisponiblePage(opts: { usagerId: number; mandatId: number }): SafeHtml {
  return html`<h1>Le mandat a été créé</h1>
<div class="fr-alert fr-alert--warning fr-mb-4w"><p>Le mandat a été créé et enregistré. Le service est ensuite devenu momentanément indisponible : ne recommencez pas la création. Dans quelques minutes, vous retrouverez le mandat sur la fiche de l’usager.</p></div>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/usagers/${opts.usagerId}#mandat-${opts.mandatId}">Voir la fiche de l’usager</a></li>
</ul>`;
}

export function creationImpossiblePage(message: string): SafeHtml {
  return html`<h1>Le mandat n’a pas été créé</h1>
<div class="fr-alert fr-alert--error fr-mb-4w"><p>${message}</p></div>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/mandats/nouveau">Recommencer la création</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/usagers">Retour à mes usagers</a></li>
</ul>`;
}
