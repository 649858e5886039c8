// Habilitation rules (db/domain/README.md#habilitation): professional emails, what staff may decide in each status, the
// per-aidant training path (training + Pix test → activation), the peer-trainer rule and default delays.
// Used by the pages, the activities and the workflows' inputs (workflows receive these rules as inputs).
import type { StatutDemandeAidant, StatutDemandeStructure, TypeStructure } from './statuts.ts';
import { emailValide, normaliserEmail } from './contact.ts';
import { JOUR_MS } from './durees.ts';

export { emailValide, normaliserEmail };


/** The email confirmation link of a demandeur is valid 3 days. */
export const VALIDITE_LIEN_DEMANDEUR_MS = 3 * JOUR_MS;
/** Staff are reminded when a submitted request has waited this long without a decision. */
export const DELAI_RELANCE_EQUIPE_MS = 3 * JOUR_MS;
/** The référents are reminded when an aidant is still not trained (training or Pix missing) after this. */
export const DELAI_RELANCE_FORMATION_MS = 30 * JOUR_MS;
/** Minimum Pix score (in %) for the test to count as passed. */
export const SEUIL_SCORE_PIX = 50;
/** A peer trainer must be an active aidant who has created at least this many mandats. */
export const MANDATS_MINIMUM_FORMATEUR_PAIR = 5;

// ---- Emails -------------------------------------------------------------------------------------------


/** Mailbox names that designate a service rather than a person (connection traces must name a person). */
const BOITES_GENERIQUES = new Set([
  'accueil', 'admin', 'administratif', 'administration', 'agence', 'asso', 'association', 'bibliotheque', 'bonjour',
  'cabinet', 'ccas', 'centre', 'centresocial', 'compta', 'comptabilite', 'contact', 'contacts', 'courrier', 'direction',
  'equipe', 'franceservice', 'franceservices', 'fs', 'general', 'hello', 'info', 'infos', 'information', 'informations',
  'mail', 'mairie', 'mediatheque', 'mediation', 'noreply', 'no-reply', 'office', 'permanence', 'pimms', 'postmaster',
  'reception', 'rh', 'secretariat', 'service', 'services', 'standard', 'support', 'team', 'webmaster',
]);

function sansAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** contact@, accueil.mairie@, france-services93@… : the first word of the mailbox names a service. */
export function emailGenerique(email: string): boolean {
  const local = sansAccents(normaliserEmail(email).split('@')[0] ?? '');
  if (BOITES_GENERIQUES.has(local.replace(/[^a-z]/g, ''))) return true;
  const premierMot = local.split(/[._+\-0-9]/).find((m) => m.length > 0) ?? '';
  return BOITES_GENERIQUES.has(premierMot);
}

export function emailProfessionnelValide(email: string): boolean {
  return emailValide(email) && !emailGenerique(email);
}

/** The French message for an aidant's or référent's email, or null when acceptable. */
export function erreurEmailProfessionnel(email: string): string | null {
  if (!email.trim()) return "Indiquez l'adresse e-mail professionnelle.";
  if (!emailValide(email)) return "L'adresse e-mail n'est pas valide (format attendu : prenom.nom@structure.fr).";
  if (emailGenerique(email)) {
    return "Cette adresse e-mail est générique (contact@, accueil@…) : indiquez une adresse professionnelle nominative et individuelle, par exemple prenom.nom@structure.fr.";
  }
  return null;
}

// ---- Structure request: statuses and decisions ----------------------------------------------------------

export const LIBELLES_STATUT_DEMANDE: Record<StatutDemandeStructure, string> = {
  NEW: 'Brouillon',
  AC_VALIDATION_PROCESSING: "En cours d'instruction",
  CHANGES_REQUIRED: 'Modifications demandées',
  VALIDATED: 'Validée — formation des aidants',
  REFUSED: 'Refusée',
  CLOSED: 'Clôturée',
};

/** Badge colours of the DSFR (fr-badge--…) per status. */
export const COULEURS_STATUT_DEMANDE: Record<StatutDemandeStructure, 'info' | 'new' | 'warning' | 'success' | 'error'> = {
  NEW: 'new',
  AC_VALIDATION_PROCESSING: 'info',
  CHANGES_REQUIRED: 'warning',
  VALIDATED: 'success',
  REFUSED: 'error',
  CLOSED: 'success',
};

