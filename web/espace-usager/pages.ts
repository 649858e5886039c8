// Pages of the espace usager (issue 21), DSFR and French, written for the person helped (« vous »): the
// login with FranceConnect, their mandats, what was done in their name, the revocation confirmation, the
// « Je ne reconnais pas cette action » form and their data. Every page of a logged-in usager sits in the
// space's side menu, and its header offers « Se déconnecter » (which also ends the FranceConnect session).
import { html, type SafeHtml } from '../ui/html.ts';
import type { Crumb } from '../ui/breadcrumb.ts';
import { csrfField, errorSummary, type FieldErrors } from '../ui/forms.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import { dateLongue, DUREES_MANDAT, LIBELLES_GROUPE_MANDAT, type GroupeMandat } from '../../db/domain/mandat.ts';
import { dateNaissance, nombre } from '../../db/domain/francais.ts';
import { LONGUEUR_MAX_PRECISION, MOTIFS_SIGNALEMENT } from '../../db/domain/espace-usager.ts';
import { formaterCode } from '../../db/domain/preuve-mandat.ts';
import { dateHeureCourte, parQui, type ActeAffiche, type MandatAffiche, type PageActes } from '../../api/espace-usager/consultation.ts';
import type { CibleRevocation } from '../../api/espace-usager/revocation.ts';
import { DUREES_DE_CONSERVATION } from '../../api/espace-usager/export.ts';
import type { UsagerConnecte } from '../../api/espace-usager/session.ts';

export const ESPACE_USAGER: Crumb = { label: 'Espace usager', href: '/espace-usager' };

export function nomUsager(u: Pick<UsagerConnecte, 'given_name' | 'family_name' | 'preferred_username'>): string {
  return `${u.given_name} ${u.preferred_username || u.family_name}`;
}

/** The header's tools on the espace's pages: who is logged in and « Se déconnecter » (ends FranceConnect too). */
export function outilsUsager(usager: UsagerConnecte | undefined, csrf: string | undefined): SafeHtml {
  if (!usager) return html`<li><a class="fr-btn fr-icon-lock-line" href="/connexion">Espace aidant</a></li>`;
  return html`<li><a class="fr-btn fr-icon-account-circle-line" href="/espace-usager">${nomUsager(usager)}<span class="fr-sr-only"> — mon espace usager</span></a></li>
    <li><form method="post" action="/espace-usager/deconnexion"><input type="hidden" name="_csrf" value="${csrf ?? ''}"><button type="submit" class="fr-btn fr-icon-logout-box-r-line">Se déconnecter</button></form></li>`;
}

type Rubrique = 'mandats' | 'actes' | 'donnees';
const RUBRIQUES: { cle: Rubrique; label: string; href: string }[] = [
  { cle: 'mandats', label: 'Mes mandats', href: '/espace-usager' },
  { cle: 'actes', label: 'Ce qui a été fait en mon nom', href: '/espace-usager/actes' },
  { cle: 'donnees', label: 'Mes données', href: '/espace-usager/mes-donnees' },
];

function menu(courante: Rubrique, contenu: SafeHtml, sousPage = false): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-3">
    <nav class="fr-sidemenu" role="navigation" aria-labelledby="menu-usager-titre">
      <div class="fr-sidemenu__inner">
        <button type="button" class="fr-sidemenu__btn" aria-expanded="false" aria-controls="menu-usager">Dans mon espace</button>
        <div class="fr-collapse" id="menu-usager">
          <p class="fr-sidemenu__title" id="menu-usager-titre">Mon espace usager</p>
          <ul class="fr-sidemenu__list">
            ${RUBRIQUES.map((r) => html`<li class="fr-sidemenu__item${r.cle === courante ? ' fr-sidemenu__item--active' : ''}"><a class="fr-sidemenu__link" href="${r.href}"${r.cle === courante ? html` aria-current="${sousPage ? 'true' : 'page'}"` : ''}>${r.label}</a></li>`)}
          </ul>
        </div>
      </div>
    </nav>
  </div>
  <div class="fr-col-12 fr-col-md-9">${contenu}</div>
