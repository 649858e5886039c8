// The mandat in the usager's language (issue 22): the language field of the creation form, the language page of a
// mandat, its links on the usager's page, and the printable translation. The translation is an HTML page that the
// browser lays out and prints (README « Mandat dans la langue de l’usager »): browsers shape Arabic and Tamil,
// apply the Unicode bidirectional algorithm to a Latin name inside Arabic text, and break Chinese lines, which
// pdfkit (web/mandats/pdf/) does not do. The French PDF stays the signed, binding document.
import { DEMARCHES } from '../../db/domain/demarches.ts';
import { dateLongue } from '../../db/domain/mandat.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { formaterCode } from '../../db/domain/preuve-mandat.ts';
import { languesProposees, traductionModele, type LangueProposee, type TraductionModele } from '../../db/domain/modeles-mandat/traductions/index.ts';
import type { DocumentMandat } from '../../api/mandats/preuve.ts';
import { csrfField, errorSummary } from '../ui/forms.ts';
import { escapeHtml, html, raw, type SafeHtml } from '../ui/html.ts';
import { FEUILLES_TRADUCTION, SCRIPT_TRADUCTION } from './traduction-ressources.ts';

/**
 * « arabe (العربية) », the native name marked with its language and direction; one element, since a DSFR
 * radio label lays its children out as flex items (each would go to its own line).
 */
function nomLangue(l: Pick<LangueProposee, 'langue' | 'nom' | 'nomFrancais' | 'direction'>): SafeHtml {
  return html`<span>${l.nomFrancais} (<bdi lang="${l.langue}" dir="${l.direction}">${l.nom}</bdi>)</span>`;
}

/** The optional language of the creation form (the languages with a translation of the template in force). */
export function champLangue(opts: { valeur?: string; erreur?: string }): SafeHtml {
  const langues = languesProposees(MODELE_EN_VIGUEUR.version);
  const id = 'champ-langue';
  return html`<div class="fr-select-group${opts.erreur ? ' fr-select-group--error' : ''}">
  <label class="fr-label" for="${id}">Langue de l’usager (facultatif)
    <span class="fr-hint-text" id="${id}-aide">Le mandat est imprimé en français, seul texte qui fait foi ; sa traduction dans cette langue est jointe pour information.</span></label>
  <select class="fr-select${opts.erreur ? ' fr-select--error' : ''}" id="${id}" name="langue" aria-describedby="${id}-aide${opts.erreur ? ` ${id}-erreur` : ''}">
    <option value=""${opts.valeur ? '' : html` selected`}>Français seulement</option>
    ${langues.map((l) => html`<option value="${l.langue}"${l.langue === opts.valeur ? html` selected` : ''}>${l.nomFrancais} (${l.nom})</option>`)}
  </select>
  ${opts.erreur ? html`<p class="fr-error-text" id="${id}-erreur">${opts.erreur}</p>` : ''}
</div>`;
}

/** On a mandat's card (usager's page): print its translation, choose or change the usager's language. */
export function liensLangue(m: { id: number; template_version?: string | null; langue?: string | null }): SafeHtml {
  const t = traductionModele(m.template_version ?? MODELE_EN_VIGUEUR.version, m.langue);
  return html`${t ? html`<li><a class="fr-btn fr-btn--secondary fr-icon-translate-2 fr-btn--icon-left" href="/mandats/${m.id}/traduction">Imprimer la traduction (${t.nomFrancais})<span class="fr-sr-only"> du mandat n° ${m.id}</span></a></li>` : ''}
    <li><a class="fr-btn fr-btn--tertiary" href="/mandats/${m.id}/langue">${t ? 'Changer la langue de l’usager' : 'Choisir la langue de l’usager'}<span class="fr-sr-only"> pour le mandat n° ${m.id}</span></a></li>`;
}

