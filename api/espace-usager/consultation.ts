// What the usager sees of their mandats and of what was done in their name (issue 21 §2-3). Every read is
// scoped to the logged-in usager (db/queries/espace-usager.ts): another usager's mandat or entry is not found.
import type { Db } from '../../db/connection.ts';
import { DEMARCHES, estDemarche } from '../../db/domain/demarches.ts';
import { datePurgeMandat, groupeMandat, type GroupeMandat } from '../../db/domain/mandat.ts';
import {
  ACTES_PAR_PAGE, celluleCsv, LIBELLES_ACTES_USAGER, prenomInitiale, revoqueParUsager, serviceDeLEntree,
} from '../../db/domain/espace-usager.ts';
import {
  acteDeLUsager, actesDeLUsager, mandatsDeLUsager, structureDuMandatDeLUsager, type ActeUsager, type MandatUsager,
} from '../../db/queries/espace-usager.ts';
import { documentMandat, type DocumentMandat } from '../mandats/preuve.ts';

export interface MandatAffiche extends MandatUsager {
  groupe: GroupeMandat;
  /** For an ended mandat: when its data will be deleted (6 years after its end). */
  purgeLe: Date | null;
  aUneRevocation: boolean;
}

export async function mesMandats(db: Db, usagerId: number, maintenant = new Date()): Promise<MandatAffiche[]> {
  return (await mandatsDeLUsager(db, usagerId)).map((m) => ({
    ...m,
    groupe: groupeMandat(m, maintenant),
    purgeLe: m.status !== 'active' ? datePurgeMandat(m.ended_at ?? m.expires_at) : null,
    aUneRevocation: m.autorisations.some((a) => a.revoked_at !== null),
  }));
}

/** The mandat to print (the PDF builders of web/mandats/pdf/), when it is the usager's. */
export async function documentDuMandat(db: Db, usagerId: number, mandatId: number): Promise<DocumentMandat | null> {
  const structureId = await structureDuMandatDeLUsager(db, usagerId, mandatId);
  return structureId === null ? null : documentMandat(db, structureId, mandatId);
}

export interface ActeAffiche {
  id: number;
  le: Date;
  action: ActeUsager['action'];
  libelle: string;
  structure: string | null;
  /** « Karim B. » */
  aidant: string | null;
  demarches: string[];
  service: string | null;
  /** For creations, renewals and revocations: who did it. */
  par: 'usager' | 'structure' | null;
  mandatId: number | null;
  signale: boolean;
}

function afficher(a: ActeUsager): ActeAffiche {
  const demarches = (a.demarche ?? '').split(',').filter(Boolean).map((d) => (estDemarche(d) ? DEMARCHES[d].titre : d));
  const parUsager = revoqueParUsager(a);
  return {
    id: a.id,
    le: a.created_at,
    action: a.action,
    libelle: LIBELLES_ACTES_USAGER[a.action],
    structure: a.structure,
    aidant: parUsager ? null : prenomInitiale(a.aidant_prenom, a.aidant_nom),
    demarches,
    service: a.action === 'use_autorisation' ? serviceDeLEntree(a.additional_information) : null,
    par: a.action === 'use_autorisation' ? null : parUsager ? 'usager' : 'structure',
    mandatId: a.mandat_id,
    signale: a.signale,
  };
}

export interface PageActes {
  actes: ActeAffiche[];
  page: number;
  pages: number;
  total: number;
}

/** Page `page` (from 1) of the acts, newest first; a page past the end is the last one. */
export async function mesActes(db: Db, usagerId: number, page: number, parPage = ACTES_PAR_PAGE): Promise<PageActes> {
  const premier = await actesDeLUsager(db, usagerId, { offset: (page - 1) * parPage, limit: parPage });
  const pages = Math.max(1, Math.ceil(premier.total / parPage));
  if (page > pages) return mesActes(db, usagerId, pages, parPage);
  return { actes: premier.actes.map(afficher), page, pages, total: premier.total };
}

export async function monActe(db: Db, usagerId: number, journalId: number): Promise<ActeAffiche | null> {
  const a = await acteDeLUsager(db, usagerId, journalId);
  return a ? afficher(a) : null;
}

const DATE_HEURE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });

/** « 05/12/2026 14:03 », Paris time. */
export function dateHeureCourte(d: Date): string {
  return DATE_HEURE.format(d);
}

export function parQui(a: Pick<ActeAffiche, 'par'>): string {
  return a.par === 'usager' ? 'Vous' : a.par === 'structure' ? 'La structure' : '';
}

/** The same list as the pages, every entry, as CSV (UTF-8 with BOM, `;`, for a spreadsheet in French). */
export async function csvActes(db: Db, usagerId: number): Promise<string> {
  const { actes } = await actesDeLUsager(db, usagerId, { offset: 0, limit: null });
  const lignes = [
    ['Date et heure', 'Action', 'Structure', 'Aidant', 'Démarches', 'Service de l’administration', 'Fait par', 'Mandat n°', 'Entrée du journal n°'],
    ...actes.map(afficher).map((a) => [dateHeureCourte(a.le), a.libelle, a.structure, a.aidant, a.demarches.join(', '), a.service, parQui(a), a.mandatId, a.id]),
  ];
  return `\ufeff${lignes.map((l) => l.map(celluleCsv).join(';')).join('\r\n')}\r\n`;
}
