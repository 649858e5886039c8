// Staff back office of habilitation: the list of requests (filter, search), a request with its timeline,
// messages and the decisions that fit its status, per-aidant training and Pix recording, the Pix CSV
// import report and the waiting list of aidants added by référents.
import { html, type SafeHtml } from '../ui/html.ts';
import { decisionsPossibles, LIBELLES_STATUT_DEMANDE, formationEnregistrable, SEUIL_SCORE_PIX, MANDATS_MINIMUM_FORMATEUR_PAIR } from '../../db/domain/habilitation.ts';
import { STATUTS_DEMANDE_STRUCTURE } from '../../db/domain/statuts.ts';
import { alerte, boutonsRadio, champTexte, jetonCsrf, liste, resumeErreurs, zoneTexte, type Erreurs } from './champs.ts';
import { badgeAidant, badgeDemande, dateCourte, dateHeure, filMessages, frise, prochaineEtapeEquipe } from './frise.ts';
import { accord, de, nombre } from '../../db/domain/francais.ts';
import type { StructureConnue } from '../../db/queries/habilitation.ts';
import type { AidantDemande, LigneAttente, LigneDemande, VueDemandeStaff } from '../../api/staff/habilitations.ts';

export type { AidantDemande, LigneAttente, LigneDemande, VueDemandeStaff };


export function pageListe(lignes: LigneDemande[], filtre: { statut?: string; q?: string }): SafeHtml {
  return html`<h1>Demandes d'habilitation</h1>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn fr-btn--secondary" href="/staff/habilitations/liste-attente">Aidants ajoutés par les référents</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/staff/habilitations/import-pix">Importer des résultats Pix</a></li>
</ul>
<form method="get" action="/staff/habilitations" class="fr-mb-3w">
  <div class="fr-grid-row fr-grid-row--gutters">
    <div class="fr-col-12 fr-col-md-4">${liste({ name: 'statut', label: 'Statut', options: STATUTS_DEMANDE_STRUCTURE.map((s) => [s, LIBELLES_STATUT_DEMANDE[s]]), value: filtre.statut })}</div>
    <div class="fr-col-12 fr-col-md-6">${champTexte({ name: 'q', label: 'Rechercher', aide: 'Nom de la structure, SIRET ou adresse e-mail', type: 'search', value: filtre.q })}</div>
    <div class="fr-col-12 fr-col-md-2"><button class="fr-btn fr-mt-4w" type="submit">Filtrer</button></div>
  </div>
</form>
${lignes.length ? html`<div class="fr-table"><table tabindex="0"><caption>${nombre(lignes.length, 'demande', 'demandes')}${filtre.statut || filtre.q ? ` ${accord(lignes.length, 'correspond', 'correspondent')} à la recherche` : ''}</caption>
<thead><tr><th scope="col">Structure</th><th scope="col">SIRET</th><th scope="col">Demandeur</th><th scope="col">Envoyée le</th><th scope="col">Statut</th></tr></thead>
<tbody>${lignes.map((l) => html`<tr>
  <td><a href="/staff/habilitations/${l.id}">${l.structure_name || 'Brouillon sans nom'}</a></td><td>${l.siret ?? ''}</td><td>${l.demandeur_email}</td>
  <td>${l.submitted_at ? dateHeure(l.submitted_at) : '—'}</td><td>${badgeDemande(l.status)}</td></tr>`)}</tbody></table></div>`
  : html`<div class="fr-callout"><p class="fr-callout__text">${filtre.statut || filtre.q ? 'Aucune demande ne correspond à la recherche.' : "Aucune demande d'habilitation pour le moment."}</p>${filtre.statut || filtre.q ? html`<a class="fr-btn fr-btn--secondary fr-mt-2w" href="/staff/habilitations">Voir toutes les demandes</a>` : ''}</div>`}`;
}


const jour = (d: string | Date | null) => (d ? dateCourte(d instanceof Date ? d.toISOString() : d) : '');

