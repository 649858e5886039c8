// DSFR form pieces of the habilitation pages: every error sits next to its field (aria-describedby) and
// is repeated in a summary at the top of the form, each entry linking to its field.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField, errorSummary, inputGroup, selectGroup } from '../ui/forms.ts';

export type Erreurs = Record<string, string>;

const idChamp = (name: string) => `champ-${name}`;

function decrit(id: string, aide?: string, erreur?: string): string {
  return [aide ? `${id}-aide` : null, erreur ? `${id}-erreur` : null].filter(Boolean).join(' ');
}

// The shared DSFR fields (web/ui/forms.ts) under the French names these pages use.
export const jetonCsrf = csrfField;

export function champTexte(o: { name: string; label: string; value?: string | null; erreur?: string; aide?: string; type?: string; autocomplete?: string; requis?: boolean }): SafeHtml {
  return inputGroup({ name: o.name, label: o.label, value: o.value, error: o.erreur, hint: o.aide, type: o.type, autocomplete: o.autocomplete, required: o.requis });
}

export function zoneTexte(o: { name: string; label: string; value?: string | null; erreur?: string; aide?: string }): SafeHtml {
  const id = idChamp(o.name);
  const d = decrit(id, o.aide, o.erreur);
  return html`<div class="fr-input-group${o.erreur ? ' fr-input-group--error' : ''}">
  <label class="fr-label" for="${id}">${o.label}${o.aide ? html`<span class="fr-hint-text" id="${id}-aide">${o.aide}</span>` : ''}</label>
  <textarea class="fr-input${o.erreur ? ' fr-input--error' : ''}" id="${id}" name="${o.name}" rows="5"${d ? html` aria-describedby="${d}"` : ''}${o.erreur ? html` aria-invalid="true"` : ''}>${o.value ?? ''}</textarea>
  ${o.erreur ? html`<p class="fr-error-text" id="${id}-erreur">${o.erreur}</p>` : ''}
</div>`;
}

export function liste(o: { name: string; label: string; options: [string, string][]; value?: string | null; erreur?: string }): SafeHtml {
  return selectGroup({ name: o.name, label: o.label, options: o.options, value: o.value ?? undefined, error: o.erreur });
}

/** A single checkbox (certifications); the id is the one the summary links to. */
export function caseACocher(o: { name: string; label: string; coche?: boolean; erreur?: string }): SafeHtml {
  const id = idChamp(o.name);
  return html`<div class="fr-fieldset__element"><div class="fr-checkbox-group${o.erreur ? ' fr-checkbox-group--error' : ''}">
  <input type="checkbox" id="${id}" name="${o.name}"${o.coche ? html` checked` : ''}${o.erreur ? html` aria-describedby="${id}-erreur" aria-invalid="true"` : ''}>
  <label class="fr-label" for="${id}">${o.label}</label>
  ${o.erreur ? html`<p class="fr-error-text" id="${id}-erreur">${o.erreur}</p>` : ''}
</div></div>`;
}

/** Radio buttons in a fieldset; the first radio carries the id the summary links to. */
export function boutonsRadio(o: { name: string; legende: string; options: [string, string][]; value?: string | null; erreur?: string; enLigne?: boolean }): SafeHtml {
  const id = idChamp(o.name);
  return html`<fieldset class="fr-fieldset${o.erreur ? ' fr-fieldset--error' : ''}" id="${id}-groupe" aria-labelledby="${id}-legende${o.erreur ? ` ${id}-erreur` : ''}"${o.erreur ? html` role="group"` : ''}>
  <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="${id}-legende">${o.legende}</legend>
  ${o.options.map(([v, l], i) => html`<div class="fr-fieldset__element${o.enLigne ? ' fr-fieldset__element--inline' : ''}"><div class="fr-radio-group">
    <input type="radio" id="${i === 0 ? id : `${id}-${v}`}" name="${o.name}" value="${v}"${v === o.value ? html` checked` : ''}>
    <label class="fr-label" for="${i === 0 ? id : `${id}-${v}`}">${l}</label>
  </div></div>`)}
  ${o.erreur ? html`<div class="fr-messages-group"><p class="fr-message fr-message--error" id="${id}-erreur">${o.erreur}</p></div>` : ''}
</fieldset>`;
}

export const resumeErreurs: (erreurs: Erreurs) => SafeHtml = errorSummary;

export function alerte(type: 'success' | 'error' | 'info' | 'warning', texte: string | SafeHtml, titre?: string): SafeHtml {
  return html`<div class="fr-alert fr-alert--${type} fr-mb-3w"${type === 'error' ? html` role="alert"` : ''}>${titre ? html`<h2 class="fr-alert__title">${titre}</h2>` : ''}<p>${texte}</p></div>`;
}