export type ActionDemande = 'soumettre' | 'resoumettre' | 'valider' | 'refuser' | 'demander_modifications';
export type DecisionEquipe = Extract<ActionDemande, 'valider' | 'refuser' | 'demander_modifications'>;
export const DECISIONS_EQUIPE: readonly DecisionEquipe[] = ['valider', 'demander_modifications', 'refuser'];

export interface Transition {
  depuis: StatutDemandeStructure[];
  vers: StatutDemandeStructure;
  libelle: string;
}

/** Allowed transitions of a structure request; the workflow receives this table as an input. */
export const TRANSITIONS_DEMANDE: Record<ActionDemande, Transition> = {
  soumettre: { depuis: ['NEW'], vers: 'AC_VALIDATION_PROCESSING', libelle: 'soumettre la demande' },
  resoumettre: { depuis: ['CHANGES_REQUIRED'], vers: 'AC_VALIDATION_PROCESSING', libelle: 'soumettre à nouveau la demande' },
  valider: { depuis: ['AC_VALIDATION_PROCESSING'], vers: 'VALIDATED', libelle: 'valider la demande' },
  refuser: { depuis: ['AC_VALIDATION_PROCESSING', 'CHANGES_REQUIRED'], vers: 'REFUSED', libelle: 'refuser la demande' },
  demander_modifications: { depuis: ['AC_VALIDATION_PROCESSING'], vers: 'CHANGES_REQUIRED', libelle: 'demander des modifications' },
};

export function actionPossible(statut: StatutDemandeStructure, action: ActionDemande): boolean {
  return TRANSITIONS_DEMANDE[action].depuis.includes(statut);
}

export function decisionsPossibles(statut: StatutDemandeStructure): DecisionEquipe[] {
  return DECISIONS_EQUIPE.filter((d) => actionPossible(statut, d));
}

export function motifActionImpossible(statut: StatutDemandeStructure, action: ActionDemande): string {
  return `Impossible de ${TRANSITIONS_DEMANDE[action].libelle} : la demande est « ${LIBELLES_STATUT_DEMANDE[statut]} ». Rien n'a été enregistré.`;
}

/** The demandeur may edit the draft before submission and when staff asked for changes. */
export function demandeModifiable(statut: StatutDemandeStructure): boolean {
  return statut === 'NEW' || statut === 'CHANGES_REQUIRED';
}

// ---- Per-aidant requests: training, Pix, activation ------------------------------------------------------

export const LIBELLES_STATUT_AIDANT: Record<StatutDemandeAidant, string> = {
  waiting_list: "En liste d'attente",
  new: 'À former',
  processing: 'En formation',
  processing_p2p: 'En formation entre pairs',
  validated: 'Activé',
  refused: 'Refusé',
  cancelled: 'Annulé',
  cancelled_by_referent: 'Retiré par le référent',
};

export const TYPES_FORMATION = { classic: 'Session de formation (organisme habilité)', p2p: 'Formation entre pairs' } as const;
export type TypeFormation = keyof typeof TYPES_FORMATION;

/** Training and Pix can be recorded while the aidant is being trained. */
export function formationEnregistrable(statut: StatutDemandeAidant): boolean {
  return statut === 'new' || statut === 'processing' || statut === 'processing_p2p';
}

/**
 * Why staff cannot record a training or a Pix result for this aidant now (null when they can): the aidant is
 * unknown, not in training (the report names what it is instead), or its structure's request is still under
 * review (training starts once the request is validated). `demande_status`: the status of the aidant's
 * structure request, null for an aidant added later by a référent.
 */
export function motifFormationImpossible(a: { status: StatutDemandeAidant; demande_status: StatutDemandeStructure | null } | null): { resultat: string; message: string } | null {
  if (!a) return { resultat: 'Adresse inconnue', message: "Aucun aidant à former n'a cette adresse." };
  switch (a.status) {
    case 'validated': return { resultat: 'Déjà activé', message: 'Cet aidant est déjà activé : sa formation et son test Pix sont enregistrés.' };
    case 'waiting_list': return { resultat: "En liste d'attente", message: "Cet aidant est en liste d'attente : acceptez-le d'abord (Liste d'attente)." };
    case 'refused': return { resultat: 'Refusé', message: "Cet aidant n'a pas été retenu par l'équipe." };
    case 'cancelled':
    case 'cancelled_by_referent': return { resultat: 'Retiré', message: "Cet aidant a été retiré de la demande d'habilitation." };
    default:
      if (a.demande_status && a.demande_status !== 'VALIDATED') {
        return { resultat: 'Demande non validée', message: `La demande d'habilitation de la structure est « ${LIBELLES_STATUT_DEMANDE[a.demande_status]} » : formation et test Pix s'enregistrent après sa validation.` };
      }
      return null;
  }
}

