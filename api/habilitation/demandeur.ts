// What the public habilitation pages read and write: the demandeur's emailed access links, the draft saved at
// each step, its aidants, the submission (status + workflow start in one transaction) and the follow page's
// view. The pages (web/habilitation/demandeur.ts) call these and never query the database themselves; the
// SQL is in db/queries/habilitation.ts.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { cleTentatives, reserveAttempt } from '../auth/rate-limit.ts';
import { courriels } from '../../db/courriels/habilitation.ts';
import { VALIDITE_LIEN_DEMANDEUR_MS } from '../../db/domain/habilitation.ts';
import { empreinteJeton } from '../../db/domain/jetons.ts';
import type { StatutDemandeStructure } from '../../db/domain/statuts.ts';
import {
  aidantsDeLaDemande, ajouterEvenement, consommerJetonDemandeur, etatJetonDemandeur, evenementsDemande, insererJetonDemandeur, marquerDemandeSoumise, messagesDeLaDemande,
  statutDemandeVerrouille, type AidantDeDemande, type EvenementHabilitation, type MessageHabilitation,
} from '../../db/queries/habilitation.ts';
import { demarrerHabilitation, lireEtatHabilitation, resoumettreHabilitation } from '../../db/temporal/processes/habilitation.ts';
import type { EtatHabilitation } from '../../workflows/habilitation.ts';


export {
  aidantsDeLaDemande, ajouterAidantALaDemande, autreDemandeOuverte, commencerDemande, demandeParId, demandeurDeLaDemande, enregistrerEtape, messagesDeLaDemande,
  retirerAidantDeLaDemande, type AidantDeDemande, type DemandeChargee, type MessageHabilitation,
} from '../../db/queries/habilitation.ts';

export interface LienDemandeurDeps {
  db: Db;
  publicUrl: string;
}

/**
 * Emails the demandeur a link (3 days, single use) that opens the request in their browser. The email goes to
 * the outbox (the worker sends it); the token rests sealed there until sent (activities/outbox.ts).
 */
export async function envoyerLienDemandeur(
  deps: LienDemandeurDeps,
  p: { demandeurId: number; demandeId: string; email: string; prenom: string; type: 'confirmation' | 'acces' },
): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + VALIDITE_LIEN_DEMANDEUR_MS);
  await deps.db.transaction(async (trx) => {
    const jetonId = await insererJetonDemandeur(trx, { demandeurId: p.demandeurId, demandeId: p.demandeId, tokenHash: empreinteJeton(token), expiresAt });
    const lien = `${deps.publicUrl.replace(/\/$/, '')}/habilitation/confirmer/{{jeton}}`;
    const c = p.type === 'confirmation' ? courriels.confirmationEmail({ prenom: p.prenom, lien }) : courriels.accesDemande({ prenom: p.prenom, lien });
    await enqueueEmail(trx, { idempotencyKey: `demandeur-lien-${jetonId}`, to: p.email, subject: c.subject, text: c.text, secrets: { jeton: token }, expiresAt });
  });
}

/**
 * Official emails sent on a visitor's request (with the visitor's text in the greeting): at most a few per
 * recipient and per connection each hour (db/domain/authentification.ts, LIMITES_TENTATIVES). False: refuse.
 */
export async function envoiLienPermis(db: Db, email: string, ip: string | undefined): Promise<boolean> {
  const attempt = await reserveAttempt(db, [
    { cle: cleTentatives('destinataire', email), type: 'destinataire' },
    { cle: cleTentatives('envoi-ip', ip ?? 'inconnue'), type: 'envoi-ip' },
  ]);
  return attempt.waitMs === 0;
}

export type EtatLien = { kind: 'inconnu'; demandeId?: string } | { kind: 'expire'; demandeId: string } | { kind: 'valable'; demandeId: string };

/** Whether an emailed link can still be used: the GET shows a button, it does not use the link. */
export async function etatLienDemandeur(db: Db, token: string): Promise<EtatLien> {
  const { etat, demandeId } = await etatJetonDemandeur(db, token);
  if (etat === 'inconnu') return { kind: 'inconnu', demandeId };
  return { kind: etat, demandeId: demandeId! };
}

export type LienUtilise =
  | { kind: 'inconnu'; demandeId?: string }
  | { kind: 'expire'; demandeId: string }
  | { kind: 'ok'; demandeId: string; status: StatutDemandeStructure };

/**
 * Uses an emailed link once (the POST of its page), atomically: two clicks, or a mail scanner racing the
 * person, one wins. Confirms the demandeur's address the first time.
 */
export async function utiliserLienDemandeur(db: Db, token: string): Promise<LienUtilise> {
  const utilise = await consommerJetonDemandeur(db, token);
  if (utilise) return { kind: 'ok', demandeId: utilise.demandeId, status: utilise.statut as StatutDemandeStructure };
  const etat = await etatLienDemandeur(db, token);
  return etat.kind === 'expire' ? etat : { kind: 'inconnu', demandeId: etat.demandeId };
}

export interface VueSuiviDemande {
  aidants: AidantDeDemande[];
  evenements: EvenementHabilitation[];
  messages: MessageHabilitation[];
  etat: EtatHabilitation | null;
}

/** What the follow page shows: aidants, timeline, messages and what the workflow says comes next. */
export async function vueSuiviDemande(db: Db, temporal: () => Promise<Client>, d: { id: string; status: StatutDemandeStructure }): Promise<VueSuiviDemande> {
  const [aidants, evenements, messages, etat] = await Promise.all([
    aidantsDeLaDemande(db, d.id),
    evenementsDemande(db, d.id),
    messagesDeLaDemande(db, d.id),
    d.status === 'NEW' ? null : temporal().then((c) => lireEtatHabilitation(c, d.id)).catch(() => null),
  ]);
  return { aidants, evenements, messages, etat };
}

/** First submission: the status, its timeline event and the workflow start commit together (a failed start rolls
 * back). False when already sent. */
export async function envoyerDemande(db: Db, temporal: () => Promise<Client>, demandeId: string, certifications: Record<string, boolean>, empreinte: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    if ((await statutDemandeVerrouille(trx, demandeId)) !== 'NEW') return false;
    await marquerDemandeSoumise(trx, demandeId, certifications, empreinte);
    // On the follow page at once (the workflow's first activity writes the same event later, under the same key).
    await ajouterEvenement(trx, { demandeId, type: 'soumise', detail: 'Demande soumise', acteur: 'demandeur', cle: `habilitation-${demandeId}-soumission-1` });
    await demarrerHabilitation(await temporal(), demandeId, empreinte);
    return true;
  });
}

/** A refused workflow update (its validator said no, or the workflow is closed): the page shows its French message. */
export { RefusProcessus } from '../../db/temporal/processes/habilitation.ts';

/** Resubmission after « demander des modifications »: an update of the running workflow (RefusProcessus when refused). */
export async function resoumettreDemande(temporal: () => Promise<Client>, demandeId: string, empreinte: string): Promise<void> {
  await resoumettreHabilitation(await temporal(), demandeId, empreinte);
}
