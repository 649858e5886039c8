// The demandeur's pages (public habilitation form and follow page), in French, DSFR markup.
import { html, type SafeHtml } from '../ui/html.ts';
import { ETAPES_DEMANDE, CERTIFICATIONS, type Certification, type EtapeDemande } from '../../db/domain/demande-habilitation.ts';
import { LIBELLES_TYPE_STRUCTURE, demandeModifiable } from '../../db/domain/habilitation.ts';
import { TYPES_STRUCTURE, type StatutDemandeStructure } from '../../db/domain/statuts.ts';
import { nombre } from '../../db/domain/francais.ts';
import { alerte, boutonsRadio, caseACocher, champTexte, jetonCsrf, liste, resumeErreurs, type Erreurs } from './champs.ts';
import { badgeAidant, badgeDemande, filMessages, frise, prochaineEtape } from './frise.ts';
import type { EvenementHabilitation } from '../../db/queries/habilitation.ts';
import type { EtatHabilitation } from '../../workflows/habilitation.ts';

type Valeurs = Record<string, unknown>;
const v = (x: Valeurs, k: string) => (x[k] === null || x[k] === undefined ? '' : String(x[k]));

export function etapes(courante: EtapeDemande): SafeHtml {
  const i = ETAPES_DEMANDE.findIndex((e) => e.cle === courante);
  const suivante = ETAPES_DEMANDE[i + 1];
  return html`<div class="fr-stepper">
  <h2 class="fr-stepper__title">${ETAPES_DEMANDE[i].titre}<span class="fr-stepper__state">Étape ${i + 1} sur ${ETAPES_DEMANDE.length}</span></h2>
  <div class="fr-stepper__steps" data-fr-current-step="${i + 1}" data-fr-steps="${ETAPES_DEMANDE.length}"></div>
  ${suivante ? html`<p class="fr-stepper__details"><span class="fr-text--bold">Étape suivante :</span> ${suivante.titre}</p>` : ''}
</div>`;
}

function formulaire(action: string, csrf: string, erreurs: Erreurs, corps: SafeHtml, bouton: string, retour?: string): SafeHtml {
  return html`${resumeErreurs(erreurs)}<form method="post" action="${action}" novalidate>
  ${jetonCsrf(csrf)}
  ${corps}
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
    ${retour ? html`<li><a class="fr-btn fr-btn--secondary" href="${retour}">Étape précédente</a></li>` : ''}
    <li><button class="fr-btn" type="submit">${bouton}</button></li>
  </ul>
</form>`;
}

export function pageIdentite(csrf: string, valeurs: Valeurs = {}, erreurs: Erreurs = {}): SafeHtml {
  return html`<h1>Demander l'habilitation de votre structure</h1>
<p class="fr-text--lead">Votre structure accompagne gratuitement des usagers dans leurs démarches administratives en ligne ? Demandez son habilitation à Aidants Connect. Votre demande est enregistrée à chaque étape.</p>
${etapes('identite')}
${formulaire('/habilitation', csrf, erreurs, html`
  <p>Tous les champs sont obligatoires.</p>
  ${champTexte({ name: 'first_name', label: 'Prénom', value: v(valeurs, 'first_name'), erreur: erreurs.first_name, autocomplete: 'given-name' })}
  ${champTexte({ name: 'last_name', label: 'Nom', value: v(valeurs, 'last_name'), erreur: erreurs.last_name, autocomplete: 'family-name' })}
  ${champTexte({ name: 'email', label: 'Adresse e-mail', aide: 'Un lien de confirmation, valable 3 jours, vous sera envoyé.', type: 'email', value: v(valeurs, 'email'), erreur: erreurs.email, autocomplete: 'email' })}
  ${champTexte({ name: 'profession', label: 'Fonction dans la structure', value: v(valeurs, 'profession'), erreur: erreurs.profession, autocomplete: 'organization-title' })}
`, 'Continuer')}`;
}

