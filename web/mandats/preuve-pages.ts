// The public verification page of a printed mandat (no login): the code form, and the answer for a code —
// valid, expired, revoked, ended and deleted, not recognised, unknown, too many checks. The usager appears
// by initials only. The fil d'Ariane is the layout's (« Accueil › <title> »).
import { html, type SafeHtml } from '../ui/html.ts';
import { errorSummary, inputGroup } from '../ui/forms.ts';
import { DEMARCHES } from '../../db/domain/demarches.ts';
import { dateLongue } from '../../db/domain/mandat.ts';
import { formaterCode } from '../../db/domain/preuve-mandat.ts';
import type { Verification } from '../../api/mandats/verification.ts';

const minutes = (ms: number) => {
  const n = Math.max(1, Math.ceil(ms / 60_000));
  return n === 1 ? 'une minute' : `${n} minutes`;
};

function formulaire(opts: { code?: string; erreur?: string; titre: 'h1' | 'h2' }): SafeHtml {
  const titre = 'Vérifier un mandat';
  return html`${opts.titre === 'h1' ? html`<h1>${titre}</h1>` : html`<h2 class="fr-mt-6w">Vérifier un autre mandat</h2>`}
${opts.titre === 'h1' ? html`<p class="fr-text--lg">Une administration, un organisme ou l’usager lui-même peut vérifier qu’un mandat Aidants Connect imprimé est authentique et toujours valide.</p>` : ''}
${opts.erreur ? errorSummary({ code: opts.erreur }) : ''}
<form method="get" action="/verifier" novalidate class="fr-mb-4w">
  ${inputGroup({
    name: 'code', label: 'Code de vérification',
    hint: 'Imprimé en bas de chaque page du mandat : 16 lettres et chiffres, par exemple 7K2M-9QXD-R4TB-HW3N. Vous pouvez aussi scanner le code QR.',
    value: opts.code, error: opts.erreur, autocomplete: 'off', maxlength: 40,
  })}
  <button class="fr-btn" type="submit">Vérifier</button>
</form>`;
}

export function verificationFormPage(opts: { code?: string; erreur?: string } = {}): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
${formulaire({ ...opts, titre: 'h1' })}
<p class="fr-text--sm">Seules les initiales de l’usager sont affichées. Chaque vérification est enregistrée, sans aucune information sur la personne qui vérifie.</p>
</div></div>`;
}

function demarches(v: Extract<Verification, { demarches: unknown }>): SafeHtml {
  return html`<ul>${v.demarches.map((d) => html`<li>${DEMARCHES[d.demarche].titre}${d.revoqueeLe ? html` — <strong>révoquée le ${dateLongue(d.revoqueeLe)}</strong>` : ''}</li>`)}</ul>`;
}

function details(v: Extract<Verification, { demarches: unknown }>): SafeHtml {
  return html`<dl class="fr-mb-3w">
  <dt class="fr-text--bold">Usager (initiales)</dt><dd>${v.initiales}</dd>
  <dt class="fr-text--bold">Structure</dt><dd>${v.structure}</dd>
  <dt class="fr-text--bold">Signé le</dt><dd>${dateLongue(v.creeLe)}</dd>
  <dt class="fr-text--bold">Date d’expiration</dt><dd>${dateLongue(v.expireLe)}</dd>
</dl>
<h2 class="fr-h4">Démarches du mandat</h2>
${demarches(v)}`;
}

function alerte(type: 'success' | 'warning' | 'error' | 'info', titre: string, texte: string | SafeHtml): SafeHtml {
  return html`<div class="fr-alert fr-alert--${type} fr-mb-4w" id="resultat"><h2 class="fr-alert__title">${titre}</h2><p>${texte}</p></div>`;
}

function reponse(v: Exclude<Verification, { resultat: 'limite' }>): SafeHtml {
  switch (v.resultat) {
    case 'valide':
      return html`${alerte('success', 'Mandat valide', `Ce mandat est en cours de validité jusqu’au ${dateLongue(v.expireLe)}.`)}${details(v)}`;
    case 'expire':
      return html`${alerte('warning', 'Mandat expiré', `Ce mandat a expiré le ${dateLongue(v.depuis)} : il ne permet plus d’agir au nom de l’usager.`)}${details(v)}`;
    case 'revoque':
      return html`${alerte('error', 'Mandat révoqué', `Ce mandat a été révoqué le ${dateLongue(v.depuis)} : il ne permet plus d’agir au nom de l’usager.`)}${details(v)}`;
    case 'purge':
      return alerte('info', 'Mandat terminé, données supprimées',
        `Ce mandat a pris fin${v.finLe ? ` le ${dateLongue(v.finLe)}` : ''} ; ses données ont été supprimées${v.purgeLe ? ` le ${dateLongue(v.purgeLe)}, six ans après sa fin,` : ''} comme le prévoient les conditions générales d’utilisation d’Aidants Connect. Il ne permet plus d’agir au nom de l’usager.`);
    case 'non-reconnu':
      return alerte('error', 'Document non reconnu',
        'Les informations enregistrées pour ce code ne correspondent plus à celles du mandat signé. Ne considérez pas ce document comme valide et rapprochez-vous de la structure qui l’a établi.');
    case 'inconnu':
      return alerte('info', 'Aucun mandat trouvé',
        'Aucun mandat ne correspond à ce code. Vérifiez chaque caractère du code imprimé en bas de page du mandat, ou scannez son code QR.');
  }
}

export function verificationPage(opts: { code: string | null; verification: Exclude<Verification, { resultat: 'limite' }> }): SafeHtml {
  return html`<div class="fr-grid-row"><div class="fr-col-12 fr-col-lg-8">
<h1>Vérification du mandat</h1>
${opts.code ? html`<p>Code vérifié : <strong>${formaterCode(opts.code)}</strong></p>` : ''}
${reponse(opts.verification)}
${formulaire({ titre: 'h2' })}
</div></div>`;
}

export function verificationLimitePage(attenteMs: number): SafeHtml {
  return html`<h1>Vérification du mandat</h1>
${alerte('warning', 'Trop de vérifications', `Trop de vérifications ont été faites depuis votre connexion. Réessayez dans ${minutes(attenteMs)}.`)}`;
}
