// Pages of authentication: login, link sent, link confirmation, fresh code, CGU acceptance.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup, type FieldErrors } from '../ui/forms.ts';
import { cguContent } from '../pages/cgu.ts';

export const codeField = (error?: string) =>
  inputGroup({ name: 'code', label: 'Code à usage unique', hint: '6 chiffres, lus sur votre carte ou votre application d’authentification', error, autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 7 });

export function loginPage(opts: { csrf: string; email?: string; errors?: FieldErrors; next?: string }): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--center"><div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
<h1>Se connecter</h1>
<p>Réservé aux aidants, aux référents des structures habilitées et à l’équipe Aidants Connect.</p>
${errorSummary(opts.errors ?? {})}
<form method="post" action="/connexion${opts.next ? `?suivant=${encodeURIComponent(opts.next)}` : ''}" novalidate>
  ${csrfField(opts.csrf)}
  <fieldset class="fr-fieldset" aria-labelledby="connexion-legende">
    <legend class="fr-fieldset__legend" id="connexion-legende">Vos identifiants</legend>
    <div class="fr-fieldset__element">${inputGroup({ name: 'email', label: 'Adresse e-mail professionnelle', hint: 'Format attendu : prenom.nom@structure.fr', type: 'email', autocomplete: 'email', value: opts.email, error: opts.errors?.email })}</div>
    <div class="fr-fieldset__element">${codeField(opts.errors?.code)}</div>
  </fieldset>
  <button class="fr-btn" type="submit">Recevoir mon lien de connexion</button>
</form>
<p class="fr-mt-4w">Vous êtes référent et vous vous connectez pour la première fois ? <a href="/premiere-connexion">Première connexion</a></p>
</div></div>`;
}

export function linkSentPage(email: string): SafeHtml {
  return html`<h1>Consultez votre messagerie</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>Un lien de connexion vient d’être envoyé à ${email}. Il est valable 5 minutes et ne sert qu’une fois.</p></div>
<p>Vous ne l’avez pas reçu ? Vérifiez vos courriers indésirables, puis <a href="/connexion">recommencez</a>.</p>`;
}

export function confirmLinkPage(csrf: string, token: string): SafeHtml {
  return html`<h1>Se connecter à Aidants Connect</h1>
<p>Confirmez votre connexion sur cet appareil.</p>
<form method="post" action="/connexion/lien/${token}">${csrfField(csrf)}<button class="fr-btn" type="submit">Me connecter</button></form>`;
}

export function invalidLinkPage(): SafeHtml {
  return html`<h1>Ce lien n’est plus valide</h1>
<p class="fr-text--lead">Un lien de connexion ne sert qu’une fois et expire après 5 minutes.</p>
<a class="fr-btn" href="/connexion">Demander un nouveau lien</a>`;
}

export function freshCodePage(opts: { csrf: string; next: string; error?: string }): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--center"><div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
<h1>Confirmez votre identité</h1>
<p>Pour protéger les usagers, les pages sensibles demandent un nouveau code après 15 minutes sans action.</p>
${errorSummary(opts.error ? { code: opts.error } : {})}
<form method="post" action="/verification?suivant=${encodeURIComponent(opts.next)}" novalidate>
  ${csrfField(opts.csrf)}
  ${codeField(opts.error)}
  <button class="fr-btn" type="submit">Continuer</button>
</form></div></div>`;
}

export function acceptCguPage(opts: { csrf: string; next: string; error?: string; previous: string | null }): SafeHtml {
  return html`${opts.previous ? html`<div class="fr-alert fr-alert--info fr-mb-3w"><p>Les conditions générales d’utilisation ont changé depuis votre dernière acceptation.</p></div>` : ''}
${cguContent}
<form method="post" action="/cgu/accepter?suivant=${encodeURIComponent(opts.next)}" class="fr-mt-4w" novalidate>
  ${csrfField(opts.csrf)}
  <div class="fr-checkbox-group${opts.error ? ' fr-checkbox-group--error' : ''}">
    <input type="checkbox" id="accepter-cgu" name="accepter" value="oui"${opts.error ? html` aria-describedby="accepter-cgu-erreur"` : ''}>
    <label class="fr-label" for="accepter-cgu">J’ai lu et j’accepte les conditions générales d’utilisation</label>
    ${opts.error ? html`<p class="fr-error-text" id="accepter-cgu-erreur">${opts.error}</p>` : ''}
  </div>
  <button class="fr-btn fr-mt-2w" type="submit">Continuer</button>
</form>`;
}

/** After logging out (the session is gone). */
export const loggedOutPage = html`<h1>Déconnexion réussie</h1>
<div class="fr-alert fr-alert--success fr-mb-3w" role="status"><p>Votre session est fermée. À bientôt sur Aidants Connect.</p></div>
<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><a class="fr-btn" href="/connexion">Se reconnecter</a></li>
  <li><a class="fr-btn fr-btn--secondary" href="/">Page d'accueil</a></li>
</ul>`;

/** /deconnexion opened while logged in: the button that logs out (a GET never does). */
export function logoutPage(csrf: string): SafeHtml {
  return html`<h1>Se déconnecter</h1>
<p>Fermer votre session sur cet appareil ?</p>
<form method="post" action="/deconnexion">${csrfField(csrf)}<ul class="fr-btns-group fr-btns-group--inline-md">
  <li><button class="fr-btn" type="submit">Se déconnecter</button></li>
  <li><a class="fr-btn fr-btn--secondary" href="/espace">Rester connecté</a></li>
</ul></form>`;
}