export function pageEmailEnvoye(email: string): SafeHtml {
  return html`<h1>Confirmez votre adresse e-mail</h1>
${alerte('info', html`Un e-mail vient d'être envoyé à <strong>${email}</strong>. Ouvrez le lien qu'il contient (valable 3 jours) pour poursuivre votre demande.`)}
<p>Vous ne le trouvez pas ? Vérifiez vos courriers indésirables, ou recommencez depuis la <a href="/habilitation">page de demande</a>.</p>`;
}

export function pageLienInvalide(raison: 'expire' | 'inconnu', demandeId?: string): SafeHtml {
  return html`<h1>Ce lien n'est plus valable</h1>
${alerte('warning', raison === 'expire' ? 'Ce lien a expiré : les liens sont valables 3 jours.' : "Ce lien est inconnu ou a déjà été utilisé.")}
${demandeId ? html`<p><a class="fr-link" href="/habilitation/demande/${demandeId}/acces">Recevoir un nouveau lien</a></p>` : html`<p><a class="fr-link" href="/habilitation">Revenir à la demande d'habilitation</a></p>`}`;
}

/** The link opens this page; the button consumes it (a mail scanner that opens links does not). */
export function pageConfirmerLien(action: string, csrf: string): SafeHtml {
  return html`<h1>Accéder à votre demande d'habilitation</h1>
<p>Ce lien confirme votre adresse e-mail et ouvre votre demande dans ce navigateur. Il ne sert qu'une fois.</p>
<form method="post" action="${action}">${jetonCsrf(csrf)}<button class="fr-btn" type="submit">Continuer ma demande</button></form>`;
}

/** Too many emails asked for one address or from one connection: nothing was sent. */
export function pageTropDEnvois(): SafeHtml {
  return html`<h1>Trop de demandes</h1>
${alerte('warning', "Trop de liens ont été demandés récemment pour cette adresse ou depuis cette connexion. Réessayez dans une heure : aucun nouveau courriel n'a été envoyé.")}`;
}

export function pageDemandeAcces(demandeId: string, csrf: string, envoye: boolean, erreurs: Erreurs = {}): SafeHtml {
  return html`<h1>Accéder à votre demande d'habilitation</h1>
${envoye ? alerte('success', "Si cette adresse est celle du demandeur, un lien d'accès valable 3 jours vient de lui être envoyé.") : html`
<p>Pour des raisons de sécurité, l'accès à une demande passe par un lien envoyé à l'adresse e-mail du demandeur.</p>
${formulaire(`/habilitation/demande/${demandeId}/acces`, csrf, erreurs, champTexte({ name: 'email', label: 'Adresse e-mail du demandeur', type: 'email', erreur: erreurs.email, autocomplete: 'email' }), 'Recevoir un lien')}`}`;
}

export function pageStructure(id: string, csrf: string, valeurs: Valeurs, erreurs: Erreurs = {}): SafeHtml {
  const publique = valeurs.is_public === true || valeurs.is_public === 'oui' ? 'oui' : valeurs.is_public === false || valeurs.is_public === 'non' ? 'non' : '';
  return html`<h1>Demande d'habilitation</h1>
${etapes('structure')}
${formulaire(`/habilitation/demande/${id}/structure`, csrf, erreurs, html`
  ${champTexte({ name: 'siret', label: 'Numéro SIRET', aide: '14 chiffres, par exemple 213 500 630 00013', value: v(valeurs, 'siret'), erreur: erreurs.siret })}
  ${champTexte({ name: 'structure_name', label: 'Nom de la structure', value: v(valeurs, 'structure_name'), erreur: erreurs.structure_name, autocomplete: 'organization' })}
  ${liste({ name: 'structure_type', label: 'Type de structure', options: TYPES_STRUCTURE.map((t) => [t, LIBELLES_TYPE_STRUCTURE[t]]), value: v(valeurs, 'structure_type'), erreur: erreurs.structure_type })}
  ${champTexte({ name: 'address', label: 'Adresse', value: v(valeurs, 'address'), erreur: erreurs.address, autocomplete: 'street-address' })}
  ${champTexte({ name: 'postal_code', label: 'Code postal', value: v(valeurs, 'postal_code'), erreur: erreurs.postal_code, autocomplete: 'postal-code' })}
  ${champTexte({ name: 'city', label: 'Commune', value: v(valeurs, 'city'), erreur: erreurs.city, autocomplete: 'address-level2' })}
  ${boutonsRadio({ name: 'is_public', legende: 'La structure est-elle publique ou privée ?', options: [['oui', 'Publique'], ['non', 'Privée']], value: publique, erreur: erreurs.is_public, enLigne: true })}
  ${champTexte({ name: 'partner_administration', label: 'Administration partenaire (structure privée uniquement)', aide: "L'administration qui soutient la structure : préfecture, collectivité, CAF…", value: v(valeurs, 'partner_administration'), erreur: erreurs.partner_administration })}
  <fieldset class="fr-fieldset"><legend class="fr-fieldset__legend fr-fieldset__legend--regular">Gratuité</legend>
  ${caseACocher({ name: 'free_support_certified', label: "Je certifie que l'accompagnement des usagers par la structure est gratuit.", coche: valeurs.free_support_certified === true, erreur: erreurs.free_support_certified })}
  </fieldset>
`, 'Enregistrer et continuer')}`;
}

