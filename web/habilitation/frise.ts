// Shared pieces of the habilitation pages: status badges, the timeline of a request (database events plus
// what the workflow says comes next), the message thread.
import { html, type SafeHtml } from '../ui/html.ts';
import { dateEnFrancais } from '../../db/domain/francais.ts';
import { COULEURS_STATUT_DEMANDE, LIBELLES_STATUT_AIDANT, LIBELLES_STATUT_DEMANDE } from '../../db/domain/habilitation.ts';
import type { StatutDemandeAidant, StatutDemandeStructure } from '../../db/domain/statuts.ts';
import type { EvenementHabilitation } from '../../db/queries/habilitation.ts';
import type { EtatHabilitation } from '../../workflows/habilitation.ts';

export function badgeDemande(statut: StatutDemandeStructure): SafeHtml {
  return html`<p class="fr-badge fr-badge--${COULEURS_STATUT_DEMANDE[statut]} fr-badge--sm">${LIBELLES_STATUT_DEMANDE[statut]}</p>`;
}

const COULEURS_AIDANT: Record<StatutDemandeAidant, string> = {
  waiting_list: 'new', new: 'info', processing: 'info', processing_p2p: 'info', validated: 'success', refused: 'error', cancelled: 'warning', cancelled_by_referent: 'warning',
};

export function badgeAidant(statut: StatutDemandeAidant): SafeHtml {
  return html`<p class="fr-badge fr-badge--${COULEURS_AIDANT[statut]} fr-badge--sm">${LIBELLES_STATUT_AIDANT[statut]}</p>`;
}

/** "1er juin 2026 à 09:30" (Paris time). */
export function dateHeure(d: Date | string): string {
  const heure = new Date(d).toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
  return `${dateEnFrancais(new Date(d))} à ${heure}`;
}

export function dateCourte(d: Date | string | null): string {
  if (!d) return '';
  const s = typeof d === 'string' ? new Date(`${d.slice(0, 10)}T12:00:00Z`) : d;
  return s.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
}

/** What comes next, for the staff instructing the request (the page's "Prochaine étape" box). */
export function prochaineEtapeEquipe(statut: StatutDemandeStructure, etat: EtatHabilitation | null): string {
  switch (statut) {
    case 'NEW': return "Le demandeur n'a pas encore envoyé sa demande : rien à instruire pour le moment.";
    case 'AC_VALIDATION_PROCESSING':
      return `Instruisez la demande : validez-la, demandez des modifications ou refusez-la${etat?.prochaineRelanceMs ? ` (relance automatique de l'équipe le ${dateHeure(new Date(etat.prochaineRelanceMs))} sans décision d'ici là)` : ''}.`;
    case 'CHANGES_REQUIRED': return 'En attente du demandeur : il modifie sa demande comme indiqué dans votre message, puis la soumet à nouveau ; elle reviendra alors ici.';
    case 'VALIDATED': return 'Enregistrez la formation et le test Pix de chaque aidant ci-dessous : chacun est activé dès que les deux sont enregistrés.';
    case 'REFUSED': return 'La demande est refusée : aucune autre étape.';
    case 'CLOSED': return 'Tous les aidants sont activés ou retirés : la demande est terminée.';
  }
}

/** What comes next, in French, for the demandeur (the follow page). */
export function prochaineEtape(statut: StatutDemandeStructure, etat: EtatHabilitation | null): string {
  switch (statut) {
    case 'NEW': return 'Complétez puis envoyez votre demande.';
    case 'AC_VALIDATION_PROCESSING':
      return `L'équipe Aidants Connect instruit la demande${etat?.prochaineRelanceMs ? ` (relance automatique de l'équipe le ${dateHeure(new Date(etat.prochaineRelanceMs))} sans décision d'ici là)` : ''}.`;
    case 'CHANGES_REQUIRED': return "Modifiez la demande comme indiqué dans le message de l'équipe, puis soumettez-la à nouveau.";
    case 'VALIDATED': return 'Les aidants suivent la formation et passent le test Pix ; chacun est activé dès que les deux sont enregistrés.';
    case 'REFUSED': return 'La demande est refusée : aucune autre étape.';
    case 'CLOSED': return 'Tous les aidants sont activés ou retirés : la demande est terminée.';
  }
}

export function frise(evenements: EvenementHabilitation[]): SafeHtml {
  if (!evenements.length) return html`<p>Aucun événement pour le moment.</p>`;
  return html`<ol class="fr-mb-3w">${evenements.map(
    (e) => html`<li class="fr-mb-1w"><strong>${dateHeure(e.created_at)}</strong> — ${e.detail || e.type}</li>`,
  )}</ol>`;
}

export function filMessages(messages: { sender: string; content: string; created_at: Date }[]): SafeHtml {
  if (!messages.length) return html`<p>Aucun message.</p>`;
  return html`${messages.map(
    (m) => html`<div class="fr-callout fr-mb-2w"><p class="fr-callout__title fr-text--md">${m.sender === 'staff' ? "L'équipe Aidants Connect" : 'Le demandeur'} — ${dateHeure(m.created_at)}</p><p class="fr-callout__text fr-text--md">${m.content}</p></div>`,
  )}`;
}
