// The DSFR fil d'Ariane shown above every page below the home page. Pages give their parents (and a short
// label when their title is long); the layout adds "Accueil" first and the current page last:
//   render(req, { title, content, breadcrumb: { parents: [{ label: 'Espace référent', href: '/espace-referent' }], current: 'Loïc Tanguy' } })
// Without `breadcrumb`, a page gets "Accueil › <title>"; `breadcrumb: false` removes it (home page).
import { html, type SafeHtml } from './html.ts';

export interface Crumb {
  label: string;
  href: string;
}

export interface BreadcrumbOptions {
  parents?: Crumb[];
  /** The current page's label (default: the page title). */
  current?: string;
}

export function filAriane(parents: Crumb[], current: string): SafeHtml {
  const all = [{ label: 'Accueil', href: '/' }, ...parents.filter((p) => p.href !== '/')];
  return html`<nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
  <button type="button" class="fr-breadcrumb__button" aria-expanded="false" aria-controls="fil-ariane">Voir le fil d’Ariane</button>
  <div class="fr-collapse" id="fil-ariane">
    <ol class="fr-breadcrumb__list">
      ${all.map((c) => html`<li><a class="fr-breadcrumb__link" href="${c.href}">${c.label}</a></li>`)}
      <li><a class="fr-breadcrumb__link" aria-current="page">${current}</a></li>
    </ol>
  </div>
</nav>`;
}