/** Training and Pix forms of one aidant (errors keyed `<aidantId>-<field>`); none while the request is under review. */
export function formulairesFormation(a: AidantDemande, csrf: string, erreurs: Erreurs, valeurs: Record<string, string>, formationOuverte = true): SafeHtml {
  if (!formationOuverte || !formationEnregistrable(a.status)) return html``;
  const n = (k: string) => `${a.id}-${k}`;
  return html`<div class="fr-grid-row fr-grid-row--gutters fr-mb-2w">
  ${a.formation_date ? '' : html`<div class="fr-col-12 fr-col-md-6"><form method="post" action="/staff/habilitations/aidants/${a.id}/formation" novalidate>${jetonCsrf(csrf)}
    <h3 class="fr-h6">Formation ${de(`${a.first_name} ${a.last_name}`)}</h3>
    ${champTexte({ name: n('formation_date'), label: 'Date de la formation', type: 'date', value: valeurs[n('formation_date')], erreur: erreurs[n('formation_date')] })}
    ${boutonsRadio({ name: n('formation_type'), legende: 'Type de formation', options: [['classic', 'Session de formation'], ['p2p', 'Formation entre pairs']], value: valeurs[n('formation_type')] ?? 'classic', erreur: erreurs[n('formation_type')] })}
    ${champTexte({ name: n('formateur'), label: 'E-mail du formateur (formation entre pairs)', aide: `Un aidant actif ayant créé au moins ${MANDATS_MINIMUM_FORMATEUR_PAIR} mandats.`, type: 'email', value: valeurs[n('formateur')], erreur: erreurs[n('formateur')] })}
    <button class="fr-btn fr-btn--sm" type="submit">Enregistrer la formation</button></form></div>`}
  ${a.pix_date ? '' : html`<div class="fr-col-12 fr-col-md-6"><form method="post" action="/staff/habilitations/aidants/${a.id}/pix" novalidate>${jetonCsrf(csrf)}
    <h3 class="fr-h6">Test Pix ${de(`${a.first_name} ${a.last_name}`)}</h3>
    ${champTexte({ name: n('pix_date'), label: 'Date du test Pix', type: 'date', value: valeurs[n('pix_date')], erreur: erreurs[n('pix_date')] })}
    ${champTexte({ name: n('pix_score'), label: 'Score (%)', aide: `Au moins ${SEUIL_SCORE_PIX} %.`, type: 'number', value: valeurs[n('pix_score')], erreur: erreurs[n('pix_score')] })}
    <button class="fr-btn fr-btn--sm" type="submit">Enregistrer le test Pix</button></form></div>`}
</div>`;
}

/** `formationOuverte`: training and Pix can be recorded (the request is validated, or the aidant came from the waiting list). */
export function tableauAidants(aidants: AidantDemande[], csrf: string, erreurs: Erreurs = {}, valeurs: Record<string, string> = {}, formationOuverte = true, siVide = 'Aucun aidant dans cette demande.'): SafeHtml {
  if (!aidants.length) return html`<div class="fr-callout"><p class="fr-callout__text">${siVide}</p></div>`;
  return html`<div class="fr-table"><table tabindex="0"><caption class="fr-sr-only">Aidants</caption>
<thead><tr><th scope="col">Aidant</th><th scope="col">Statut</th><th scope="col">Formation</th><th scope="col">Test Pix</th></tr></thead>
<tbody>${aidants.map((a) => html`<tr><td>${a.first_name} ${a.last_name}<br><span class="fr-text--sm">${a.email} — ${a.profession}</span></td><td>${badgeAidant(a.status)}</td>
<td>${a.formation_date ? `${jour(a.formation_date)}${a.formation_type === 'p2p' ? ` (entre pairs, ${a.trainer_email})` : ''}` : formationOuverte ? 'À enregistrer' : 'Après validation'}</td>
<td>${a.pix_date ? `${jour(a.pix_date)} — ${a.pix_score} %` : formationOuverte ? 'À enregistrer' : 'Après validation'}</td></tr>`)}</tbody></table></div>
${aidants.map((a) => formulairesFormation(a, csrf, erreurs, valeurs, formationOuverte))}`;
}

/** A known SIRET: who already answers for the structure, before anyone else is added to it. */
function alerteStructureExistante(s: StructureConnue): SafeHtml {
  return html`<div class="fr-alert fr-alert--warning fr-mb-3w"><h2 class="fr-alert__title">Structure déjà habilitée</h2>
<p>Le SIRET ${s.siret} est celui de « ${s.name} », déjà habilitée. Valider ajouterait le référent et les aidants de cette demande à cette structure, avec pouvoir sur ses aidants. Ses référents actuels ont été prévenus de la demande :</p>
<ul>${s.referents.length ? s.referents.map((r) => html`<li>${r.first_name} ${r.last_name} — ${r.email}</li>`) : html`<li>aucun référent actif</li>`}</ul></div>`;
}

