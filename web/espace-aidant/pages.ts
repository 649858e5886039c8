// The aidant's own page: account, structure and its démarches, devices. New parts of the space (usagers and
// mandats, a new mandat…) add a tile to RUBRIQUES_AIDANT and an entry to web/ui/navigation.ts.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, inputGroup } from '../ui/forms.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import type { MoyenDeConnexion, StructureDeLAidant } from '../../api/espace-aidant/compte.ts';

export interface RubriqueAidant {
  titre: string;
  href: string;
  detail: string;
}

/** Tiles at the top of the page, one per part of the space, for accounts that create mandats. */
export const RUBRIQUES_AIDANT: RubriqueAidant[] = [
  { titre: 'Créer un mandat', href: '/mandats/nouveau', detail: 'Avec l’usager, identifié par FranceConnect' },
  { titre: 'Mes usagers', href: '/usagers', detail: 'Leurs mandats : renouveler, révoquer' },
];

export function espaceAidantPage(p: { prenom: string; email: string; structure: StructureDeLAidant | null; devices: MoyenDeConnexion[]; csrf: string; peutCreerDesMandats: boolean }): SafeHtml {
  const { structure, devices } = p;
  return html`<h1>Bonjour ${p.prenom}</h1>
${p.peutCreerDesMandats ? html`<ul class="fr-grid-row fr-grid-row--gutters fr-raw-list fr-mb-4w">${RUBRIQUES_AIDANT.map((r) => html`<li class="fr-col-12 fr-col-md-4"><div class="fr-tile fr-enlarge-link"><div class="fr-tile__body"><div class="fr-tile__content">
  <h2 class="fr-tile__title"><a href="${r.href}">${r.titre}</a></h2><p class="fr-tile__detail">${r.detail}</p></div></div></div></li>`)}</ul>` : ''}
<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-6"><div class="fr-card"><div class="fr-card__body"><div class="fr-card__content">
    <h2 class="fr-card__title">Votre structure</h2>
    <div class="fr-card__desc">${structure ? html`<p>${structure.name}<br>${structure.address} ${structure.postal_code} ${structure.city}</p>
      <p>Démarches autorisées :</p><ul>${structure.allowed_demarches.map((d) => html`<li>${DEMARCHES[d].titre}</li>`)}</ul>` : html`<p>Aucune structure n’est associée à votre compte.</p>`}</div>
  </div></div></div></div>
  <div class="fr-col-12 fr-col-md-6"><div class="fr-card"><div class="fr-card__body"><div class="fr-card__content">
    <h2 class="fr-card__title">Votre compte</h2>
    <div class="fr-card__desc"><p>${p.email}</p>
      <p>Moyens de connexion : ${devices.length ? devices.map((d) => (d.kind === 'card' ? `carte ${d.serial_number}` : 'application')).join(', ') : 'aucun'}</p>
      <p>Sans connexion pendant 5 mois, vous recevrez un courriel d’avertissement ; sans connexion le mois suivant, votre compte sera désactivé.</p>
      ${devices.some((d) => d.kind === 'card') ? html`<form method="post" action="/espace-aidant/carte/resynchronisation" novalidate>${csrfField(p.csrf)}
        <p>Votre carte n’est plus reconnue (son horloge a dérivé) ? Saisissez le code qu’elle affiche pour la resynchroniser.</p>
        ${inputGroup({ name: 'code', label: 'Code affiché sur la carte', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7 })}
        <button class="fr-btn fr-btn--secondary" type="submit">Resynchroniser ma carte</button></form>` : ''}</div>
  </div></div></div></div>
</div>`;
}