</div>`;
}

export function accueilPage(csrf: string): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--gutters"><div class="fr-col-12 fr-col-lg-8">
<h1>Vous êtes accompagné par un aidant ?</h1>
<p class="fr-text--lead">Votre espace usager vous montre les mandats que vous avez signés avec une structure d’accompagnement et tout ce qui a été fait en votre nom.</p>
<p>Vous pouvez y :</p>
<ul>
  <li>consulter vos mandats et les télécharger ;</li>
  <li>voir chaque démarche réalisée en votre nom, avec la date, la structure et l’aidant ;</li>
  <li>révoquer un mandat ou une démarche à tout moment ;</li>
  <li>signaler une action que vous ne reconnaissez pas ;</li>
  <li>télécharger toutes les données que nous détenons sur vous.</li>
</ul>
<p>Connectez-vous avec le compte FranceConnect que vous avez utilisé pour signer votre mandat (impots.gouv.fr, ameli.fr, l’Identité Numérique La Poste…). Pour votre sécurité, la session dure 30 minutes au plus.</p>
<form method="post" action="/espace-usager/connexion">
  ${csrfField(csrf)}
  <div class="fr-connect-group">
    <button class="fr-connect" type="submit"><span class="fr-connect__login">S’identifier avec</span> <span class="fr-connect__brand">FranceConnect</span></button>
    <p><a href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu’est-ce que FranceConnect ? — nouvelle fenêtre">Qu’est-ce que FranceConnect ?</a></p>
  </div>
</form>
<p class="fr-mt-4w">Vous êtes aidant ou référent ? <a class="fr-link" href="/connexion">Connectez-vous à votre espace professionnel</a>.</p>
</div></div>`;
}

export function connexionImpossiblePage(message: string): SafeHtml {
  return html`<h1>Connexion impossible</h1>
<div class="fr-alert fr-alert--error fr-mb-4w"><p>${message}</p></div>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/espace-usager">Recommencer la connexion</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/">Retour à l’accueil</a></li>
</ul>`;
}

export function aucunMandatPage(): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Aucun mandat à votre nom</h1>
<p class="fr-text--lead">Nous n’avons trouvé aucun mandat signé avec votre compte FranceConnect.</p>
<p>Si une structure vous accompagne (France Services, mairie, CCAS, association…), c’est peut-être que le mandat a été signé avec un autre compte FranceConnect : reconnectez-vous avec celui-là. Un mandat terminé depuis plus de 6 ans a aussi été supprimé.</p>
<p>Rien n’a été enregistré à votre sujet lors de cette connexion, et vous avez été déconnecté de FranceConnect.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/espace-usager">Se connecter avec un autre compte</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/">Retour à l’accueil</a></li>
</ul>
</div></div>`;
}

export function deconnectePage(expiree: boolean): SafeHtml {
  return html`<h1>${expiree ? 'Votre session a expiré' : 'Vous êtes déconnecté'}</h1>
