// Pages of a référent's structures (db/domain/README.md#plusieurs-structures): the structure selector, one
// structure's team with adding an aidant of another structure, an aidant's place in the structure (designate
// référent, add to another of the référent's structures, remove), the removal confirmation, and the requests
// of other structures for the référent's aidants. Each sits in the space's side menu (menu.ts).
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup, selectGroup, type FieldErrors } from '../ui/forms.ts';
import type { AidantRow } from '../../api/referent/scope.ts';
import type { AppartenanceVue, RattachementARepondre } from '../../api/referent/structures.ts';
import { nombre } from '../../db/domain/francais.ts';
import { espaceReferent } from './menu.ts';
import { etatVide } from './pages.ts';

export interface StructureGeree {
  id: number;
  name: string;
}

const nom = (a: { first_name: string; last_name: string }) => `${a.first_name} ${a.last_name}`;
export const lienStructure = (sid: number) => `/espace-referent/structures/${sid}`;
export const lienMembre = (sid: number, id: number) => `${lienStructure(sid)}/aidants/${id}`;

/** The selector: a GET form (works without JavaScript) and, below, the structure's page. */
function selecteur(structures: StructureGeree[], courante?: number): SafeHtml {
  if (structures.length < 2) return html``;
  return html`<form method="get" action="/espace-referent/structures" class="fr-mb-4w">
  ${selectGroup({ name: 'structure', label: 'Structure à gérer', options: structures.map((s) => [String(s.id), s.name]), value: courante ? String(courante) : undefined })}
  <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">Afficher cette structure</button>
</form>`;
}

function rattachements(csrf: string, liste: RattachementARepondre[]): SafeHtml {
  if (!liste.length) return html``;
  return html`<div class="fr-alert fr-alert--warning fr-mb-4w"><h2 class="fr-alert__title">Vos aidants demandés par une autre structure</h2>
<p>Le référent d’une autre structure demande que ces aidants la rejoignent aussi. Il aurait alors sur leur compte les mêmes droits que vous. Rien ne se fait sans votre accord.</p>
<ul>${liste.map((r) => html`<li class="fr-mb-2w">${nom(r)} (${r.email}) — demandé par ${r.demandeur} pour « ${r.structure_name} »
<ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
<li><form method="post" action="/espace-referent/rattachements/${r.id}/accord">${csrfField(csrf)}<button class="fr-btn fr-btn--sm" type="submit">Accepter<span class="fr-sr-only"> pour ${nom(r)}</span></button></form></li>
<li><form method="post" action="/espace-referent/rattachements/${r.id}/refus">${csrfField(csrf)}<button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">Refuser<span class="fr-sr-only"> pour ${nom(r)}</span></button></form></li>
</ul></li>`)}</ul>
<p>Si vous ne connaissez pas cette demande, refusez-la et prévenez l’équipe Aidants Connect.</p></div>`;
}

export function structuresPage(o: { csrf: string; structures: StructureGeree[]; aRepondre: RattachementARepondre[] }): SafeHtml {
  return espaceReferent('structures', html`<h1>Mes structures</h1>
<p>Vous êtes référent de ${nombre(o.structures.length, 'structure', 'structures')}. Choisissez celle dont vous gérez l’équipe : ajouter un aidant d’une autre structure, désigner un référent, retirer un aidant.</p>
${rattachements(o.csrf, o.aRepondre)}
${selecteur(o.structures)}
<ul>${o.structures.map((s) => html`<li><a class="fr-link" href="${lienStructure(s.id)}">${s.name}</a></li>`)}</ul>`);
}

export function structurePage(o: {
  csrf: string; structures: StructureGeree[]; structure: StructureGeree; equipe: AidantRow[]; aRepondre: RattachementARepondre[];
  moi: number; erreurs?: FieldErrors; email?: string;
}): SafeHtml {
  const erreurs = o.erreurs ?? {};
  return espaceReferent('structures', html`<h1>${o.structure.name}</h1>
${errorSummary(erreurs)}
${selecteur(o.structures, o.structure.id)}
${rattachements(o.csrf, o.aRepondre)}
${o.equipe.length ? html`<div class="fr-table"><table tabindex="0">
  <caption>Équipe de ${o.structure.name} — ${nombre(o.equipe.length, 'personne', 'personnes')}</caption>
  <thead><tr><th scope="col">Nom</th><th scope="col">Rôle</th><th scope="col">Compte</th><th scope="col">Action</th></tr></thead>
  <tbody>${o.equipe.map((a) => html`<tr>
    <td>${nom(a)}${a.id === o.moi ? ' (vous)' : ''}<br><span class="fr-text--sm">${a.email}</span></td>
    <td>${a.is_referent ? (a.referent_non_aidant ? 'Référent, non aidant' : 'Référent et aidant') : 'Aidant'}</td>
    <td>${a.is_active ? html`<p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>` : html`<p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>`}</td>
    <td><a class="fr-link" href="${lienMembre(o.structure.id, a.id)}">Rôle et structures<span class="fr-sr-only"> de ${nom(a)}</span></a></td>
  </tr>`)}</tbody></table></div>` : etatVide('Personne dans cette structure pour le moment.')}
<h2 class="fr-mt-4w" id="autre-structure">Ajouter un aidant d’une autre structure</h2>
<p>Un aidant déjà habilité dans une autre structure (par exemple un conseiller numérique qui partage son temps) peut rejoindre celle-ci sans nouvelle formation. Si vous n’êtes pas aussi référent de sa structure, le référent de celle-ci reçoit votre demande dans son espace et l’aidant rejoint votre structure dès son accord. Pour un professionnel qui n’a pas encore de compte, utilisez « Ajouter un aidant ».</p>
<form method="post" action="${lienStructure(o.structure.id)}/rattachements" novalidate>${csrfField(o.csrf)}
  ${inputGroup({ name: 'email', label: 'Adresse e-mail professionnelle de l’aidant', type: 'email', autocomplete: 'off', value: o.email, error: erreurs.email })}
  <button class="fr-btn" type="submit">Demander son ajout</button>
</form>`, true);
}

