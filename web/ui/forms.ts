// DSFR form pieces with accessible error messages (aria-describedby, a summary at the top of the form).
import { html, type SafeHtml } from './html.ts';

export type FieldErrors = Record<string, string>;

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function inputGroup(opts: {
  name: string;
  label: string;
  hint?: string;
  value?: string | null;
  error?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: string;
  required?: boolean;
  pattern?: string;
  maxlength?: number;
}): SafeHtml {
  const id = `champ-${opts.name}`;
  const describedBy = [opts.hint ? `${id}-aide` : null, opts.error ? `${id}-erreur` : null].filter(Boolean).join(' ');
  return html`<div class="fr-input-group${opts.error ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">${opts.label}${opts.hint ? html`<span class="fr-hint-text" id="${id}-aide">${opts.hint}</span>` : ''}</label>
  <input class="fr-input${opts.error ? ' fr-input--error' : ''}" id="${id}" name="${opts.name}" type="${opts.type ?? 'text'}"
    value="${opts.value ?? ''}"${opts.autocomplete ? html` autocomplete="${opts.autocomplete}"` : ''}${opts.inputmode ? html` inputmode="${opts.inputmode}"` : ''}${opts.required ? html` required` : ''}${opts.pattern ? html` pattern="${opts.pattern}"` : ''}${opts.maxlength ? html` maxlength="${opts.maxlength}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${opts.error ? html` aria-invalid="true"` : ''}>
  ${opts.error ? html`<p class="fr-error-text" id="${id}-erreur">${opts.error}</p>` : ''}
</div>`;
}

export function selectGroup(opts: { name: string; label: string; options: [string, string][]; value?: string; error?: string; hint?: string }): SafeHtml {
  const id = `champ-${opts.name}`;
  const describedBy = [opts.hint ? `${id}-aide` : null, opts.error ? `${id}-erreur` : null].filter(Boolean).join(' ');
  return html`<div class="fr-select-group${opts.error ? ' fr-select-group--error' : ''}">
  <label class="fr-label" for="${id}">${opts.label}${opts.hint ? html`<span class="fr-hint-text" id="${id}-aide">${opts.hint}</span>` : ''}</label>
  <select class="fr-select${opts.error ? ' fr-select--error' : ''}" id="${id}" name="${opts.name}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
    <option value="" ${opts.value ? '' : html`selected`} disabled>Sélectionnez une option</option>
    ${opts.options.map(([v, l]) => html`<option value="${v}"${v === opts.value ? html` selected` : ''}>${l}</option>`)}
  </select>
  ${opts.error ? html`<p class="fr-error-text" id="${id}-erreur">${opts.error}</p>` : ''}
</div>`;
}

/** The list of errors at the top of a form, each linking to its field. */
export function errorSummary(errors: FieldErrors): SafeHtml {
  const entries = Object.entries(errors);
  if (!entries.length) return html``;
  return html`<div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
  <h2 class="fr-alert__title">${entries.length === 1 ? 'Le formulaire contient une erreur' : `Le formulaire contient ${entries.length} erreurs`}</h2>
  <ul>${entries.map(([name, message]) => html`<li><a href="#champ-${name}">${message}</a></li>`)}</ul>
</div>`;
}
