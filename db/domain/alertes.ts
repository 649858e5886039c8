// Suspicious-activity rules (issue 20; the CGU promise the production service never built): each rule looks at
// an act of an aidant — a mandat created (`create_attestation`) or an autorisation used through FranceConnect
// (`use_autorisation`) — and says whether it raises an alert, with its evidence (the journal rows). Every
// threshold is here, in one place. The rules are pure: db/queries/alertes.ts reads the journal and the
// structures, calls them, and stores each alert once per evidence (unique constraint).
import { MINUTE_MS } from './durees.ts';
import { estOuvert, heureDeParis, type Horaires } from './horaires.ts';
import { nombre } from './francais.ts';

export const SEUILS_ALERTES = {
  /** More than `nombre` mandats created by one aidant within `fenetreMs`. */
  rafaleMandats: { nombre: 5, fenetreMs: 30 * MINUTE_MS },
  /** Autorisations of more than `nombre` distinct usagers used by one aidant within `fenetreMs`. */
  rafaleUsagers: { nombre: 10, fenetreMs: 30 * MINUTE_MS },
} as const;

/** How often the Temporal schedule looks at the journal (db/temporal/processes/alertes.ts). */
export const INTERVALLE_SURVEILLANCE_MS = 2 * MINUTE_MS;
/**
 * Each pass looks again this far before where the previous one stopped: a transaction that wrote its journal
 * row (stamped with its start) but committed after the previous pass is still seen. Looking twice at an act
 * is harmless: an alert is stored once per evidence.
 */
export const MARGE_SURVEILLANCE_MS = 5 * MINUTE_MS;

export const REGLES_ALERTE = ['hors_horaires', 'rafale_mandats', 'rafale_usagers', 'hors_structure', 'structure_suspendue'] as const;
export type RegleAlerte = (typeof REGLES_ALERTE)[number];

export const LIBELLES_REGLES: Record<RegleAlerte, string> = {
  hors_horaires: 'Activité en dehors des horaires d’ouverture',
  rafale_mandats: 'Nombreux mandats créés en peu de temps',
  rafale_usagers: 'Mandats de nombreux usagers utilisés en peu de temps',
  hors_structure: 'Activité pour une structure quittée',
  structure_suspendue: 'Activité pendant la suspension de la structure',
};

/** The journal actions the rules look at. */
export const ACTES_SURVEILLES = ['create_attestation', 'use_autorisation'] as const;
export type ActeSurveille = (typeof ACTES_SURVEILLES)[number];

export interface ActeJournal {
  id: number;
  action: ActeSurveille;
  aidant_id: number;
  structure_id: number;
  usager_id: number | null;
  created_at: Date;
}

export interface AlerteDetectee {
  regle: RegleAlerte;
  structureId: number;
  aidantId: number;
  /** Journal row ids, ascending. */
  preuves: number[];
  description: string;
}

/** The context of an act: its structure's hours, and the facts the database knows. */
export interface ContexteActe {
  horaires: Horaires;
  /** The aidant belongs to the act's structure (at the time of the check). */
  membre: boolean;
  /** The structure was suspended at the act's time. */
  suspendue: boolean;
}

/** Same evidence, same key: the unique constraint of `alertes` (regle, cle_preuves) is on it. */
export const clePreuves = (preuves: number[]) => [...preuves].sort((a, b) => a - b).join(',');

const avant = (a: ActeJournal, b: ActeJournal) => a.created_at.getTime() < b.created_at.getTime() || (a.created_at.getTime() === b.created_at.getTime() && a.id < b.id);

/** The aidant's acts of the same kind before `acte` within `fenetreMs` (`historique` may hold anything). */
function precedents(acte: ActeJournal, historique: readonly ActeJournal[], fenetreMs: number): ActeJournal[] {
  const debut = acte.created_at.getTime() - fenetreMs;
  return historique.filter((h) => h.aidant_id === acte.aidant_id && h.action === acte.action && h.id !== acte.id && avant(h, acte) && h.created_at.getTime() > debut);
}