<p>${expiree ? 'Pour votre sécurité, une session de l’espace usager dure 30 minutes au plus. ' : ''}Vous êtes déconnecté de votre espace usager et de FranceConnect.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/espace-usager">Se reconnecter</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/">Retour à l’accueil</a></li>
</ul>`;
}

const BADGES: Record<GroupeMandat, SafeHtml> = {
  actif: html`<p class="fr-badge fr-badge--success">Actif</p>`,
  bientot: html`<p class="fr-badge fr-badge--warning">Expire bientôt</p>`,
  expire: html`<p class="fr-badge">Expiré</p>`,
  revoque: html`<p class="fr-badge fr-badge--error">Révoqué</p>`,
};

const JOURS = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

function horaires(h: Record<string, [string, string][]>): string | null {
  const jours = Object.keys(h).filter((j) => Array.isArray(h[j]) && h[j].length).sort();
  if (!jours.length) return null;
  return jours.map((j) => `${JOURS[Number(j)] ?? j} ${h[j].map(([a, b]) => `${a.replace(':', ' h ')}–${b.replace(':', ' h ')}`).join(', ')}`).join(' ; ');
}

/** A DSFR card is `height: 100%`: inside the side menu's column it is wrapped in a plain block (auto height). */
function carteMandat(m: MandatAffiche): SafeHtml {
  const actif = m.status === 'active';
  const fin = actif ? `Valable jusqu’au ${dateLongue(m.expires_at)}`
    : m.status === 'expired' ? `Expiré le ${dateLongue(m.ended_at ?? m.expires_at)}` : `Révoqué le ${dateLongue(m.ended_at ?? m.expires_at)}`;
  const adresse = [m.structure.address, `${m.structure.postal_code} ${m.structure.city}`.trim()].filter(Boolean).join(', ');
  const h = horaires(m.structure.opening_hours);
  return html`<div class="fr-card fr-mb-3w" id="mandat-${m.id}"><div class="fr-card__body"><div class="fr-card__content">
  <h3 class="fr-card__title">Mandat n° ${m.id} avec ${m.structure.name}</h3>
  <div class="fr-card__desc">
    ${BADGES[m.groupe]}
    <p class="fr-mt-1w">Signé le ${dateLongue(m.created_at)}. ${fin}. Durée : ${DUREES_MANDAT[m.duree_keyword]?.libelle ?? m.duree_keyword}.</p>
    ${m.purgeLe ? html`<p>Les données de ce mandat seront supprimées le ${dateLongue(m.purgeLe)} (6 ans après sa fin).</p>` : ''}
    <p><strong>Pour joindre la structure :</strong> ${adresse || 'adresse non renseignée'}${h ? html`<br>Horaires d’accueil : ${h}` : ''}</p>
    <p class="fr-mb-1w"><strong>Démarches couvertes :</strong></p>
    <ul class="fr-raw-list">${m.autorisations.map((a) => html`<li class="fr-mb-1w">
      ${DEMARCHES[a.demarche].titre}
      ${a.revoked_at ? html` — révoquée le ${dateLongue(a.revoked_at)}` : actif
        ? html` — <a class="fr-link fr-link--sm" href="/espace-usager/mandats/${m.id}/revoquer?autorisation=${a.id}">Révoquer cette démarche<span class="fr-sr-only"> (${DEMARCHES[a.demarche].titre})</span></a>` : ''}
    </li>`)}</ul>
    ${m.code ? html`<p>Code de vérification du mandat : <span class="fr-text--bold">${formaterCode(m.code)}</span> (vérifiable par quiconque sur <a href="/verifier">la page de vérification</a>).</p>` : ''}
  </div></div>
  <div class="fr-card__footer"><ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-btns-group--icon-left">
    <li><a class="fr-btn fr-btn--tertiary fr-icon-download-line fr-btn--icon-left" href="/espace-usager/mandats/${m.id}/mandat.pdf">Télécharger le mandat (PDF)<span class="fr-sr-only"> n° ${m.id}</span></a></li>
    ${m.aUneRevocation ? html`<li><a class="fr-btn fr-btn--tertiary fr-icon-file-pdf-line fr-btn--icon-left" href="/espace-usager/mandats/${m.id}/attestation-revocation.pdf">Attestation de révocation (PDF)<span class="fr-sr-only"> du mandat n° ${m.id}</span></a></li>` : ''}
    ${actif ? html`<li><a class="fr-btn fr-btn--secondary" href="/espace-usager/mandats/${m.id}/revoquer">Révoquer le mandat<span class="fr-sr-only"> n° ${m.id}</span></a></li>` : ''}
  </ul></div>