/** The référent may withdraw an aidant not yet activated. */
export function aidantRetirable(statut: StatutDemandeAidant): boolean {
  return statut === 'waiting_list' || formationEnregistrable(statut);
}

export function scorePixSuffisant(score: number, seuil = SEUIL_SCORE_PIX): boolean {
  return Number.isFinite(score) && score >= seuil && score <= 100;
}

export function erreurScorePix(score: number, seuil = SEUIL_SCORE_PIX): string | null {
  if (!Number.isFinite(score) || score < 0 || score > 100) return 'Le score Pix est un pourcentage entre 0 et 100.';
  if (score < seuil) return `Score Pix insuffisant : ${score} % (il faut au moins ${seuil} %). Le test n'est pas validé.`;
  return null;
}

export interface Formateur {
  actif: boolean;
  nombreMandats: number;
}

/** The public service only recommends it; we enforce it (db/domain/README.md#formation-des-aidants). */
export function formateurPairEligible(formateur: Formateur | null, minimum = MANDATS_MINIMUM_FORMATEUR_PAIR): boolean {
  return !!formateur && formateur.actif && formateur.nombreMandats >= minimum;
}

export function erreurFormateurPair(formateur: Formateur | null, minimum = MANDATS_MINIMUM_FORMATEUR_PAIR): string | null {
  if (!formateur) return "Le formateur entre pairs doit être un aidant habilité : aucun compte actif n'a cette adresse e-mail.";
  if (!formateur.actif) return "Le formateur entre pairs doit être un aidant actif : ce compte est désactivé.";
  if (formateur.nombreMandats < minimum) {
    return `Le formateur entre pairs doit avoir créé au moins ${minimum} mandats (il en a créé ${formateur.nombreMandats}).`;
  }
  return null;
}

/** ISO date (YYYY-MM-DD) of a real day, not in the future. */
export function erreurDatePassee(valeur: string, aujourdHui: Date, quoi: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(valeur)) return `Indiquez la date ${quoi} au format JJ/MM/AAAA.`;
  const d = new Date(`${valeur}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== valeur) return `La date ${quoi} n'existe pas.`;
  if (valeur > aujourdHui.toISOString().slice(0, 10)) return `La date ${quoi} ne peut pas être dans le futur.`;
  return null;
}

// ---- Structure types -------------------------------------------------------------------------------------

export const LIBELLES_TYPE_STRUCTURE: Record<TypeStructure, string> = {
  france_services: 'France Services',
  ccas: "CCAS / CIAS (centre communal ou intercommunal d'action sociale)",
  mairie: 'Mairie ou collectivité territoriale',
  pimms: 'PIMMS (point information médiation multi-services)',
  centre_social: 'Centre social',
  mediatheque: 'Médiathèque ou bibliothèque',
  association: 'Association',
  autre: 'Autre structure',
};

// ---- The rules a workflow receives as input -------------------------------------------------------------

export interface ReglesHabilitation {
  transitions: Record<ActionDemande, { depuis: StatutDemandeStructure[]; vers: StatutDemandeStructure }>;
  libellesStatut: Record<StatutDemandeStructure, string>;
  delaiRelanceEquipeMs: number;
  delaiRelanceFormationMs: number;
}

export interface ReglesFormation {
  seuilScorePix: number;
  mandatsMinimumFormateurPair: number;
  delaiRelanceFormationMs: number;
}

export function reglesFormation(surcharges: Partial<ReglesFormation> = {}): ReglesFormation {
  return {
    seuilScorePix: SEUIL_SCORE_PIX,
    mandatsMinimumFormateurPair: MANDATS_MINIMUM_FORMATEUR_PAIR,
    delaiRelanceFormationMs: DELAI_RELANCE_FORMATION_MS,
    ...surcharges,
  };
}

export function reglesHabilitation(surcharges: Partial<Omit<ReglesHabilitation, 'transitions' | 'libellesStatut'>> = {}): ReglesHabilitation {
  return {
    transitions: TRANSITIONS_DEMANDE,
    libellesStatut: LIBELLES_STATUT_DEMANDE,
    delaiRelanceEquipeMs: DELAI_RELANCE_EQUIPE_MS,
    delaiRelanceFormationMs: DELAI_RELANCE_FORMATION_MS,
    ...surcharges,
  };
}
