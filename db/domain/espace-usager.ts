// Rules of the espace usager (issue 21): the usager's own session, what they may report, and how the journal
// says that the usager (not an aidant of the structure) revoked. Pure values and functions, shared by the
// migration, the use cases (api/espace-usager/), the pages and the tests.
import { HEURE_MS, MINUTE_MS } from './durees.ts';

/** A usager session lasts 30 minutes at most from the login, however active (issue 21 §7). */
export const DUREE_SESSION_USAGER_MS = 30 * MINUTE_MS;

/** Reports a usager may send per sliding hour: beyond, refused with a message. */
export const SIGNALEMENTS_PAR_HEURE = 5;
export const FENETRE_SIGNALEMENTS_MS = HEURE_MS;
export const LONGUEUR_MAX_PRECISION = 1000;

/** Journal entries per page of « Ce qui a été fait en votre nom ». */
export const ACTES_PAR_PAGE = 20;

/**
 * `additional_information` of the `cancel_autorisation` / `cancel_mandat` rows written when the usager
 * revoked online (aidant_id is then null): the journal says who revoked without a column of its own.
 */
export const ORIGINE_USAGER = 'origine=usager';

export function revoqueParUsager(entree: { aidant_id: number | null; additional_information: string | null }): boolean {
  return entree.aidant_id === null && (entree.additional_information ?? '').split(';').includes(ORIGINE_USAGER);
}

export const ETATS_SIGNALEMENT = ['nouveau', 'en_cours', 'clos'] as const;
export type EtatSignalement = (typeof ETATS_SIGNALEMENT)[number];
export const LIBELLES_ETAT_SIGNALEMENT: Record<EtatSignalement, string> = { nouveau: 'Nouveau', en_cours: 'En cours', clos: 'Clos' };

export function estEtatSignalement(v: unknown): v is EtatSignalement {
  return typeof v === 'string' && (ETATS_SIGNALEMENT as readonly string[]).includes(v);
}

/** What is wrong with the entry, as the usager chooses it. */
export const MOTIFS_SIGNALEMENT = {
  pas_demande: 'Je n’ai pas demandé cette démarche',
  structure_inconnue: 'Je ne connais pas cette structure ou cet aidant',
  date: 'Je n’étais pas avec l’aidant à cette date',
  autre: 'Autre raison',
} as const;
export type MotifSignalement = keyof typeof MOTIFS_SIGNALEMENT;

export type ResultatSignalement = { ok: true; motif: MotifSignalement; precision: string } | { ok: false; erreurs: Record<string, string> };

/** The report form: a reason from the list, free text of 1,000 characters at most (required for « Autre »). */
export function validerSignalement(body: unknown): ResultatSignalement {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const erreurs: Record<string, string> = {};
  const motif = b.motif;
  const precision = typeof b.precision === 'string' ? b.precision.replace(/\r\n/g, '\n').trim() : '';
  if (typeof motif !== 'string' || !Object.hasOwn(MOTIFS_SIGNALEMENT, motif)) erreurs.motif = 'Choisissez ce qui ne va pas.';
  if (b.precision !== undefined && typeof b.precision !== 'string') erreurs.precision = 'La précision doit être un texte.';
  else if ([...precision].length > LONGUEUR_MAX_PRECISION) erreurs.precision = `Écrivez ${LONGUEUR_MAX_PRECISION} caractères au plus (vous en avez écrit ${[...precision].length}).`;
  else if (motif === 'autre' && !precision) erreurs.precision = 'Expliquez en quelques mots ce qui ne va pas.';
  if (Object.keys(erreurs).length) return { ok: false, erreurs };
  return { ok: true, motif: motif as MotifSignalement, precision };
}

/** A référent's or staff member's follow-up: a state and a comment of 1,000 characters at most. */
export function validerSuivi(body: unknown): { ok: true; etat: EtatSignalement; commentaire: string } | { ok: false; erreurs: Record<string, string> } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const erreurs: Record<string, string> = {};
  const commentaire = typeof b.commentaire === 'string' ? b.commentaire.trim() : '';
  if (!estEtatSignalement(b.etat)) erreurs.etat = 'Choisissez un état : nouveau, en cours ou clos.';
  if ([...commentaire].length > LONGUEUR_MAX_PRECISION) erreurs.commentaire = `Écrivez ${LONGUEUR_MAX_PRECISION} caractères au plus.`;
  if (Object.keys(erreurs).length) return { ok: false, erreurs };
  return { ok: true, etat: b.etat as EtatSignalement, commentaire };
}

/** « A. D. »: the only thing of the usager's identity an email to the structure carries. */
export function initiales(u: { given_name: string; family_name: string; preferred_username?: string | null }): string {
  const lettre = (s: string) => ([...s.trim()][0] ?? '').toLocaleUpperCase('fr-FR');
  return `${lettre(u.given_name)}. ${lettre(u.preferred_username || u.family_name)}.`;
}

/** « Karim B. »: how an aidant is named to the usager. */
export function prenomInitiale(prenom: string | null, nom: string | null): string | null {
  if (!prenom) return null;
  const l = ([...(nom ?? '').trim()][0] ?? '').toLocaleUpperCase('fr-FR');
  return l ? `${prenom} ${l}.` : prenom;
}

/** The administration's service of a `use_autorisation`, when the row says it (`service=…`). */
export function serviceDeLEntree(additional: string | null): string | null {
  for (const part of (additional ?? '').split(';')) {
    const m = part.trim().match(/^service=(.{1,200})$/);
    if (m) return m[1];
  }
  return null;
}

/** CSV cell: quoted, quotes doubled, and a leading = + - @ neutralised (a spreadsheet would run it). */
export function celluleCsv(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The path prefix of the espace usager: its own session cookie lives there (web/app.ts). */
export const CHEMIN_ESPACE_USAGER = '/espace-usager';

export function estCheminEspaceUsager(path: string): boolean {
  return path === CHEMIN_ESPACE_USAGER || path.startsWith(`${CHEMIN_ESPACE_USAGER}/`);
}

/** How each journal action reads to the usager (« Ce qui a été fait en votre nom »). */
export const LIBELLES_ACTES_USAGER = {
  use_autorisation: 'Démarche réalisée en votre nom',
  create_attestation: 'Mandat signé',
  init_renew_mandat: 'Renouvellement du mandat',
  cancel_autorisation: 'Démarche révoquée',
  cancel_mandat: 'Mandat révoqué',
} as const;

/** The same actions as the structure and the staff read them (reports' follow-up and emails). */
export const LIBELLES_ACTES_STRUCTURE: Record<keyof typeof LIBELLES_ACTES_USAGER, string> = {
  use_autorisation: 'Démarche réalisée au nom de l’usager',
  create_attestation: 'Mandat signé',
  init_renew_mandat: 'Renouvellement du mandat',
  cancel_autorisation: 'Démarche révoquée',
  cancel_mandat: 'Mandat révoqué',
};