export function languePage(opts: { csrf: string; mandatId: number; usagerId: number; langue: string | null; langues: LangueProposee[]; erreur?: string }): SafeHtml {
  const choix = opts.langue ?? '';
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Langue de l’usager</h1>
<p>Le mandat n° ${opts.mandatId} est imprimé en français : c’est le seul texte qui fait foi. Vous pouvez y joindre, pour information,
sa traduction dans une langue que l’usager lit ; elle s’imprime depuis la page de l’usager.</p>
${errorSummary(opts.erreur ? { langue: opts.erreur } : {})}
${opts.langues.length ? '' : html`<div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w"><p>Aucune traduction n’existe pour le modèle de ce mandat : il s’imprime en français seulement.</p></div>`}
<form method="post" action="/mandats/${opts.mandatId}/langue" novalidate>
  ${csrfField(opts.csrf)}
  <fieldset class="fr-fieldset${opts.erreur ? ' fr-fieldset--error' : ''}" id="champ-langue" aria-labelledby="langue-legende${opts.erreur ? ' langue-erreur' : ''}">
    <legend class="fr-fieldset__legend" id="langue-legende">Langue de la traduction jointe au mandat</legend>
    <div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="langue-aucune" name="langue" value=""${choix === '' ? html` checked` : ''}>
      <label class="fr-label" for="langue-aucune">Français seulement<span class="fr-hint-text">Aucune traduction jointe.</span></label>
    </div></div>
    ${opts.langues.map((l) => html`<div class="fr-fieldset__element"><div class="fr-radio-group">
      <input type="radio" id="langue-${l.langue}" name="langue" value="${l.langue}"${choix === l.langue ? html` checked` : ''}>
      <label class="fr-label" for="langue-${l.langue}">${nomLangue(l)}</label>
    </div></div>`)}
    ${opts.erreur ? html`<div class="fr-messages-group" id="langue-erreur" aria-live="assertive"><p class="fr-message fr-message--error">${opts.erreur}</p></div>` : ''}
  </fieldset>
  <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-4w">
    <li><button class="fr-btn" type="submit">Enregistrer la langue</button></li>
    <li><a class="fr-btn fr-btn--secondary" href="/usagers/${opts.usagerId}#mandat-${opts.mandatId}">Retour à la page de l’usager</a></li>
  </ul>
</form></div></div>`;
}

/**
 * `{name}` placeholders filled with the mandat's values, each isolated with <bdi>: a Latin name or a date keeps
 * its own direction inside right-to-left text, and the text around it keeps its order.
 */
export function remplirIsole(texte: string, valeurs: Record<string, string>): SafeHtml {
  let out = '';
  let dernier = 0;
  for (const m of texte.matchAll(/\{([a-z]+)\}/g)) {
    out += escapeHtml(texte.slice(dernier, m.index));
    const v = valeurs[m[1]];
    out += v === undefined ? escapeHtml(m[0]) : `<bdi>${escapeHtml(v)}</bdi>`;
    dernier = m.index + m[0].length;
  }
  return raw(out + escapeHtml(texte.slice(dernier)));
}

/** Dates in the translation's language (Paris time), e.g. « 26 November 2026 ». */
function dates(t: TraductionModele) {
  const jour = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone: 'Europe/Paris' });
  const heure = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
  return { jour: (d: Date) => jour.format(d), heure: (d: Date) => heure.format(d) };
}

export function titrePageTraduction(d: { id: number }, t: { nomFrancais: string }): string {
  return `Traduction du mandat n° ${d.id} en ${t.nomFrancais}`;
}

export function traductionPage(opts: { document: DocumentMandat; traduction: TraductionModele }): SafeHtml {
  const d = opts.document;
  const t = opts.traduction;
  const l = t.libelles;
  const { jour, heure } = dates(t);
  const mandant = `${d.usager.given_name} ${d.usager.family_name}`;
  const aidant = d.aidant ?? l.aidantInconnu;
  const titreFr = titrePageTraduction(d, t);
  return html`${FEUILLES_TRADUCTION.map((href) => html`<link rel="stylesheet" href="${href}">`)}
<div class="traduction-ecran">
  <h1>${titreFr}</h1>
  <p>Imprimez cette page et remettez-la à l’usager avec les deux exemplaires du mandat en français (PDF), qui seuls font foi.
  La traduction ci-dessous est donnée pour information.</p>
  <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-4w">
    <li><button class="fr-btn fr-icon-printer-line fr-btn--icon-left" type="button" id="imprimer-traduction">Imprimer la traduction</button></li>
    <li><a class="fr-btn fr-btn--secondary fr-icon-file-pdf-line fr-btn--icon-left" href="/mandats/${d.id}/mandat.pdf">Mandat en français (PDF)</a></li>
    <li><a class="fr-btn fr-btn--tertiary" href="/usagers/${d.usager.id}#mandat-${d.id}">Retour à la page de l’usager</a></li>
  </ul>
</div>
<article class="traduction-mandat" lang="${t.langue}" dir="${t.direction}" aria-labelledby="titre-traduction">
  <div class="traduction-reference" lang="fr" dir="ltr">
    <p class="fr-mb-1w"><strong>Annexe au mandat n° ${d.id}</strong> (modèle ${d.modele.version}${d.code ? `, code de vérification ${formaterCode(d.code)}` : ''}),
    conclu le ${dateLongue(d.creeLe)} avec ${d.structure.name}.</p>
    <p><strong>Traduction en ${t.nomFrancais}, pour information : seul le texte français du mandat fait foi.</strong></p>
  </div>
  <p class="traduction-avertissement"><strong>${t.avertissement}</strong></p>
  <h2 id="titre-traduction">${t.titre}</h2>
  <p class="fr-text--sm">${remplirIsole(l.reference, { numero: String(d.id), date: heure(d.creeLe), version: d.modele.version })}</p>
  <p>${remplirIsole(t.objet, { mandant, mandataire: d.structure.name, aidant })}</p>
  <h3>${l.mandant}</h3>
  <p>${l.nom} : <bdi>${mandant}</bdi></p>
  <h3>${l.mandataire}</h3>
  <p>${l.structure} : <bdi>${d.structure.name}</bdi><br>${l.aidant} : <bdi>${aidant}</bdi></p>
  <h3>${l.demarches}</h3>
  <ul>${d.autorisations.map((a) => html`<li><strong>${t.titresDemarches[a.demarche]}</strong> (<bdi lang="fr">${DEMARCHES[a.demarche].titre}</bdi>)<br>${t.demarches[a.demarche]}</li>`)}</ul>
  <h3>${l.duree}</h3>
  <p>${remplirIsole(t.phraseDuree, { duree: t.durees[d.duree].replace('{fin}', jour(d.expireLe)) })}
  ${remplirIsole(l.priseEffet, { debut: heure(d.creeLe), fin: heure(d.expireLe) })}</p>
  ${t.sections.map((s) => html`<h3>${s.titre}</h3>${s.paragraphes.map((p) => html`<p>${p}</p>`)}`)}
  <p>${remplirIsole(t.faitA, { lieu: d.structure.city || d.structure.name, date: jour(d.creeLe) })}</p>
  <h3>${l.signatures}</h3>
  <div class="traduction-signatures"><p>${t.signatureUsager}</p><p>${t.signatureAidant}</p></div>
</article>
<script src="${SCRIPT_TRADUCTION}" defer></script>`;
}

