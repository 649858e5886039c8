// The French pages of the local FranceConnect sandbox (DSFR styles served by the sandbox itself): the identity
// choice, the logout relay and the error page.
import { html, raw, type SafeHtml } from '../../web/ui/html.ts';
import type { IdentiteTestFranceConnect } from './franceconnect-identites.ts';

function layout(title: string, content: SafeHtml, script?: string): string {
  return html`<!doctype html>
<html lang="fr" data-fr-scheme="light">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} — FranceConnect (bac à sable local)</title>
  <link rel="stylesheet" href="/dsfr/dsfr.min.css">
  <link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml">
  <style>.identite { border: 1px solid var(--border-default-grey); height: 100%; } .identite h2, .identite dd, .identite .fr-btn { overflow-wrap: anywhere; }</style>
</head>
<body>
  <header role="banner" class="fr-header">
    <div class="fr-header__body">
      <div class="fr-container">
        <div class="fr-header__body-row">
          <div class="fr-header__service">
            <p class="fr-header__service-title">FranceConnect</p>
            <p class="fr-header__service-tagline">Bac à sable local : identités de test, aucune donnée réelle</p>
          </div>
        </div>
      </div>
    </div>
  </header>
  <main role="main" id="contenu">
    <div class="fr-container fr-my-4w">${content}</div>
  </main>
  ${script ? raw(`<script>${script}</script>`) : ''}
</body>
</html>`.value;
}

const LIBELLES_GENRE = { female: 'femme', male: 'homme' } as const;

function description(i: IdentiteTestFranceConnect): SafeHtml {
  const p = i.pivot;
  const lignes: [string, string][] = [
    ['Prénoms (given_name)', p.given_name],
    ['Nom de naissance (family_name)', p.family_name],
    ["Nom d'usage (preferred_username)", p.preferred_username ?? '—'],
    ['Date de naissance (birthdate)', p.birthdate],
    ['Sexe (gender)', `${p.gender} (${LIBELLES_GENRE[p.gender] ?? '?'})`],
    ['Lieu de naissance (birthplace)', p.birthplace ? p.birthplace : "vide (né à l'étranger)"],
    ['Pays de naissance (birthcountry)', p.birthcountry],
    ['Courriel (email)', p.email],
  ];
  return html`<dl class="fr-text--sm fr-mb-2w">${lignes.map(([k, v]) => html`<dt class="fr-text--bold">${k}</dt><dd class="fr-ml-0 fr-mb-1v">${v}</dd>`)}</dl>`;
}

export function pageChoixIdentite(opts: { uid: string; client: string; scopes: string[]; identites: readonly IdentiteTestFranceConnect[]; erreur?: string }): string {
  const cartes = opts.identites.map((i) => {
    const nom = `${i.pivot.given_name} ${i.pivot.family_name}`;
    return html`<li class="fr-col-12 fr-col-md-6 fr-col-lg-4">
      <div class="identite fr-p-3w">
        <h2 class="fr-h5 fr-mb-1v">${nom}</h2>
        <p class="fr-text--sm fr-mb-2w">${i.cas} — identifiant « ${i.identifiant} »</p>
        ${description(i)}
        <form method="post" action="/interaction/${opts.uid}/connexion">
          <input type="hidden" name="identifiant" value="${i.identifiant}">
          <button class="fr-btn" type="submit">Continuer en tant que ${nom}</button>
        </form>
      </div>
    </li>`;
  });
  return layout('Choisir une identité', html`
    ${opts.erreur ? html`<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"><p>${opts.erreur}</p></div>` : ''}
    <h1>Je me connecte avec FranceConnect</h1>
    <p>Le service <strong>${opts.client}</strong> demande l'identité de l'usager
      (${opts.scopes.join(', ')}). Choisissez une identité de test : le service reçoit l'identité pivot affichée.</p>
    <form method="post" action="/interaction/${opts.uid}/annuler" class="fr-mb-4w">
      <button class="fr-btn fr-btn--secondary" type="submit">Annuler et revenir au service</button>
    </form>
    <ul class="fr-grid-row fr-grid-row--gutters fr-raw-list" aria-label="Identités de test">${cartes}</ul>`);
}

/** oidc-provider's logout form (hidden xsrf), submitted at once: FranceConnect asks no confirmation. */
export function pageDeconnexion(form: string): string {
  const formulaire = form.replace('</form>', '<input type="hidden" name="logout" value="yes"><button class="fr-btn" type="submit">Revenir au service</button></form>');
  return layout('Déconnexion', html`<h1>Déconnexion de FranceConnect</h1>
    <p>Vous êtes déconnecté de FranceConnect ; retour au service en cours.</p>
    ${raw(formulaire)}`,
  "document.getElementById('op.logoutForm').submit();");
}

export function pageDeconnecte(): string {
  return layout('Déconnecté', html`<h1>Vous êtes déconnecté de FranceConnect</h1><p>Vous pouvez fermer cette page.</p>`);
}

export function pageErreur(titre: string, detail: string): string {
  return layout('Erreur', html`<h1>${titre}</h1><p>${detail}</p>`);
}
