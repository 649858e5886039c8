// The DSFR page frame shared by every page: skip links, the complete State header (tool links, main
// navigation, and the "Menu" button that opens both on a phone), the fil d'Ariane, main content, footer.
// Tables in pages are written `<div class="fr-table"><table tabindex="0">`: on a phone the table scrolls sideways,
// and a scrolling region must be reachable by keyboard (axe: scrollable-region-focusable).
import { html, type SafeHtml } from './html.ts';
import { entreeCourante, navigation, type PageUser } from './navigation.ts';
import { filAriane, type BreadcrumbOptions } from './breadcrumb.ts';

export type { PageUser };

export interface PageOptions {
  title: string;
  content: SafeHtml;
  user?: PageUser | null;
  csrfToken?: string;
  /** The requested path: marks the current navigation entry; the home page ('/') has no fil d'Ariane. */
  path?: string;
  /** Parents and label of the fil d'Ariane (see web/ui/breadcrumb.ts); false for none. */
  breadcrumb?: BreadcrumbOptions | false;
  /** Messages shown at the top of the page after a redirect. */
  notices?: { type: 'success' | 'error' | 'info' | 'warning'; text: string }[];
  /** The header's tool links instead of the account's (the espace usager has its own: web/espace-usager/). */
  outils?: SafeHtml;
}

function header(user: PageUser | null | undefined, csrfToken: string | undefined, path: string, outils?: SafeHtml): SafeHtml {
  // DSFR copies these tool links into the phone menu (.fr-header__menu-links) below the lg breakpoint.
  const tools = outils ?? (user
    ? html`${user.structure ? html`<li><a class="fr-btn fr-icon-building-line" href="${user.structure.plusieurs ? '/espace-aidant/structure' : '/espace-aidant'}">${user.structure.nom}<span class="fr-sr-only">${user.structure.plusieurs ? ' — changer de structure' : ' — ma structure'}</span></a></li>` : ''}
        <li><a class="fr-btn fr-icon-account-circle-line" href="/espace">${user.fullName}<span class="fr-sr-only"> — mon espace</span></a></li>
        <li><form method="post" action="/deconnexion"><input type="hidden" name="_csrf" value="${csrfToken ?? ''}"><button type="submit" class="fr-btn fr-icon-logout-box-r-line">Se déconnecter</button></form></li>`
    : html`<li><a class="fr-btn fr-icon-lock-line" href="/connexion">Se connecter</a></li>`);
  const entries = navigation(user ?? null);
  const current = entreeCourante(entries, path);
  return html`<header role="banner" class="fr-header">
  <div class="fr-header__body">
    <div class="fr-container">
      <div class="fr-header__body-row">
        <div class="fr-header__brand fr-enlarge-link">
          <div class="fr-header__brand-top">
            <div class="fr-header__logo"><p class="fr-logo">République<br>Française</p></div>
            <div class="fr-header__navbar">
              <button type="button" class="fr-btn--menu fr-btn" data-fr-opened="false" aria-controls="menu-principal" aria-haspopup="menu" id="bouton-menu" title="Menu">Menu</button>
            </div>
          </div>
          <div class="fr-header__service">
            <a href="/" title="Accueil — Aidants Connect"><p class="fr-header__service-title">Aidants Connect</p></a>
            <p class="fr-header__service-tagline">Agir en toute sécurité pour le compte d'un usager</p>
          </div>
        </div>
        <div class="fr-header__tools">
          <div class="fr-header__tools-links"><ul class="fr-btns-group">${tools}</ul></div>
        </div>
      </div>
    </div>
  </div>
  <div class="fr-header__menu fr-modal" id="menu-principal" aria-labelledby="bouton-menu">
    <div class="fr-container">
      <button type="button" class="fr-btn--close fr-btn" aria-controls="menu-principal" title="Fermer">Fermer</button>
      <div class="fr-header__menu-links"></div>
      ${entries.length ? html`<nav class="fr-nav" id="navigation-principale" role="navigation" aria-label="Menu principal">
        <ul class="fr-nav__list">
          ${entries.map((e) => html`<li class="fr-nav__item"><a class="fr-nav__link" href="${e.href}"${e === current ? html` aria-current="page"` : ''}>${e.label}</a></li>`)}
        </ul>
      </nav>` : ''}
    </div>
  </div>
</header>`;
}