export function pageDemande(v: VueDemandeStaff, csrf: string, erreurs: Erreurs = {}, valeurs: Record<string, string> = {}): SafeHtml {
  const d = v.demande;
  const decisions = decisionsPossibles(d.status);
  const txt = (k: string) => (d[k] === null || d[k] === undefined ? '' : String(d[k]));
  const formationOuverte = d.status === 'VALIDATED' || d.status === 'CLOSED';
  return html`<h1>${txt('structure_name') || "Demande d'habilitation"}</h1>
<p>Statut : ${badgeDemande(d.status)} <span class="fr-text--sm">Workflow : habilitation-${d.id}</span></p>
${alerte('info', prochaineEtapeEquipe(d.status, v.etat), 'Prochaine étape')}
${v.structureExistante ? alerteStructureExistante(v.structureExistante) : ''}
${resumeErreurs(Object.fromEntries(Object.entries(erreurs).filter(([k]) => k === 'message' || k === 'rattachement')))}
${decisions.length ? html`<h2>Décision</h2><div class="fr-grid-row fr-grid-row--gutters">
  ${decisions.includes('valider') ? html`<div class="fr-col-12 fr-col-md-4"><form method="post" action="/staff/habilitations/${d.id}/decision">${jetonCsrf(csrf)}<input type="hidden" name="decision" value="valider">
    ${v.structureExistante ? html`<div class="fr-checkbox-group${erreurs.rattachement ? ' fr-checkbox-group--error' : ''} fr-mb-2w"><input type="checkbox" id="rattachement" name="rattachement" value="oui"${erreurs.rattachement ? html` aria-describedby="rattachement-erreur"` : ''}>
      <label class="fr-label" for="rattachement">J’ai vérifié auprès des référents actuels : ajouter ${String(d.referent_first_name ?? '')} ${String(d.referent_last_name ?? '')} (${String(d.referent_email ?? '')}) comme référent de « ${v.structureExistante.name} »</label>
      ${erreurs.rattachement ? html`<p class="fr-error-text" id="rattachement-erreur">${erreurs.rattachement}</p>` : ''}</div>` : html`<p>Créer la structure, le compte du référent et lancer la formation des aidants.</p>`}
    <button class="fr-btn" type="submit">Valider la demande</button></form></div>` : ''}
  ${decisions.includes('demander_modifications') ? html`<div class="fr-col-12 fr-col-md-4"><form method="post" action="/staff/habilitations/${d.id}/decision" novalidate>${jetonCsrf(csrf)}<input type="hidden" name="decision" value="demander_modifications">
    ${zoneTexte({ name: 'message', label: 'Modifications attendues', value: valeurs.decision === 'demander_modifications' ? valeurs.message : '', erreur: valeurs.decision === 'demander_modifications' ? erreurs.message : undefined })}
    <button class="fr-btn fr-btn--secondary" type="submit">Demander des modifications</button></form></div>` : ''}
  ${decisions.includes('refuser') ? html`<div class="fr-col-12 fr-col-md-4"><form method="post" action="/staff/habilitations/${d.id}/decision" novalidate>${jetonCsrf(csrf)}<input type="hidden" name="decision" value="refuser">
    ${zoneTexte({ name: 'motif', label: 'Motif du refus', value: valeurs.decision === 'refuser' ? valeurs.message : '', erreur: valeurs.decision === 'refuser' ? erreurs.message : undefined })}
    <button class="fr-btn fr-btn--tertiary" type="submit">Refuser la demande</button></form></div>` : ''}
</div>` : ''}
<h2>La demande</h2>
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-4"><h3 class="fr-h6">Structure</h3><p>${txt('structure_name')}<br>SIRET ${txt('siret')}<br>${txt('address')}, ${txt('postal_code')} ${txt('city')}<br>${d.is_public ? 'Publique' : `Privée — partenaire : ${txt('partner_administration')}`}<br>Gratuité certifiée : ${d.free_support_certified ? 'oui' : 'non'}</p></div>
  <div class="fr-col-12 fr-col-md-4"><h3 class="fr-h6">Référent</h3><p>${txt('referent_first_name')} ${txt('referent_last_name')}<br>${txt('referent_email')}<br>${txt('referent_phone')}<br>${txt('referent_profession')}${d.referent_is_aidant ? html`<br>Aussi aidant` : ''}</p></div>
  <div class="fr-col-12 fr-col-md-4"><h3 class="fr-h6">Demandeur</h3><p>${v.demandeur.first_name} ${v.demandeur.last_name}<br>${v.demandeur.email}<br>${v.demandeur.profession}</p></div>
</div>
<h2>Aidants</h2>
${formationOuverte ? '' : html`<p>La formation et le test Pix de chaque aidant s'enregistrent une fois la demande validée.</p>`}
${tableauAidants(v.aidants, csrf, erreurs, valeurs, formationOuverte)}
<h2>Historique</h2>
${v.etat ? html`<p class="fr-text--sm">Workflow : ${nombre(v.etat.soumissions, 'soumission', 'soumissions')}, ${nombre(v.etat.relancesEquipe, "relance de l'équipe", "relances de l'équipe")}.</p>` : ''}
${frise(v.evenements)}
<h2>Messages</h2>
${filMessages(v.messages)}`;
}

export interface LigneImport {
  ligne: number;
  email: string;
  ok: boolean;
  /** What the line is, in a word or two: "Enregistré", "Déjà activé", "Adresse inconnue"… */
  resultat: string;
  message: string;
}

/** "2 lignes enregistrées sur 3", "1 ligne enregistrée sur 1". */
export function resumeImport(rapport: LigneImport[]): string {
  const ok = rapport.filter((r) => r.ok).length;
  return `${nombre(ok, 'ligne enregistrée', 'lignes enregistrées')} sur ${rapport.length}`;
}

export function pageImportPix(csrf: string, texte = '', rapport: LigneImport[] | null = null, erreur?: string): SafeHtml {
  return html`<h1>Importer des résultats Pix</h1>
<p>Une ligne par aidant : adresse e-mail, date du test (JJ/MM/AAAA ou AAAA-MM-JJ), score en %, séparés par un point-virgule ou une virgule. Chaque ligne est traitée seule ; le rapport indique le résultat de chacune.</p>
${resumeErreurs(erreur ? { csv: erreur } : {})}
${rapport ? html`<h2>Rapport</h2><div class="fr-table"><table tabindex="0"><caption>${resumeImport(rapport)}</caption>
<thead><tr><th scope="col">Ligne</th><th scope="col">Adresse e-mail</th><th scope="col">Résultat</th><th scope="col">Détail</th></tr></thead>
<tbody>${rapport.map((r) => html`<tr><td>${r.ligne}</td><td>${r.email}</td><td><p class="fr-badge fr-badge--sm fr-badge--${r.ok ? 'success' : 'error'}">${r.resultat}</p></td><td>${r.message}</td></tr>`)}</tbody></table></div>` : ''}
<form method="post" action="/staff/habilitations/import-pix" novalidate>${jetonCsrf(csrf)}
  ${zoneTexte({ name: 'csv', label: 'Résultats (CSV)', aide: 'Exemple : prenom.nom@structure.fr;12/03/2026;72', value: texte, erreur })}
  <button class="fr-btn" type="submit">Importer</button>
</form>`;
}

function drapeauCompteAilleurs(a: LigneAttente): SafeHtml {
  if (!a.compte_ailleurs) return html``;
  return a.accord_rattachement_at
    ? html`<br><p class="fr-badge fr-badge--sm fr-badge--info">Compte existant (${a.compte_ailleurs}) — accord de son référent donné</p>`
    : html`<br><p class="fr-badge fr-badge--sm fr-badge--warning">Compte existant dans une autre structure (${a.compte_ailleurs}) — accord de son référent attendu</p>`;
}

export function pageListeAttente(attente: LigneAttente[], enFormation: LigneAttente[], csrf: string, erreurs: Erreurs = {}, valeurs: Record<string, string> = {}): SafeHtml {
  return html`<h1>Aidants ajoutés par les référents</h1>
<h2>Liste d'attente</h2>
${attente.length ? html`<div class="fr-table"><table tabindex="0"><caption class="fr-sr-only">Liste d'attente</caption>
<thead><tr><th scope="col">Aidant</th><th scope="col">Structure</th><th scope="col">Décision</th></tr></thead>
<tbody>${attente.map((a) => html`<tr><td>${a.first_name} ${a.last_name}<br><span class="fr-text--sm">${a.email} — ${a.profession}</span>${drapeauCompteAilleurs(a)}</td><td>${a.structure_name}</td><td>
<ul class="fr-btns-group fr-btns-group--inline-sm">
<li><form method="post" action="/staff/habilitations/aidants/${a.id}/accepter">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm" type="submit" aria-label="Accepter ${a.first_name} ${a.last_name}">Accepter</button></form></li>
<li><form method="post" action="/staff/habilitations/aidants/${a.id}/refuser">${jetonCsrf(csrf)}<button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit" aria-label="Refuser ${a.first_name} ${a.last_name}">Refuser</button></form></li>
</ul></td></tr>`)}</tbody></table></div>` : html`<div class="fr-callout"><p class="fr-callout__text">Aucun aidant en attente.</p></div>`}
<h2>En formation</h2>
${tableauAidants(enFormation, csrf, erreurs, valeurs, true, 'Aucun aidant ajouté par un référent n’est en formation.')}`;
}