const minutesDe = (ms: number) => nombre(Math.round(ms / MINUTE_MS), 'minute', 'minutes');
const heure = (d: Date) => {
  const p = heureDeParis(d);
  return `${p.date.split('-').reverse().join('/')} à ${String(Math.floor(p.minutes / 60)).padStart(2, '0')}\u00a0h\u00a0${String(p.minutes % 60).padStart(2, '0')}`;
};
const quoi = (a: ActeJournal) => (a.action === 'create_attestation' ? 'Mandat créé' : 'Mandat utilisé');

/**
 * The alerts one act raises. The bursts fire once, on the act that goes over the threshold (the one before
 * it in the window were exactly at the threshold): a long burst gives one alert per window, not one per act.
 */
export function alertesDeLActe(acte: ActeJournal, contexte: ContexteActe, historique: readonly ActeJournal[]): AlerteDetectee[] {
  const alertes: AlerteDetectee[] = [];
  const base = { structureId: acte.structure_id, aidantId: acte.aidant_id };
  if (!estOuvert(contexte.horaires, acte.created_at)) {
    alertes.push({ ...base, regle: 'hors_horaires', preuves: [acte.id], description: `${quoi(acte)} le ${heure(acte.created_at)}, en dehors des horaires d’ouverture de la structure.` });
  }
  if (!contexte.membre) {
    alertes.push({ ...base, regle: 'hors_structure', preuves: [acte.id], description: `${quoi(acte)} le ${heure(acte.created_at)} pour un usager d’une structure dont l’aidant ne fait plus partie.` });
  }
  if (contexte.suspendue) {
    alertes.push({ ...base, regle: 'structure_suspendue', preuves: [acte.id], description: `${quoi(acte)} le ${heure(acte.created_at)} alors que la structure était suspendue.` });
  }
  if (acte.action === 'create_attestation') {
    const { nombre: seuil, fenetreMs } = SEUILS_ALERTES.rafaleMandats;
    const avantLui = precedents(acte, historique, fenetreMs);
    if (avantLui.length === seuil) {
      alertes.push({
        ...base, regle: 'rafale_mandats', preuves: [...avantLui.map((a) => a.id), acte.id].sort((a, b) => a - b),
        description: `${nombre(seuil + 1, 'mandat créé', 'mandats créés')} en moins de ${minutesDe(fenetreMs)} par le même aidant (seuil : ${seuil}), le dernier le ${heure(acte.created_at)}.`,
      });
    }
  } else if (acte.usager_id !== null) {
    const { nombre: seuil, fenetreMs } = SEUILS_ALERTES.rafaleUsagers;
    const avantLui = precedents(acte, historique, fenetreMs);
    const usagers = new Set(avantLui.map((a) => a.usager_id));
    if (!usagers.has(acte.usager_id) && usagers.size === seuil) {
      alertes.push({
        ...base, regle: 'rafale_usagers', preuves: [...avantLui.map((a) => a.id), acte.id].sort((a, b) => a - b),
        description: `Mandats de ${nombre(seuil + 1, 'usager différent', 'usagers différents')} utilisés en moins de ${minutesDe(fenetreMs)} par le même aidant (seuil : ${seuil}), le dernier le ${heure(acte.created_at)}.`,
      });
    }
  }
  return alertes;
}

/** A closing comment: required, trimmed, 1 000 characters at most. */
export function validerCommentaireCloture(saisie: unknown): { ok: true; commentaire: string } | { ok: false; erreur: string } {
  const commentaire = typeof saisie === 'string' ? saisie.trim() : '';
  if (!commentaire) return { ok: false, erreur: 'Expliquez en quelques mots ce que vous avez constaté avant de clore l’alerte.' };
  if (commentaire.length > 1000) return { ok: false, erreur: 'Le commentaire ne doit pas dépasser 1 000 caractères.' };
  return { ok: true, commentaire };
}