export function pageReferent(id: string, csrf: string, valeurs: Valeurs, erreurs: Erreurs = {}): SafeHtml {
  return html`<h1>Demande d'habilitation</h1>
${etapes('referent')}
<p>Le référent pilote le déploiement d'Aidants Connect dans la structure : il ajoute les aidants et gère leurs moyens de connexion. Il n'est ni élu ni mandataire judiciaire.</p>
${formulaire(`/habilitation/demande/${id}/referent`, csrf, erreurs, html`
  ${champTexte({ name: 'referent_first_name', label: 'Prénom du référent', value: v(valeurs, 'referent_first_name'), erreur: erreurs.referent_first_name })}
  ${champTexte({ name: 'referent_last_name', label: 'Nom du référent', value: v(valeurs, 'referent_last_name'), erreur: erreurs.referent_last_name })}
  ${champTexte({ name: 'referent_email', label: 'Adresse e-mail professionnelle du référent', aide: 'Nominative et individuelle (prenom.nom@structure.fr) : pas de contact@ ni accueil@.', type: 'email', value: v(valeurs, 'referent_email'), erreur: erreurs.referent_email })}
  ${champTexte({ name: 'referent_phone', label: 'Téléphone mobile du référent', aide: 'Un code lui sera envoyé par SMS à sa première connexion. Exemple : 06 12 34 56 78', type: 'tel', value: v(valeurs, 'referent_phone'), erreur: erreurs.referent_phone })}
  ${champTexte({ name: 'referent_profession', label: 'Fonction du référent', value: v(valeurs, 'referent_profession'), erreur: erreurs.referent_profession })}
  <fieldset class="fr-fieldset"><legend class="fr-fieldset__legend fr-fieldset__legend--regular">Le référent est-il aussi aidant ?</legend>
  ${caseACocher({ name: 'referent_is_aidant', label: 'Le référent accompagnera aussi des usagers : il sera formé et habilité comme aidant.', coche: valeurs.referent_is_aidant === true })}
  </fieldset>
`, 'Enregistrer et continuer', `/habilitation/demande/${id}/structure`)}`;
}