const footer = html`<footer class="fr-footer" role="contentinfo" id="footer">
  <div class="fr-container">
    <div class="fr-footer__body">
      <div class="fr-footer__brand fr-enlarge-link">
        <a href="/" title="Retour à l'accueil — Aidants Connect"><p class="fr-logo">République<br>Française</p></a>
      </div>
      <div class="fr-footer__content">
        <p class="fr-footer__content-desc">Aidants Connect est un service public de l'Agence nationale de la cohésion des territoires (ANCT) qui permet aux aidants professionnels de réaliser des démarches en ligne pour le compte d'usagers, dans un cadre légal et sécurisé.</p>
        <ul class="fr-footer__content-list">
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.legifrance.gouv.fr">legifrance.gouv.fr</a></li>
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.gouvernement.fr">gouvernement.fr</a></li>
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.service-public.fr">service-public.fr</a></li>
          <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.data.gouv.fr">data.gouv.fr</a></li>
        </ul>
      </div>
    </div>
    <div class="fr-footer__bottom">
      <ul class="fr-footer__bottom-list">
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/accessibilite">Accessibilité : non conforme</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/mentions-legales">Mentions légales</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/cgu">Conditions générales d'utilisation</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/stats">Statistiques</a></li>
        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/espace-usager">Vous êtes accompagné par un aidant ?</a></li>
      </ul>
      <div class="fr-footer__bottom-copy">
        <p>Sauf mention contraire, tous les contenus de ce site sont sous <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md">licence etalab-2.0</a></p>
      </div>
    </div>
  </div>
</footer>`;

function notices(list: PageOptions['notices']): SafeHtml {
  if (!list?.length) return html``;
  return html`${list.map(
    (n) => html`<div class="fr-alert fr-alert--${n.type} fr-alert--sm fr-mb-3w" role="${n.type === 'error' ? 'alert' : 'status'}"><p>${n.text}</p></div>`,
  )}`;
}

export function page(opts: PageOptions): string {
  const breadcrumb = opts.breadcrumb === false || opts.path === '/' ? null : filAriane(opts.breadcrumb?.parents ?? [], opts.breadcrumb?.current ?? opts.title);
  return html`<!doctype html>
<html lang="fr" data-fr-scheme="system">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
  <meta name="format-detection" content="telephone=no">
  <title>${opts.title} — Aidants Connect</title>
  <link rel="stylesheet" href="/dsfr/dsfr.min.css">
  <link rel="stylesheet" href="/dsfr/utility/icons/icons.min.css">
  <link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml">
</head>
<body>
  <div class="fr-skiplinks">
    <nav class="fr-container" role="navigation" aria-label="Accès rapide">
      <ul class="fr-skiplinks__list">
        <li><a class="fr-link" href="#contenu">Contenu</a></li>
        <li><a class="fr-link" href="#footer">Pied de page</a></li>
      </ul>
    </nav>
  </div>
  ${header(opts.user, opts.csrfToken, opts.path ?? '', opts.outils)}
  <main role="main" id="contenu" tabindex="-1">
    <div class="fr-container fr-mb-6w${breadcrumb ? '' : ' fr-mt-6w'}">
      ${breadcrumb}
      ${notices(opts.notices)}
      ${opts.content}
    </div>
  </main>
  ${footer}
  <script type="module" src="/dsfr/dsfr.module.min.js"></script>
  <script nomodule src="/dsfr/dsfr.nomodule.min.js"></script>
</body>
</html>`.value;
}