export function membrePage(o: {
  csrf: string; structure: StructureGeree; row: AidantRow; appartenances: AppartenanceVue[]; ailleurs: number;
  ajoutables: StructureGeree[]; moi: number; erreurs?: FieldErrors;
}): SafeHtml {
  const { row, structure } = o;
  const erreurs = o.erreurs ?? {};
  const base = lienMembre(structure.id, row.id);
  const ici = o.appartenances.find((a) => a.structure_id === structure.id);
  return espaceReferent('structures', html`<h1>${nom(row)} — ${structure.name}</h1>
${errorSummary(erreurs)}
<p>${row.email} — ${row.is_active ? 'compte actif' : 'compte désactivé'}. <a class="fr-link" href="/espace-referent/aidants/${row.id}">Moyens de connexion et compte</a></p>
<h2 class="fr-mt-4w">Ses structures</h2>
<ul>${o.appartenances.map((a) => html`<li>${a.structure_name}${a.is_referent ? ' (référent)' : ''}</li>`)}${o.ailleurs ? html`<li>et ${nombre(o.ailleurs, 'autre structure', 'autres structures')} que vous ne gérez pas</li>` : ''}</ul>
<h2 class="fr-mt-4w" id="champ-referent">Référent de ${structure.name}</h2>
${ici?.is_referent
    ? html`<p>${row.id === o.moi ? 'Vous êtes' : `${nom(row)} est`} référent de cette structure.</p>`
    : html`<p>Un référent gère l’équipe de la structure : il ajoute et retire des aidants, gère leurs cartes et leurs comptes.</p>
<form method="post" action="${base}/referent">${csrfField(o.csrf)}${erreurs.referent ? html`<p class="fr-error-text" id="champ-referent-erreur">${erreurs.referent}</p>` : ''}
<button class="fr-btn fr-btn--secondary" type="submit">Désigner ${nom(row)} comme référent</button></form>`}
${o.ajoutables.length && row.is_active ? html`<h2 class="fr-mt-4w">Ajouter à une autre de vos structures</h2>
<form method="post" action="${base}/ajout" novalidate>${csrfField(o.csrf)}
  ${selectGroup({ name: 'structure_id', label: 'Structure', options: o.ajoutables.map((s) => [String(s.id), s.name]), error: erreurs.structure_id })}
  <button class="fr-btn fr-btn--secondary" type="submit">Ajouter à cette structure</button>
</form>` : ''}
<h2 class="fr-mt-4w" id="champ-retrait">Retirer de ${structure.name}</h2>
<p>${row.id === o.moi ? 'Vous' : nom(row)} ne ${row.id === o.moi ? 'pourrez' : 'pourra'} plus agir pour cette structure ni voir ses usagers ; les mandats créés restent à la structure. Sans autre structure active, le compte est désactivé.</p>
${erreurs.retrait ? html`<p class="fr-error-text" id="champ-retrait-erreur">${erreurs.retrait}</p>` : ''}
<a class="fr-btn fr-btn--tertiary" href="${base}/retrait">Retirer de la structure</a>
<p class="fr-mt-4w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="${lienStructure(structure.id)}">Retour à l’équipe de ${structure.name}</a></p>`, true);
}

export function retraitPage(o: { csrf: string; structure: StructureGeree; row: AidantRow; moi: number; dernier: boolean }): SafeHtml {
  const base = lienMembre(o.structure.id, o.row.id);
  return espaceReferent('structures', html`<h1>Retirer ${nom(o.row)} de ${o.structure.name}</h1>
<div class="fr-alert fr-alert--warning fr-mb-3w"><p>${o.row.id === o.moi ? 'Vous ne pourrez' : `${nom(o.row)} ne pourra`} plus agir pour ${o.structure.name} : ses usagers disparaissent de ${o.row.id === o.moi ? 'votre' : 'son'} espace dès la page suivante. Les mandats créés restent à la structure.${o.dernier ? ' C’est sa dernière structure active : son compte sera désactivé.' : ''}</p></div>
<form method="post" action="${base}/retrait">${csrfField(o.csrf)}
  <ul class="fr-btns-group fr-btns-group--inline-md">
    <li><button class="fr-btn" type="submit">Confirmer le retrait</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="${base}">Annuler</a></li>
  </ul>
</form>`, true);
}

export const titreMembre = (row: AidantRow, s: StructureGeree) => `${nom(row)} — ${s.name}`;
export const titreRetrait = (row: AidantRow, s: StructureGeree) => `Retirer ${nom(row)} de ${s.name}`;