</div></div>`;
}

export function mandatsPage(usager: UsagerConnecte, mandats: MandatAffiche[]): SafeHtml {
  const groupes = (['actif', 'bientot', 'expire', 'revoque'] as GroupeMandat[])
    .map((g) => [g, mandats.filter((m) => m.groupe === g)] as const)
    .filter(([, liste]) => liste.length);
  return menu('mandats', html`<h1>Mes mandats</h1>
<p>Bonjour ${nomUsager(usager)}. Voici les mandats que vous avez confiés à des structures d’accompagnement (${nombre(mandats.length, 'mandat', 'mandats')}). Vous pouvez révoquer un mandat, ou une seule de ses démarches, à tout moment : la structure en est prévenue.</p>
${groupes.length ? '' : html`<p>Aucun mandat.</p>`}
${groupes.map(([g, liste]) => html`<h2>${LIBELLES_GROUPE_MANDAT[g]}</h2><div>${liste.map(carteMandat)}</div>`)}`);
}

export function revocationPage(csrf: string, c: CibleRevocation): SafeHtml {
  const tout = c.autorisationId === undefined;
  return menu('mandats', html`<h1>${tout ? 'Révoquer le mandat' : 'Révoquer une démarche'}</h1>
<p>${tout ? html`Votre mandat n° ${c.mandatId} avec ${c.structure} prendra fin immédiatement pour ${c.demarches.length > 1 ? 'les démarches suivantes' : 'la démarche suivante'} :`
  : html`Votre mandat n° ${c.mandatId} avec ${c.structure} ne couvrira plus la démarche suivante :`}</p>
<ul>${c.demarches.map((d) => html`<li>${DEMARCHES[d].titre}</li>`)}</ul>
${!tout && c.mandatEntier ? html`<p>C’est la dernière démarche encore couverte : le mandat prendra fin.</p>` : ''}
<p>La structure ne pourra plus réaliser ${c.demarches.length > 1 ? 'ces démarches' : 'cette démarche'} en votre nom. Elle sera prévenue par e-mail, et vous recevrez une attestation de révocation. Cette action est définitive.</p>
<form method="post" action="/espace-usager/mandats/${c.mandatId}/revoquer" novalidate>
  ${csrfField(csrf)}
  ${tout ? '' : html`<input type="hidden" name="autorisation" value="${c.autorisationId}">`}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer la révocation</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/espace-usager#mandat-${c.mandatId}">Annuler</a></li>
  </ul>
</form>`, true);
}

export function revocationFaitePage(mandatId: number, mandatClos: boolean): SafeHtml {
  return menu('mandats', html`<h1>${mandatClos ? 'Votre mandat est révoqué' : 'La démarche est révoquée'}</h1>
<div class="fr-alert fr-alert--success fr-mb-4w" role="status"><p>${mandatClos ? `Le mandat n° ${mandatId} a pris fin.` : `Le mandat n° ${mandatId} ne couvre plus cette démarche.`} La structure est prévenue par e-mail, et un reçu vous est envoyé.</p></div>
<p>Téléchargez dès maintenant votre attestation de révocation : elle prouve la date de votre révocation.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-icon-download-line fr-btn--icon-left" href="/espace-usager/mandats/${mandatId}/attestation-revocation.pdf">Télécharger l’attestation de révocation (PDF)</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/espace-usager#mandat-${mandatId}">Retour à mes mandats</a></li>
</ul>`, true);
}

export function dejaRevoquePage(mandatId: number): SafeHtml {
  return menu('mandats', html`<h1>Rien à révoquer</h1>