export function pageAidants(id: string, csrf: string, aidants: { id: number; first_name: string; last_name: string; email: string; profession: string }[], referentAidant: boolean, valeurs: Valeurs = {}, erreurs: Erreurs = {}, erreurListe?: string): SafeHtml {
  return html`<h1>Demande d'habilitation</h1>
${etapes('aidants')}
<p>Les aidants sont des professionnels salariés de la structure. Chacun a une adresse e-mail professionnelle, nominative et individuelle.</p>
${erreurListe ? alerte('error', erreurListe) : ''}
<h2 class="fr-h4">Aidants à habiliter (${aidants.length + (referentAidant ? 1 : 0)})</h2>
${aidants.length || referentAidant ? html`<div class="fr-table"><table tabindex="0"><caption class="fr-sr-only">Aidants à habiliter</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Adresse e-mail</th><th scope="col">Profession</th><th scope="col">Action</th></tr></thead>
<tbody>
${referentAidant ? html`<tr><td colspan="4">Le référent (aussi aidant)</td></tr>` : ''}
${aidants.map((a) => html`<tr><td>${a.first_name} ${a.last_name}</td><td>${a.email}</td><td>${a.profession}</td><td>
<form method="post" action="/habilitation/demande/${id}/aidants/${a.id}/retirer">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" aria-label="Retirer ${a.first_name} ${a.last_name}">Retirer</button></form></td></tr>`)}
</tbody></table></div>` : html`<p>Aucun aidant pour le moment : ajoutez-en au moins un.</p>`}
<h2 class="fr-h4">Ajouter un aidant</h2>
${formulaire(`/habilitation/demande/${id}/aidants`, csrf, erreurs, html`
  ${champTexte({ name: 'first_name', label: "Prénom de l'aidant", value: v(valeurs, 'first_name'), erreur: erreurs.first_name })}
  ${champTexte({ name: 'last_name', label: "Nom de l'aidant", value: v(valeurs, 'last_name'), erreur: erreurs.last_name })}
  ${champTexte({ name: 'email', label: "Adresse e-mail professionnelle de l'aidant", aide: 'Nominative et individuelle (prenom.nom@structure.fr).', type: 'email', value: v(valeurs, 'email'), erreur: erreurs.email })}
  ${champTexte({ name: 'profession', label: 'Profession', value: v(valeurs, 'profession'), erreur: erreurs.profession })}
`, 'Ajouter cet aidant')}
<ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
  <li><a class="fr-btn fr-btn--secondary" href="/habilitation/demande/${id}/referent">Étape précédente</a></li>
  ${aidants.length || referentAidant ? html`<li><a class="fr-btn" href="/habilitation/demande/${id}/engagements">Continuer vers les engagements</a></li>` : ''}
</ul>
${aidants.length || referentAidant ? '' : html`<p class="fr-text--sm">Ajoutez au moins un aidant pour passer à l'étape suivante.</p>`}`;
}

type AidantRecap = { first_name: string; last_name: string; email: string; profession: string };

/** The whole request as staff will read it, each part with a link back to its step. */
export function recapitulatif(id: string, d: Valeurs, aidants: AidantRecap[]): SafeHtml {
  const modifier = (etape: string, quoi: string) => html`<a class="fr-link fr-icon-edit-line fr-link--icon-left" href="/habilitation/demande/${id}/${etape}">Modifier ${quoi}</a>`;
  const publique = d.is_public === true ? 'Publique' : d.is_public === false ? `Privée — administration partenaire : ${v(d, 'partner_administration')}` : 'À renseigner';
  const type = v(d, 'structure_type') as keyof typeof LIBELLES_TYPE_STRUCTURE;
  const nbAidants = aidants.length + (d.referent_is_aidant ? 1 : 0);
  return html`<h2 class="fr-mt-4w">Récapitulatif de votre demande</h2>
<div class="fr-grid-row fr-grid-row--gutters fr-mb-3w">
  <section class="fr-col-12 fr-col-md-4"><h3 class="fr-h6">La structure</h3>
    <p>${v(d, 'structure_name') || 'Nom à renseigner'}<br>SIRET ${v(d, 'siret') || 'à renseigner'}<br>${LIBELLES_TYPE_STRUCTURE[type] ?? ''}<br>${v(d, 'address')} ${v(d, 'postal_code')} ${v(d, 'city')}<br>${publique}<br>Accompagnement gratuit : ${d.free_support_certified ? 'certifié' : 'non certifié'}</p>
    ${modifier('structure', 'la structure')}</section>
  <section class="fr-col-12 fr-col-md-4"><h3 class="fr-h6">Le référent</h3>
    <p>${v(d, 'referent_first_name')} ${v(d, 'referent_last_name')}<br>${v(d, 'referent_email') || 'Adresse à renseigner'}<br>${v(d, 'referent_phone')}<br>${v(d, 'referent_profession')}${d.referent_is_aidant ? html`<br>Aussi aidant` : ''}</p>
    ${modifier('referent', 'le référent')}</section>
  <section class="fr-col-12 fr-col-md-4"><h3 class="fr-h6">${nombre(nbAidants, 'aidant à habiliter', 'aidants à habiliter')}</h3>
    ${nbAidants ? html`<ul>${d.referent_is_aidant ? html`<li>Le référent</li>` : ''}${aidants.map((a) => html`<li>${a.first_name} ${a.last_name} — ${a.email}</li>`)}</ul>` : html`<p>Aucun aidant.</p>`}
    ${modifier('aidants', 'les aidants')}</section>
</div>`;
}

