// The side menu of the espace référent (a collapsible "Dans cette rubrique" on a phone): every page of the
// space is wrapped in it, so a référent moves between their team, adding an aidant, the waiting list and
// the cards without dead ends. A new page of the space adds its entry here.
import { html, type SafeHtml } from '../ui/html.ts';
import type { Crumb } from '../ui/breadcrumb.ts';

export type RubriqueReferent = 'equipe' | 'structures' | 'ajouter' | 'attente' | 'cartes' | 'demarches' | 'signalements' | 'horaires' | 'alertes';

export const RUBRIQUES_REFERENT: { cle: RubriqueReferent; label: string; href: string }[] = [
  { cle: 'equipe', label: 'Mon équipe', href: '/espace-referent' },
  { cle: 'structures', label: 'Mes structures', href: '/espace-referent/structures' },
  { cle: 'ajouter', label: 'Ajouter un aidant', href: '/espace-referent/habilitation/ajouter' },
  { cle: 'attente', label: "Liste d'attente", href: '/espace-referent/habilitation' },
  { cle: 'cartes', label: 'Cartes', href: '/espace-referent/cartes' },
  { cle: 'demarches', label: 'Démarches autorisées', href: '/espace-referent/demarches' },
  { cle: 'signalements', label: 'Signalements des usagers', href: '/espace-referent/signalements' },
  { cle: 'horaires', label: 'Horaires d’ouverture', href: '/espace-referent/horaires' },
  { cle: 'alertes', label: 'Alertes', href: '/espace-referent/alertes' },
];

/** The fil d'Ariane parent of every page of the space. */
export const ESPACE_REFERENT: Crumb = { label: 'Espace référent', href: '/espace-referent' };

/** `sousPage`: a page below the entry (an aidant's page under "Mon équipe"): the entry is marked, not "current page". */
export function espaceReferent(courante: RubriqueReferent, contenu: SafeHtml, sousPage = false): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--gutters">
  <div class="fr-col-12 fr-col-md-3">
    <nav class="fr-sidemenu" role="navigation" aria-labelledby="menu-referent-titre">
      <div class="fr-sidemenu__inner">
        <button type="button" class="fr-sidemenu__btn" aria-expanded="false" aria-controls="menu-referent">Dans l’espace référent</button>
        <div class="fr-collapse" id="menu-referent">
          <p class="fr-sidemenu__title" id="menu-referent-titre">Espace référent</p>
          <ul class="fr-sidemenu__list">
            ${RUBRIQUES_REFERENT.map((r) => html`<li class="fr-sidemenu__item${r.cle === courante ? ' fr-sidemenu__item--active' : ''}"><a class="fr-sidemenu__link" href="${r.href}"${r.cle === courante ? html` aria-current="${sousPage ? 'true' : 'page'}"` : ''}>${r.label}</a></li>`)}
          </ul>
        </div>
      </div>
    </nav>
  </div>
  <div class="fr-col-12 fr-col-md-9">${contenu}</div>
</div>`;
}
