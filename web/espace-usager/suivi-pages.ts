// The follow-up of « Je ne reconnais pas cette action » reports (issue 21 §5): the same list in the espace
// référent (the reports of the référent's structures) and in the staff back office (all of them), each with
// its state (nouveau, en cours, clos) and a comment the référent or staff member writes.
import { html, type SafeHtml } from '../ui/html.ts';
import { csrfField } from '../ui/forms.ts';
import { DEMARCHES, estDemarche } from '../../db/domain/demarches.ts';
import { ETATS_SIGNALEMENT, LIBELLES_ACTES_STRUCTURE, LIBELLES_ETAT_SIGNALEMENT, LONGUEUR_MAX_PRECISION, MOTIFS_SIGNALEMENT, type EtatSignalement } from '../../db/domain/espace-usager.ts';
import { nombre } from '../../db/domain/francais.ts';
import { dateHeureCourte } from '../../api/espace-usager/consultation.ts';
import type { SignalementSuivi } from '../../db/queries/espace-usager.ts';

const BADGE: Record<EtatSignalement, string> = { nouveau: 'fr-badge--new', en_cours: 'fr-badge--info', clos: 'fr-badge--success' };

function carte(s: SignalementSuivi, csrf: string, action: string, erreur?: string): SafeHtml {
  const usager = `${s.usager_given_name} ${s.usager_preferred_username || s.usager_family_name}`;
  const demarches = (s.demarche ?? '').split(',').filter(Boolean).map((d) => (estDemarche(d) ? DEMARCHES[d].titre : d)).join(', ');
  const id = `signalement-${s.id}`;
  return html`<div class="fr-card fr-mb-3w" id="${id}"><div class="fr-card__body"><div class="fr-card__content">
  <h2 class="fr-card__title">Signalement n° ${s.id} — ${usager}</h2>
  <div class="fr-card__desc">
    <p class="fr-badge ${BADGE[s.etat]}">${LIBELLES_ETAT_SIGNALEMENT[s.etat]}</p>
    <p class="fr-mt-1w">Reçu le ${dateHeureCourte(s.created_at)}${s.structure ? ` — ${s.structure}` : ''}.</p>
    <p><strong>Action signalée :</strong> ${s.action ? LIBELLES_ACTES_STRUCTURE[s.action as keyof typeof LIBELLES_ACTES_STRUCTURE] ?? s.action : 'entrée inconnue'}${s.acte_le ? `, le ${dateHeureCourte(s.acte_le)}` : ''}${demarches ? ` — ${demarches}` : ''}${s.aidant_prenom ? ` (aidant : ${s.aidant_prenom} ${s.aidant_nom ?? ""})` : ''} — entrée du journal n° ${s.journal_id}.</p>
    <p><strong>Motif :</strong> ${MOTIFS_SIGNALEMENT[s.motif]}${s.precision ? html`<br>« ${s.precision} »` : ''}</p>
    ${s.suivi_at ? html`<p class="fr-text--sm">Dernier suivi le ${dateHeureCourte(s.suivi_at)}${s.suivi_par ? ` par ${s.suivi_par}` : ''}.</p>` : ''}
    <form method="post" action="${action}/${s.id}" novalidate>
      ${csrfField(csrf)}
      <div class="fr-select-group">
        <label class="fr-label" for="etat-${s.id}">État du signalement</label>
        <select class="fr-select" id="etat-${s.id}" name="etat">
          ${ETATS_SIGNALEMENT.map((e) => html`<option value="${e}"${e === s.etat ? html` selected` : ''}>${LIBELLES_ETAT_SIGNALEMENT[e]}</option>`)}
        </select>
      </div>
      <div class="fr-input-group${erreur ? ' fr-input-group--error' : ''}">
        <label class="fr-label" for="commentaire-${s.id}">Commentaire<span class="fr-hint-text">${LONGUEUR_MAX_PRECISION} caractères au plus ; l’usager ne le voit pas.</span></label>
        <textarea class="fr-input" id="commentaire-${s.id}" name="commentaire" rows="3" maxlength="${LONGUEUR_MAX_PRECISION}"${erreur ? html` aria-describedby="commentaire-${s.id}-erreur"` : ''}>${s.commentaire}</textarea>
        ${erreur ? html`<p class="fr-error-text" id="commentaire-${s.id}-erreur">${erreur}</p>` : ''}
      </div>
      <button class="fr-btn fr-btn--sm" type="submit">Enregistrer le suivi<span class="fr-sr-only"> du signalement n° ${s.id}</span></button>
    </form>
  </div>
</div></div></div>`;
}

export function signalementsPage(opts: { liste: SignalementSuivi[]; csrf: string; action: string; pourEquipe: boolean; erreur?: { id: number; message: string } }): SafeHtml {
  const ouverts = opts.liste.filter((s) => s.etat !== 'clos').length;
  return html`<h1>Signalements des usagers</h1>
<p>Les actions que des usagers ne reconnaissent pas dans leur espace usager${opts.pourEquipe ? ', dans toutes les structures' : ', pour vos structures'}. Vérifiez ce qui s’est passé avec l’aidant concerné, puis indiquez le suivi. ${nombre(ouverts, 'signalement ouvert', 'signalements ouverts')}.</p>
${opts.liste.length ? html`<div>${opts.liste.map((s) => carte(s, opts.csrf, opts.action, opts.erreur?.id === s.id ? opts.erreur.message : undefined))}</div>`
  : html`<div class="fr-callout fr-mt-3w"><p class="fr-callout__text">Aucun signalement pour le moment.</p></div>`}`;
}
