// What the public habilitation pages read and write: the demandeur's emailed access links, the draft saved at
// each step, its aidants, the submission (status + workflow start in one transaction) and the follow page's
// view. The pages (web/habilitation/demandeur.ts) call these and never query the database themselves.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { cleTentatives, reserveAttempt } from '../auth/rate-limit.ts';
import { courriels } from '../../db/courriels/habilitation.ts';
import { VALIDITE_LIEN_DEMANDEUR_MS } from '../../db/domain/habilitation.ts';
import { empreinteJeton } from '../../db/domain/jetons.ts';
import type { AidantDemande as NouvelAidant } from '../../db/domain/demande-habilitation.ts';
import type { StatutDemandeAidant, StatutDemandeStructure } from '../../db/domain/statuts.ts';
import { ajouterEvenement, consommerJetonDemandeur, etatJetonDemandeur, evenementsDemande, type EvenementHabilitation } from '../../db/queries/habilitation.ts';
import { demarrerHabilitation, lireEtatHabilitation, resoumettreHabilitation } from '../../db/temporal/processes/habilitation.ts';
import type { EtatHabilitation } from '../../workflows/habilitation.ts';


/** A request as the pages load it (every column of demandes_habilitation). */
export interface DemandeChargee {
  id: string;
  status: StatutDemandeStructure;
  demandeur_id: number;
  etape: number;
  [k: string]: unknown;
}

export interface AidantDeDemande {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  profession: string;
  status: StatutDemandeAidant;
}

export interface MessageHabilitation {
  sender: string;
  content: string;
  created_at: Date;
}

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
    const [row] = await trx('jetons_demandeur')
      .insert({ demandeur_id: p.demandeurId, demande_id: p.demandeId, token_hash: empreinteJeton(token), expires_at: expiresAt })
      .returning('id');
    const lien = `${deps.publicUrl.replace(/\/$/, '')}/habilitation/confirmer/{{jeton}}`;
    const c = p.type === 'confirmation' ? courriels.confirmationEmail({ prenom: p.prenom, lien }) : courriels.accesDemande({ prenom: p.prenom, lien });
    await enqueueEmail(trx, { idempotencyKey: `demandeur-lien-${row.id}`, to: p.email, subject: c.subject, text: c.text, secrets: { jeton: token }, expiresAt });
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

export async function demandeParId(db: Db, id: string): Promise<DemandeChargee | null> {
  return (await db('demandes_habilitation').where({ id }).first()) ?? null;
}

/** A new draft for this demandeur (created or found by email); someone else's address never renames its confirmed owner. */
export async function commencerDemande(db: Db, valeurs: { email: string; first_name: string; last_name: string; profession: string }): Promise<{ demandeurId: number; demandeId: string }> {
  return db.transaction(async (trx) => {
    await trx('demandeurs').insert(valeurs).onConflict('email').ignore();
    const demandeur = await trx('demandeurs').where({ email: valeurs.email }).forUpdate().first();
    if (!demandeur.email_confirmed_at) await trx('demandeurs').where({ id: demandeur.id }).update({ first_name: valeurs.first_name, last_name: valeurs.last_name, profession: valeurs.profession });
    const [demande] = await trx('demandes_habilitation').insert({ demandeur_id: demandeur.id }).returning('id');
    await ajouterEvenement(trx, { demandeId: demande.id, type: 'brouillon', detail: 'Demande commencée', acteur: 'demandeur' });
    return { demandeurId: demandeur.id as number, demandeId: demande.id as string };
  });
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

export async function demandeurDeLaDemande(db: Db, demandeId: string): Promise<{ demandeur_id: number; email: string; first_name: string } | null> {
  return (await db('demandes_habilitation').join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id')
    .where({ 'demandes_habilitation.id': demandeId }).first('demandeurs.id as demandeur_id', 'demandeurs.email', 'demandeurs.first_name')) ?? null;
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

export async function messagesDeLaDemande(db: Db, demandeId: string): Promise<MessageHabilitation[]> {
  return db('messages_habilitation').where({ demande_id: demandeId }).orderBy('created_at');
}

export async function aidantsDeLaDemande(db: Db, demandeId: string): Promise<AidantDeDemande[]> {
  return db('demandes_aidant').where({ demande_id: demandeId }).orderBy('id');
}

/** Saves one step of the draft; `etape` only grows. */
export async function enregistrerEtape(db: Db, demandeId: string, etape: number, valeurs: Record<string, unknown>): Promise<void> {
  await db('demandes_habilitation').where({ id: demandeId }).update({ ...valeurs, etape: db.raw('greatest(etape, ?)', [etape]), updated_at: db.fn.now() });
}

/** Another open request for this SIRET (one open request per structure). */
export async function autreDemandeOuverte(db: Db, siret: string, saufDemandeId: string): Promise<boolean> {
  const autre = await db('demandes_habilitation').where({ siret }).whereNot({ id: saufDemandeId })
    .whereIn('status', ['NEW', 'AC_VALIDATION_PROCESSING', 'CHANGES_REQUIRED']).first('id');
  return Boolean(autre);
}

export async function ajouterAidantALaDemande(db: Db, demandeId: string, valeurs: NouvelAidant): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('demandes_aidant').insert({ demande_id: demandeId, ...valeurs, status: 'new' }).onConflict(['demande_id', 'email']).ignore();
    await trx('demandes_habilitation').where({ id: demandeId }).update({ etape: trx.raw('greatest(etape, 3)'), updated_at: trx.fn.now() });
  });
}

export async function retirerAidantDeLaDemande(db: Db, demandeId: string, demandeAidantId: number): Promise<void> {
  await db('demandes_aidant').where({ demande_id: demandeId, id: demandeAidantId }).delete();
}

/** First submission: the status, its timeline event and the workflow start commit together (a failed start rolls
 * back). False when already sent. */
export async function envoyerDemande(db: Db, temporal: () => Promise<Client>, demandeId: string, certifications: Record<string, boolean>, empreinte: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const ligne = await trx('demandes_habilitation').where({ id: demandeId }).forUpdate().first('status');
    if (ligne.status !== 'NEW') return false;
    await trx('demandes_habilitation').where({ id: demandeId }).update({
      ...certifications, status: 'AC_VALIDATION_PROCESSING', submitted_at: trx.fn.now(), empreinte_soumise: empreinte, nombre_soumissions: 1, updated_at: trx.fn.now(),
    });
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