export function pageEngagements(id: string, csrf: string, d: Valeurs & { status: StatutDemandeStructure }, aidants: AidantRecap[], valeurs: Valeurs, erreurs: Erreurs = {}, manque: { texte: string; etape: EtapeDemande }[] = []): SafeHtml {
  const renvoi = d.status === 'CHANGES_REQUIRED';
  const titreEtape = (cle: EtapeDemande) => ETAPES_DEMANDE.find((e) => e.cle === cle)!.titre;
  return html`<h1>Demande d'habilitation</h1>
${etapes('engagements')}
${manque.length ? html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><h2 class="fr-alert__title">La demande ne peut pas encore être envoyée</h2>
  <p>Complétez d'abord :</p><ul>${manque.map((m) => html`<li><a href="/habilitation/demande/${id}/${m.etape}">${m.texte}</a> (étape « ${titreEtape(m.etape)} »)</li>`)}</ul></div>` : ''}
${recapitulatif(id, d, aidants)}
${formulaire(`/habilitation/demande/${id}/engagements`, csrf, erreurs, html`
  <fieldset class="fr-fieldset"><legend class="fr-fieldset__legend">Engagements de la structure (obligatoires)</legend>
  ${(Object.keys(CERTIFICATIONS) as Certification[]).map((k) => caseACocher({ name: k, label: CERTIFICATIONS[k], coche: valeurs[k] === true || valeurs[k] === 'on', erreur: erreurs[k] }))}
  </fieldset>
`, renvoi ? 'Soumettre à nouveau la demande' : 'Envoyer la demande', `/habilitation/demande/${id}/aidants`)}`;
}

export interface VueSuivi {
  demande: Record<string, unknown> & { id: string; status: StatutDemandeStructure; structure_name: string | null; siret: string | null };
  aidants: { first_name: string; last_name: string; email: string; status: import('../../db/domain/statuts.ts').StatutDemandeAidant }[];
  evenements: EvenementHabilitation[];
  messages: { sender: string; content: string; created_at: Date }[];
  etat: EtatHabilitation | null;
}

export function pageSuivi(vue: VueSuivi): SafeHtml {
  const { demande: d } = vue;
  const modifiable = demandeModifiable(d.status);
  return html`<h1>Suivi de la demande d'habilitation</h1>
<p class="fr-text--lead">${d.structure_name ?? 'Structure à renseigner'}${d.siret ? ` — SIRET ${d.siret}` : ''}</p>
<p>Statut : ${badgeDemande(d.status)}</p>
${alerte('info', prochaineEtape(d.status, vue.etat), 'Et maintenant ?')}
${modifiable ? html`<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-btn--secondary" href="/habilitation/demande/${d.id}/structure">Modifier la structure</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/habilitation/demande/${d.id}/referent">Modifier le référent</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/habilitation/demande/${d.id}/aidants">Modifier les aidants</a></li>
  <li><a class="fr-btn" href="/habilitation/demande/${d.id}/engagements">${d.status === 'CHANGES_REQUIRED' ? 'Soumettre à nouveau' : 'Envoyer la demande'}</a></li>
</ul>` : ''}
<h2>Historique</h2>
${frise(vue.evenements)}
<h2>Messages de l'équipe</h2>
${filMessages(vue.messages)}
<h2>Aidants</h2>
${vue.aidants.length ? html`<div class="fr-table"><table tabindex="0"><caption class="fr-sr-only">Aidants de la demande</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Adresse e-mail</th><th scope="col">Statut</th></tr></thead>
<tbody>${vue.aidants.map((a) => html`<tr><td>${a.first_name} ${a.last_name}</td><td>${a.email}</td><td>${badgeAidant(a.status)}</td></tr>`)}</tbody></table></div>` : html`<p>Aucun aidant.</p>`}`;
}
