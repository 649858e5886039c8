// Consent requests as the aidant's pages see them (db/domain/README.md#consentement-par-sms): creating one (its workflow sends the SMS),
// reading its state, retrying a failed SMS. Every read is scoped to the caller's structure: a request of
// another structure is simply not found.
import { randomInt, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import {
  CHIFFRES_CODE_REPONSE, DEMANDES_PAR_AIDANT_PAR_HEURE, DEMANDES_PAR_NUMERO_PAR_JOUR, DEMANDES_PAR_STRUCTURE_PAR_JOUR, estIdDemande,
  FENETRE_DEMANDES_PAR_AIDANT_MS, FENETRE_DEMANDES_PAR_NUMERO_MS, FENETRE_DEMANDES_PAR_STRUCTURE_MS, type EtapeSms, type StatutDemandeConsentement,
} from '../../db/domain/consentement.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import type { DureeMandat } from '../../db/domain/mandat.ts';
import {
  annulerDemandeDeLaStructure, codesOuvertsDuNumero, insererDemande, mandatDeLaDemande, nombreDemandesAuNumero, nombreDemandesDeLAidant, nombreDemandesDeLaStructure,
  supprimerDemandeNonEnvoyee, trouverDemande, verrouillerEmetteurs, verrouillerNumero,
} from '../../db/queries/consentement.ts';
import { demarrerConsentement, signalerAnnulation, signalerRelance, type OptionsConsentement } from '../../db/temporal/processes/consentement.ts';
import { logger } from '../../db/platform/logger.ts';

export interface NouvelleDemande {
  aidantId: number;
  structureId: number;
  telephone: string;
  demarches: Demarche[];
  duree: DureeMandat;
  /** Issue 22: the usager's language, given to the mandat created after consent. */
  langue?: string | null;
}

/** Which limit refused the request (issue 18, item 2): the number (for this structure), the aidant, the structure. */
export type RaisonRefusDemande = 'trop-de-demandes' | 'trop-de-demandes-aidant' | 'trop-de-demandes-structure';
export type CreationDemande = { ok: true; demandeId: string } | { ok: false; raison: RaisonRefusDemande };

/** A reply code none of the number's open requests uses (issue 18, item 1). */
function codeLibre(pris: string[]): string {
  // The limits keep a number's open requests far below the 10,000 codes; this only guards against a loop.
  if (new Set(pris).size >= 10 ** CHIFFRES_CODE_REPONSE) throw new Error('plus aucun code de réponse libre pour ce numéro');
  for (;;) {
    const code = String(randomInt(10 ** CHIFFRES_CODE_REPONSE)).padStart(CHIFFRES_CODE_REPONSE, '0');
    if (!pris.includes(code)) return code;
  }
}

/**
 * Writes the request, then starts its workflow (which reads it). When Temporal refuses the start, the request
 * (nothing sent, nothing journaled yet) is deleted and the error rethrown: nothing half-created remains.
 */
export async function creerDemandeConsentement(db: Db, client: Client, n: NouvelleDemande, opts: OptionsConsentement = {}): Promise<CreationDemande> {
  const demandeId = randomUUID();
  const refus = await db.transaction(async (trx): Promise<RaisonRefusDemande | null> => {
    // Serialises requests of the structure, of the aidant and to the number (in this order), so the limits
    // hold under concurrent submits and two open requests of a number never share a reply code.
    await verrouillerEmetteurs(trx, n.structureId, n.aidantId);
    await verrouillerNumero(trx, n.telephone);
    const depuis = (ms: number) => new Date(Date.now() - ms);
    if (await nombreDemandesDeLAidant(trx, n.aidantId, depuis(FENETRE_DEMANDES_PAR_AIDANT_MS)) >= DEMANDES_PAR_AIDANT_PAR_HEURE) return 'trop-de-demandes-aidant';
    if (await nombreDemandesDeLaStructure(trx, n.structureId, depuis(FENETRE_DEMANDES_PAR_STRUCTURE_MS)) >= DEMANDES_PAR_STRUCTURE_PAR_JOUR) return 'trop-de-demandes-structure';
    if (await nombreDemandesAuNumero(trx, n.telephone, n.structureId, depuis(FENETRE_DEMANDES_PAR_NUMERO_MS)) >= DEMANDES_PAR_NUMERO_PAR_JOUR) return 'trop-de-demandes';
    await insererDemande(trx, { id: demandeId, ...n, codeReponse: codeLibre(await codesOuvertsDuNumero(trx, n.telephone)) });
    return null;
  });
  if (refus) return { ok: false, raison: refus };
  try {
    await demarrerConsentement(client, { demandeId, structureId: n.structureId }, opts);
  } catch (err) {
    await supprimerDemandeNonEnvoyee(db, demandeId);
    throw err;
  }
  return { ok: true, demandeId };
}

/** What the pages show; `statut` adds `mandat-cree` once a mandat uses the consent. */
export type StatutAffiche = 'envoi' | 'echec' | 'attente' | 'consentement' | 'refus' | 'expiree' | 'annulee' | 'mandat-cree';

const AFFICHAGE: Record<StatutDemandeConsentement, StatutAffiche> = {
  sending: 'envoi',
  failed: 'echec',
  awaiting: 'attente',
  consented: 'consentement',
  refused: 'refus',
  expired: 'expiree',
  cancelled: 'annulee',
};

export interface EtatDemande {
  id: string;
  aidantId: number;
  structureId: number;
  telephone: string;
  demarches: Demarche[];
  duree: DureeMandat;
  langue: string | null;
  statut: StatutAffiche;
  etapeEnEchec: EtapeSms | null;
  envoyeeLe: Date | null;
  echeance: Date | null;
  reponduLe: Date | null;
  creeeLe: Date;
  mandat: { id: number; usagerId: number } | null;
}

/** The request, when it belongs to the structure; null otherwise (or for an id that is not one). */
export async function etatDemande(db: Db, structureId: number, demandeId: unknown): Promise<EtatDemande | null> {
  if (!estIdDemande(demandeId)) return null;
  const d = await trouverDemande(db, structureId, demandeId);
  if (!d) return null;
  const mandat = await mandatDeLaDemande(db, d.id);
  return {
    id: d.id,
    aidantId: d.aidant_id,
    structureId: d.structure_id,
    telephone: d.phone,
    demarches: d.demarches,
    duree: d.duree_keyword,
    langue: d.langue ?? null,
    statut: mandat ? 'mandat-cree' : AFFICHAGE[d.status as StatutDemandeConsentement],
    etapeEnEchec: d.failed_step,
    envoyeeLe: d.consent_sent_at,
    echeance: d.answer_deadline,
    reponduLe: d.answered_at,
    creeeLe: d.created_at,
    mandat: mandat ? { id: mandat.id, usagerId: mandat.usager_id } : null,
  };
}

/** The aidant retries a failed SMS; only a failed request of the structure can be retried. */
export async function relancerDemande(db: Db, client: Client, structureId: number, demandeId: unknown): Promise<'relancee' | 'introuvable' | 'sans-objet'> {
  const etat = await etatDemande(db, structureId, demandeId);
  if (!etat) return 'introuvable';
  if (etat.statut !== 'echec') return 'sans-objet';
  return (await signalerRelance(client, etat.id)) ? 'relancee' : 'sans-objet';
}

/**
 * « Annuler la demande » on the waiting page (issue 18): a request of the structure still without an answer
 * becomes `cancelled`, journaled (`remote_consent_cancelled`), then its workflow is told and stops sending and
 * waiting. The status is the truth: should the signal not arrive, a later « Oui » still finds the request
 * cancelled and is journaled as ignored (activities/consentement.ts traiterReponseSms).
 */
export async function annulerDemande(db: Db, client: () => Promise<Client>, structureId: number, aidantId: number, demandeId: unknown): Promise<'annulee' | 'introuvable' | 'sans-objet'> {
  if (!estIdDemande(demandeId)) return 'introuvable';
  const issue = await db.transaction((trx) => annulerDemandeDeLaStructure(trx, demandeId, structureId, aidantId));
  if (issue === 'annulee') {
    try {
      await signalerAnnulation(await client(), demandeId);
    } catch (err) {
      logger.warn({ err, demandeId }, 'annulation non signalée au workflow : la demande annulée ignorera toute réponse');
    }
  }
  return issue;
}
