// Pages of a référent's first connection.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup, type FieldErrors } from '../ui/forms.ts';

export function firstConnectionPage(opts: { csrf: string; values?: Record<string, string>; errors?: FieldErrors }): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--center"><div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
<h1>Première connexion d’un référent</h1>
<p>Saisissez l’adresse e-mail et le numéro de mobile indiqués dans la demande d’habilitation de votre structure. Vous recevrez un code par SMS et un lien par e-mail.</p>
${errorSummary(opts.errors ?? {})}
<form method="post" action="/premiere-connexion" novalidate>${csrfField(opts.csrf)}
  ${inputGroup({ name: 'email', label: 'Adresse e-mail professionnelle', type: 'email', autocomplete: 'email', value: opts.values?.email, error: opts.errors?.email })}
  ${inputGroup({ name: 'phone', label: 'Numéro de téléphone mobile', hint: 'Par exemple 06 12 34 56 78', type: 'tel', autocomplete: 'tel', value: opts.values?.phone, error: opts.errors?.phone })}
  <button class="fr-btn" type="submit">Recevoir mon code</button>
</form></div></div>`;
}

export function firstConnectionSentPage(): SafeHtml {
  return html`<h1>Consultez votre téléphone et votre messagerie</h1>
<div class="fr-alert fr-alert--info fr-mb-3w" role="status"><p>Si ces informations correspondent à un compte de référent sans moyen de connexion, vous allez recevoir un code par SMS et un lien par e-mail. Ouvrez le lien, puis saisissez le code.</p></div>
<p>Rien reçu après quelques minutes ? Vérifiez l’adresse et le numéro, ou contactez l’équipe Aidants Connect.</p>`;
}

export function firstConnectionCodePage(opts: { csrf: string; action: string; error?: string }): SafeHtml {
  return html`<div class="fr-grid-row fr-grid-row--center"><div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
<h1>Saisissez le code reçu par SMS</h1>
${errorSummary(opts.error ? { code: opts.error } : {})}
<form method="post" action="${opts.action}" novalidate>${csrfField(opts.csrf)}
  ${inputGroup({ name: 'code', label: 'Code reçu par SMS', hint: '6 chiffres', inputmode: 'numeric', autocomplete: 'one-time-code', error: opts.error, maxlength: 7 })}
  <button class="fr-btn" type="submit">Me connecter</button>
</form></div></div>`;
}

export function firstConnectionExpiredPage(): SafeHtml {
  return html`<h1>Ce lien n’est plus valide</h1>
<p class="fr-text--lead">Le lien et le code de première connexion ne servent qu’une fois et expirent après 30 minutes.</p>
<a class="fr-btn" href="/premiere-connexion">Recommencer</a>`;
}
