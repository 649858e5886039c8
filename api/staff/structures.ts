// The staff's hold on structures (issue 20): search, a structure's page, suspension and reactivation, transfer
// of mandats (after the transaction: each mandat's workflow told, so its StructureId search attribute follows).
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { lireHoraires, type Horaires } from '../../db/domain/horaires.ts';
import { DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import { validerRaisonSuspension } from '../../db/domain/suspension.ts';
import { listerAlertes, type AlerteListee } from '../../db/queries/alertes.ts';
import {
  ficheStructure, mandatsTransferables, structureCible, nomStructure, reactiverStructure, rechercherStructures, suspendreStructure, transfererMandats,
  type MandatTransferable, type StructureFiche, type StructureListee,
} from '../../db/queries/structures.ts';
import { signalerTransfertMandat } from '../../db/temporal/processes/mandat.ts';
import { logger } from '../../db/platform/logger.ts';
import { aidantsDesStructures, type AidantRow } from '../referent/scope.ts';
import { HttpError } from '../auth/session.ts';
import { idDeRoute } from '../mandats/acces.ts';

const log = logger.child({ component: 'staff-structures' });

export type { MandatTransferable, StructureListee };

export function rechercher(db: Db, recherche: unknown): Promise<StructureListee[]> {
  return rechercherStructures(db, typeof recherche === 'string' ? recherche.slice(0, 100) : '');
}

export interface PageStructure {
  fiche: StructureFiche;
  horaires: Horaires;
  personnes: AidantRow[];
  alertes: AlerteListee[];
}

export async function structureOuIntrouvable(db: Db, id: unknown): Promise<StructureFiche> {
  const n = idDeRoute(id);
  const fiche = n ? await ficheStructure(db, n) : null;
  if (!fiche) throw new HttpError(404, 'structure introuvable');
  return fiche;
}

export async function pageStructure(db: Db, id: unknown): Promise<PageStructure> {
  const fiche = await structureOuIntrouvable(db, id);
  const [personnes, alertes] = await Promise.all([aidantsDesStructures(db, [fiche.id]), listerAlertes(db, [fiche.id], { ouvertes: true })]);
  return { fiche, horaires: lireHoraires(fiche.opening_hours), personnes, alertes };
}

export type ResultatSuspension = { ok: true; change: boolean } | { ok: false; erreur: string };

export async function suspendre(db: Db, staffId: number, structureId: number, raison: unknown): Promise<ResultatSuspension> {
  const r = validerRaisonSuspension(raison);
  if (!r.ok) return { ok: false, erreur: r.erreur };
  return { ok: true, change: await suspendreStructure(db, { structureId, parId: staffId, raison: r.raison }) };
}

export function reactiver(db: Db, staffId: number, structureId: number): Promise<boolean> {
  return reactiverStructure(db, { structureId, parId: staffId });
}

export function mandatsDeLaStructure(db: Db, structureId: number): Promise<MandatTransferable[]> {
  return mandatsTransferables(db, structureId);
}

export interface ProjetTransfert {
  cible: { id: number; name: string };
  tous: boolean;
  mandats: MandatTransferable[];
  /** Démarches of the moved mandats the target structure does not allow (not usable there until it does). */
  demarchesNonAutorisees: Demarche[];
}

export type ChoixTransfert = { ok: true; projet: ProjetTransfert } | { ok: false; erreurs: Record<string, string> };

/** Reads the transfer form (target structure id, "tous" or chosen mandat ids) against the source's mandats. */
export async function preparerTransfert(db: Db, sourceId: number, form: { cible?: unknown; portee?: unknown; mandats?: unknown }): Promise<ChoixTransfert> {
  const erreurs: Record<string, string> = {};
  // The target: its SIRET (14 digits) or its number (shown on its page).
  const saisie = typeof form.cible === 'string' ? form.cible.replace(/[\s.]/g, '').replace(/^n°/i, '') : '';
  const cibleId = /^[0-9]{14}$/.test(saisie) ? null : idDeRoute(saisie);
  const trouvee = /^[0-9]{14}$/.test(saisie) ? await structureCible(db, { siret: saisie }) : cibleId ? await structureCible(db, { id: cibleId }) : null;
  const cible = trouvee && trouvee.id !== sourceId ? trouvee : null;
  if (!cible) erreurs.cible = 'Indiquez le SIRET ou le numéro d’une autre structure habilitée (le numéro figure sur sa page).';
  else if (cible.suspended_at) erreurs.cible = `${cible.name} est suspendue : aucun mandat ne peut lui être transféré.`;
  const disponibles = await mandatsTransferables(db, sourceId);
  const tous = form.portee === 'tous';
  const choisis = [form.mandats ?? []].flat().map((v) => idDeRoute(String(v)));
  const mandats = tous ? disponibles : disponibles.filter((m) => choisis.includes(m.id));
  if (!tous && form.portee !== 'choisis') erreurs.portee = 'Choisissez de transférer tous les mandats actifs ou seulement certains.';
  else if (!mandats.length) erreurs.portee = tous ? 'Cette structure n’a aucun mandat actif à transférer.' : 'Cochez au moins un mandat à transférer.';
  else if (!tous && (choisis.includes(null) || mandats.length !== choisis.length)) erreurs.portee = 'Un des mandats choisis n’est plus un mandat actif de cette structure : choisissez de nouveau.';
  if (Object.keys(erreurs).length) return { ok: false, erreurs };
  const autorisees = new Set<string>(cible!.allowed_demarches);
  const demarchesNonAutorisees = (Object.keys(DEMARCHES) as Demarche[]).filter((d) => !autorisees.has(d) && mandats.some((m) => m.demarches.includes(d)));
  return { ok: true, projet: { cible: { id: cible!.id, name: cible!.name }, tous, mandats, demarchesNonAutorisees } };
}

export type IssueTransfert = { ok: true; nombre: number; cible: string } | { ok: false; erreur: string };

/** The confirmed transfer: the transaction, then each mandat's workflow told (a failure is logged, not fatal). */
export async function transferer(deps: { db: Db; temporal: () => Promise<Client> }, staffId: number, sourceId: number, form: { cible?: unknown; portee?: unknown; mandats?: unknown }): Promise<IssueTransfert> {
  const choix = await preparerTransfert(deps.db, sourceId, form);
  if (!choix.ok) return { ok: false, erreur: Object.values(choix.erreurs)[0] };
  const { projet } = choix;
  const r = await transfererMandats(deps.db, { source: sourceId, cible: projet.cible.id, mandatIds: projet.tous ? null : projet.mandats.map((m) => m.id), parId: staffId });
  if (!r.ok) return { ok: false, erreur: r.raison === 'aucun-mandat' ? 'Aucun des mandats choisis n’est encore actif dans cette structure.' : 'La structure choisie ne peut pas recevoir de mandat.' };
  try {
    const client = await deps.temporal();
    for (const m of r.mandats) await signalerTransfertMandat(client, m.mandatId, m.structureId);
  } catch (err) {
    // The database is the truth (the workflow's activities read it): only the Temporal UI's StructureId lags.
    log.error({ err, mandats: r.mandats.map((m) => m.mandatId) }, 'workflows des mandats transférés non prévenus');
  }
  return { ok: true, nombre: r.mandats.length, cible: (await nomStructure(deps.db, projet.cible.id)) ?? projet.cible.name };
}