<div class="fr-alert fr-alert--info fr-mb-4w"><p>Ce mandat ou cette démarche était déjà révoqué ou terminé : rien n’a changé.</p></div>
<ul class="fr-btns-group fr-btns-group--inline-md"><li><a class="fr-btn" href="/espace-usager#mandat-${mandatId}">Retour à mes mandats</a></li></ul>`, true);
}

function ligneActe(a: ActeAffiche): SafeHtml {
  return html`<tr id="acte-${a.id}">
    <td>${dateHeureCourte(a.le)}</td>
    <td>${a.libelle}${a.par ? html`<br><span class="fr-text--sm">par ${parQui(a).toLowerCase()}</span>` : ''}</td>
    <td>${a.structure ?? ''}</td>
    <td>${a.aidant ?? ''}</td>
    <td>${a.demarches.join(', ')}${a.service ? html`<br><span class="fr-text--sm">Service : ${a.service}</span>` : ''}</td>
    <td>${a.signale ? html`<p class="fr-badge fr-badge--sm fr-badge--info">Signalé</p>`
      : html`<a class="fr-link fr-link--sm" href="/espace-usager/actes/${a.id}/signaler">Je ne reconnais pas cette action<span class="fr-sr-only"> du ${dateHeureCourte(a.le)}</span></a>`}</td>
  </tr>`;
}

function pagination(p: PageActes): SafeHtml {
  if (p.pages <= 1) return html``;
  const lien = (n: number) => `/espace-usager/actes?page=${n}`;
  return html`<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
  <ul class="fr-pagination__list">
    <li>${p.page > 1 ? html`<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href="${lien(p.page - 1)}">Page précédente</a>` : html`<a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true" role="link">Page précédente</a>`}</li>
    ${Array.from({ length: p.pages }, (_, i) => i + 1).map((n) => html`<li>${n === p.page
      ? html`<a class="fr-pagination__link" aria-current="page" title="Page ${n}">${n}</a>`
      : html`<a class="fr-pagination__link" href="${lien(n)}" title="Page ${n}">${n}</a>`}</li>`)}
    <li>${p.page < p.pages ? html`<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href="${lien(p.page + 1)}">Page suivante</a>` : html`<a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true" role="link">Page suivante</a>`}</li>
  </ul>
</nav>`;
}

export function actesPage(p: PageActes): SafeHtml {
  return menu('actes', html`<h1>Ce qui a été fait en mon nom</h1>
<p>Chaque démarche réalisée pour vous par un aidant, chaque mandat signé, renouvelé ou révoqué, du plus récent au plus ancien. Ce journal ne peut être ni modifié ni effacé. Si vous ne reconnaissez pas une action, signalez-la : la structure et l’équipe Aidants Connect seront prévenues.</p>
<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-btns-group--icon-left">
  <li><a class="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left" href="/espace-usager/actes.csv">Télécharger la liste (CSV)</a></li>
</ul>
${p.total ? html`<div class="fr-table"><table tabindex="0">
  <caption>${nombre(p.total, 'action', 'actions')}${p.pages > 1 ? ` — page ${p.page} sur ${p.pages}` : ''}</caption>
  <thead><tr><th scope="col">Date et heure</th><th scope="col">Action</th><th scope="col">Structure</th><th scope="col">Aidant</th><th scope="col">Démarche</th><th scope="col">Signaler</th></tr></thead>
  <tbody>${p.actes.map(ligneActe)}</tbody>
</table></div>${pagination(p)}` : html`<p>Aucune action pour le moment.</p>`}`);
}

export function signalementPage(opts: { csrf: string; acte: ActeAffiche; erreurs?: FieldErrors; motif?: string; precision?: string; message?: string }): SafeHtml {
  const e = opts.erreurs ?? {};
  const a = opts.acte;
  return menu('actes', html`<h1>Je ne reconnais pas cette action</h1>
<div class="fr-callout fr-mb-4w"><p class="fr-callout__text">${a.libelle}, le ${dateHeureCourte(a.le)}${a.structure ? ` — ${a.structure}` : ''}${a.aidant ? ` (aidant : ${a.aidant})` : ''}${a.demarches.length ? ` — ${a.demarches.join(', ')}` : ''}.</p></div>
${opts.message ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>${opts.message}</p></div>` : ''}
${errorSummary(e)}
<p>Votre signalement est transmis aux référents de la structure et à l’équipe Aidants Connect, qui vérifieront ce qui s’est passé. Si vous pensez qu’un mandat est utilisé sans votre accord, vous pouvez aussi le révoquer depuis <a href="/espace-usager">vos mandats</a>.</p>
<form method="post" action="/espace-usager/actes/${a.id}/signaler" novalidate>
  ${csrfField(opts.csrf)}
  <fieldset class="fr-fieldset${e.motif ? ' fr-fieldset--error' : ''}" id="champ-motif" aria-labelledby="motif-legende${e.motif ? ' motif-erreur' : ''}">
    <legend class="fr-fieldset__legend" id="motif-legende">Qu’est-ce qui ne va pas ?</legend>
    ${Object.entries(MOTIFS_SIGNALEMENT).map(([k, l]) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="motif-${k}" name="motif" value="${k}"${opts.motif === k ? html` checked` : ''}>
      <label class="fr-label" for="motif-${k}">${l}</label>
    </div></div>`)}
    ${e.motif ? html`<div class="fr-messages-group" id="motif-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${e.motif}</p></div>` : ''}
  </fieldset>
  <div class="fr-input-group${e.precision ? ' fr-input-group--error' : ''}">
    <label class="fr-label" for="champ-precision">Précisez si vous le souhaitez<span class="fr-hint-text" id="champ-precision-aide">${LONGUEUR_MAX_PRECISION} caractères au plus. Obligatoire pour « Autre raison ».</span></label>
    <textarea class="fr-input${e.precision ? ' fr-input--error' : ''}" id="champ-precision" name="precision" rows="5" maxlength="${LONGUEUR_MAX_PRECISION}" aria-describedby="champ-precision-aide${e.precision ? ' champ-precision-erreur' : ''}">${opts.precision ?? ''}</textarea>
    ${e.precision ? html`<p class="fr-error-text" id="champ-precision-erreur">${e.precision}</p>` : ''}
  </div>
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Envoyer le signalement</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/espace-usager/actes#acte-${a.id}">Annuler</a></li>
  </ul>
</form>`, true);
}

export function donneesPage(usager: UsagerConnecte): SafeHtml {
  return menu('donnees', html`<h1>Mes données</h1>
<p>Vous avez le droit d’accéder à toutes les données que nous détenons sur vous et de les récupérer dans un format lisible par une machine (règlement général sur la protection des données, articles 15 et 20).</p>
<h2>Votre identité, telle que FranceConnect l’a transmise</h2>
<ul>
  <li>Prénoms : ${usager.given_name}</li>
  <li>Nom de naissance : ${usager.family_name}${usager.preferred_username ? html` (nom d’usage : ${usager.preferred_username})` : ''}</li>
  <li>Date de naissance : ${dateNaissance(usager.birthdate)}</li>
  <li>Adresse e-mail : ${usager.email ?? 'aucune'}</li>
</ul>
<h2>Combien de temps nous les conservons, et pourquoi</h2>
<div class="fr-table"><table tabindex="0"><caption>Durées de conservation</caption>
  <thead><tr><th scope="col">Données</th><th scope="col">Durée</th><th scope="col">Pourquoi</th></tr></thead>
  <tbody>${DUREES_DE_CONSERVATION.map((d) => html`<tr><td>${d.donnees}</td><td>${d.duree}</td><td>${d.pourquoi}</td></tr>`)}</tbody>
</table></div>
<p>Le fichier contient votre identité, les coordonnées saisies par chaque structure, vos mandats et leurs démarches, toutes les entrées du journal qui vous concernent et vos signalements.</p>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-icon-download-line fr-btn--icon-left" href="/espace-usager/mes-donnees.json">Télécharger mes données (JSON)</a></li>
</ul>`);
}
