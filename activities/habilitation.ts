// Activities of the habilitation and training workflows. Every one is idempotent: database rows are keyed by
// unique constraints or written under a row lock after checking what is already done, and every email goes
// through the outbox keyed by request + step, so a retried attempt never writes or sends twice. The SQL:
// db/queries/habilitation.ts.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from './deps.ts';
import { sendEmailOnce } from './outbox.ts';
import { courriels, type Courriel } from '../db/courriels/habilitation.ts';
import {
  activerCompteAidant, ajouterEvenement, ajouterMessageEquipe, ajouterReferentCommeAidant, changerStatutDemande, creerCompteReferent, demandeAidantEtStructure,
  demandeAidantVerrouillee, demandeEtDemandeur, demandeVerrouillee, enregistrerFormationEnBase, enregistrerPixEnBase, enregistrerSoumissionEnBase, enregistrerStatutDecision, equipeAidantsConnect,
  idsNouveauxAidants, insererStructureDeLaDemande, lierDemandeAStructure, mettreEnListeAttente, nouveauxAidantsDeLaDemande, rattachementEnAttente,
  rattacherAidantsALaStructure, referentsDeStructure, retirerDemandeAidantEnBase, structureConnue, structureDuSiret,
} from '../db/queries/habilitation.ts';
import { journaliser } from '../db/queries/journal.ts';
import type { ActionDemande } from '../db/domain/habilitation.ts';
import { de, nombre } from '../db/domain/francais.ts';
import type { StatutDemandeStructure } from '../db/domain/statuts.ts';

export interface ResultatCreation {
  structureId: number;
  referentId: number;
  demandesAidant: number[];
}

const TEXTE_ACTION: Record<ActionDemande, string> = {
  soumettre: 'Demande soumise',
  resoumettre: 'Demande soumise à nouveau',
  valider: "Demande validée par l'équipe Aidants Connect",
  refuser: "Demande refusée par l'équipe Aidants Connect",
  demander_modifications: "Modifications demandées par l'équipe Aidants Connect",
};

export function createHabilitationActivities(deps: ActivityDeps) {
  const { db } = deps;
  const base = (deps.publicUrl ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const lienSuivi = (id: string) => `${base}/habilitation/demande/${id}`;
  const envoyer = (cle: string, to: string | null | undefined, c: Courriel) =>
    to ? sendEmailOnce(db, deps.mailer, { idempotencyKey: cle, to, subject: c.subject, text: c.text }) : Promise.resolve(null);

  async function demandeAvecDemandeur(id: string) {
    const d = await demandeEtDemandeur(db, id);
    if (!d) throw ApplicationFailure.nonRetryable(`demande ${id} introuvable`, 'DemandeIntrouvable');
    return d;
  }

  async function demandeAidant(id: number) {
    const a = await demandeAidantEtStructure(db, id);
    if (!a) throw ApplicationFailure.nonRetryable(`demande d'aidant ${id} introuvable`, 'DemandeAidantIntrouvable');
    return a;
  }

  return {
    /** Submission (first or after changes): status, fingerprint, timeline, acknowledgement to the demandeur. */
    async enregistrerSoumission(p: { demandeId: string; numero: number; empreinte?: string }): Promise<void> {
      await db.transaction(async (trx) => {
        await enregistrerSoumissionEnBase(trx, p);
        await ajouterEvenement(trx, {
          demandeId: p.demandeId, type: p.numero > 1 ? 'resoumise' : 'soumise', acteur: 'demandeur',
          detail: p.numero > 1 ? 'Demande modifiée et soumise à nouveau' : 'Demande soumise',
          cle: `habilitation-${p.demandeId}-soumission-${p.numero}`,
        });
      });
      const d = await demandeAvecDemandeur(p.demandeId);
      await envoyer(`habilitation-${p.demandeId}-soumise-${p.numero}`, d.demandeur_email,
        courriels.soumise({ prenom: d.demandeur_prenom, structure: d.structure_name ?? '', lien: lienSuivi(p.demandeId), nouvelle: p.numero > 1 }));
      // A request for a structure already habilitated: its référents hear of it at once (someone may be
      // trying to take it over); staff see it flagged and decide explicitly.
      const existante = await structureConnue(db, d.siret);
      for (const r of existante?.referents ?? []) {
        await envoyer(`habilitation-${p.demandeId}-alerte-referent-${p.numero}-${r.id}`, r.email, courriels.demandeSurStructureExistante({
          prenom: r.first_name, structure: existante!.name, demandeur: `${d.demandeur_prenom} (${d.demandeur_email})`,
          referent: `${d.referent_first_name ?? ''} ${d.referent_last_name ?? ''} (${d.referent_email ?? ''})`.trim(),
        }));
      }
    },

    /** A staff decision: the new status, the message in the thread, the timeline and the emails of the step. */
    async enregistrerDecision(p: { demandeId: string; action: ActionDemande; vers: StatutDemandeStructure; numero: number; message?: string; auteurId?: number }): Promise<void> {
      const cle = `habilitation-${p.demandeId}-decision-${p.numero}`;
      await db.transaction(async (trx) => {
        await enregistrerStatutDecision(trx, { demandeId: p.demandeId, numero: p.numero, vers: p.vers, cle });
        if (p.message) await ajouterMessageEquipe(trx, { demandeId: p.demandeId, auteurId: p.auteurId ?? null, contenu: p.message, cle });
        await ajouterEvenement(trx, { demandeId: p.demandeId, type: p.action, detail: TEXTE_ACTION[p.action], acteur: 'equipe', cle });
      });
      const d = await demandeAvecDemandeur(p.demandeId);
      const structure = d.structure_name ?? '';
      if (p.action === 'demander_modifications') {
        await envoyer(`${cle}-modifications`, d.demandeur_email,
          courriels.modificationsDemandees({ prenom: d.demandeur_prenom, structure, message: p.message ?? '', lien: lienSuivi(p.demandeId) }));
      } else if (p.action === 'refuser') {
        const motif = p.message ?? '';
        await envoyer(`habilitation-${p.demandeId}-refusee-demandeur`, d.demandeur_email, courriels.refusee({ prenom: d.demandeur_prenom, structure, motif }));
        if (d.referent_email && d.referent_email !== d.demandeur_email) {
          await envoyer(`habilitation-${p.demandeId}-refusee-referent`, d.referent_email, courriels.refusee({ prenom: d.referent_first_name ?? '', structure, motif }));
        }
      }
    },

    /**
     * Validation: the structure, the référent account and one per-aidant request each — exactly once. The
     * request row is locked and `structure_id` on it says the work is done, so a retried attempt (a worker
     * killed after the commit) returns the first result; unique keys (SIRET, email) catch the rest.
     */
    async creerStructureEtComptes(p: { demandeId: string }): Promise<ResultatCreation> {
      return db.transaction(async (trx) => {
        const d = await demandeVerrouillee(trx, p.demandeId);
        if (!d) throw ApplicationFailure.nonRetryable(`demande ${p.demandeId} introuvable`, 'DemandeIntrouvable');
        if (!d.structure_id) {
          const inserted = await insererStructureDeLaDemande(trx, d);
          let structureId = inserted?.id as number;
          if (!inserted) {
            // An already habilitated structure (same SIRET): its référent, team and aidants are not handed to
            // whoever filed a request, unless staff decided so explicitly (recorded on the request, journaled).
            const existante = await structureDuSiret(trx, d.siret);
            if (!d.rattachement_autorise_par) {
              throw ApplicationFailure.nonRetryable(
                `Le SIRET ${d.siret} est déjà celui de « ${existante.name} » : personne n'y est ajouté sans décision explicite de l'équipe.`,
                'RattachementNonAutorise',
              );
            }
            structureId = existante.id;
            await journaliser(trx, {
              action: 'referent_attachment', aidant_id: d.rattachement_autorise_par, structure_id: structureId,
              additional_information: `référent ${d.referent_email} ajouté à la structure existante « ${existante.name} » (SIRET ${d.siret}) avec les aidants de la demande ${d.id}, sur décision de l'équipe`,
              idempotency_key: `habilitation-${d.id}-rattachement`,
            });
          }
          await lierDemandeAStructure(trx, d.id, structureId, !inserted);
          d.structure_id = structureId;
          d.structure_existante = !inserted;
          await ajouterEvenement(trx, {
            demandeId: d.id, type: 'structure_creee', cle: `habilitation-${d.id}-structure`,
            detail: inserted ? `Structure « ${d.structure_name} » créée` : 'Référent et aidants ajoutés à la structure déjà habilitée, sur décision de l\'équipe',
          });
        }
        const structureId: number = d.structure_id;

        // The référent: can_create_mandats stays false until their own training and Pix (if also aidant).
        const referentId = await creerCompteReferent(trx, d, structureId);

        if (d.referent_is_aidant) {
          await ajouterReferentCommeAidant(trx, d);
        }
        await rattacherAidantsALaStructure(trx, d.id, structureId);
        // An aidant whose account belongs to another structure waits, like one added later by a référent, for
        // the consent of that structure's référent and then staff's acceptance (waiting list).
        for (const a of await nouveauxAidantsDeLaDemande(trx, d.id)) {
          const ailleurs = await rattachementEnAttente(trx, a);
          if (!ailleurs) continue;
          await mettreEnListeAttente(trx, a.id);
          await ajouterEvenement(trx, {
            demandeAidantId: a.id, type: 'liste_attente', cle: `formation-aidant-${a.id}-compte-ailleurs`,
            detail: `Compte existant dans une autre structure (${ailleurs.structures.map((s) => s.name).join(', ')}) : accord de son référent puis de l'équipe nécessaires`,
          });
        }
        const demandesAidant = await idsNouveauxAidants(trx, d.id);
        await ajouterEvenement(trx, { demandeId: d.id, type: 'comptes_crees', detail: `Compte du référent créé ; ${nombre(demandesAidant.length, 'aidant', 'aidants')} à former`, cle: `habilitation-${d.id}-comptes` });
        return { structureId, referentId, demandesAidant };
      });
    },

    async notifierValidation(p: { demandeId: string }): Promise<void> {
      const d = await demandeAvecDemandeur(p.demandeId);
      const structure = d.structure_name ?? '';
      if (d.structure_existante && d.structure_id) {
        // The référents who were there before are told who joined their structure.
        for (const r of await referentsDeStructure(db, d.structure_id)) {
          if (r.email.toLowerCase() === String(d.referent_email).toLowerCase()) continue;
          await envoyer(`habilitation-${p.demandeId}-referent-ajoute-${r.id}`, r.email, courriels.referentAjoute({
            prenom: r.first_name, structure, referent: `${d.referent_first_name ?? ''} ${d.referent_last_name ?? ''} (${d.referent_email})`,
          }));
        }
      }
      await envoyer(`habilitation-${p.demandeId}-valide-demandeur`, d.demandeur_email, courriels.valideeDemandeur({ prenom: d.demandeur_prenom, structure, lien: lienSuivi(p.demandeId) }));
      await envoyer(`habilitation-${p.demandeId}-valide-referent`, d.referent_email, courriels.valideeReferent({ prenom: d.referent_first_name ?? '', structure, lien: `${base}/premiere-connexion` }));
    },

    async relancerEquipe(p: { demandeId: string; numero: number }): Promise<void> {
      const d = await demandeAvecDemandeur(p.demandeId);
      await ajouterEvenement(db, { demandeId: p.demandeId, type: 'relance_equipe', detail: `Relance n° ${p.numero} envoyée à l'équipe`, cle: `habilitation-${p.demandeId}-relance-equipe-${p.numero}` });
      const depuis = new Date(d.submitted_at ?? d.updated_at).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
      for (const membre of await equipeAidantsConnect(db)) {
        await envoyer(`habilitation-${p.demandeId}-relance-equipe-${p.numero}-${membre.id}`, membre.email,
          courriels.relanceEquipe({ structure: d.structure_name ?? '', depuis, lien: `${base}/staff/habilitations/${p.demandeId}` }));
      }
    },

    async cloreDemande(p: { demandeId: string }): Promise<void> {
      await db.transaction(async (trx) => {
        await changerStatutDemande(trx, p.demandeId, 'CLOSED');
        await ajouterEvenement(trx, { demandeId: p.demandeId, type: 'cloturee', detail: 'Tous les aidants sont activés ou retirés : demande clôturée', cle: `habilitation-${p.demandeId}-cloture` });
      });
    },

    // ---- Per-aidant training --------------------------------------------------------------------------

    async enregistrerFormationAidant(p: { demandeAidantId: number; date: string; type: 'classic' | 'p2p'; formateurEmail?: string | null }): Promise<void> {
      await db.transaction(async (trx) => {
        await enregistrerFormationEnBase(trx, p);
        const detail = p.type === 'p2p' ? `Formation entre pairs le ${p.date} (formateur : ${p.formateurEmail})` : `Formation suivie le ${p.date}`;
        await ajouterEvenement(trx, { demandeAidantId: p.demandeAidantId, type: 'formation', detail, acteur: 'equipe', cle: `formation-aidant-${p.demandeAidantId}-formation` });
      });
    },

    async enregistrerPixAidant(p: { demandeAidantId: number; date: string; score: number }): Promise<void> {
      await db.transaction(async (trx) => {
        await enregistrerPixEnBase(trx, p);
        await ajouterEvenement(trx, { demandeAidantId: p.demandeAidantId, type: 'pix', detail: `Test Pix réussi le ${p.date} (score ${p.score} %)`, acteur: 'equipe', cle: `formation-aidant-${p.demandeAidantId}-pix` });
      });
    },

    async retirerDemandeAidant(p: { demandeAidantId: number; par: 'referent' | 'equipe' }): Promise<void> {
      await db.transaction(async (trx) => {
        await retirerDemandeAidantEnBase(trx, p.demandeAidantId, p.par);
        await ajouterEvenement(trx, { demandeAidantId: p.demandeAidantId, type: 'retrait', detail: p.par === 'referent' ? 'Aidant retiré par le référent' : "Aidant retiré par l'équipe", acteur: p.par, cle: `formation-aidant-${p.demandeAidantId}-retrait` });
      });
    },

    /** Activation, exactly once: the account is created (or re-attached) under a lock on the request row. */
    async activerAidant(p: { demandeAidantId: number }): Promise<{ aidantId: number }> {
      const aidantId = await db.transaction(async (trx) => {
        const a = await demandeAidantVerrouillee(trx, p.demandeAidantId);
        if (!a) throw ApplicationFailure.nonRetryable(`demande d'aidant ${p.demandeAidantId} introuvable`, 'DemandeAidantIntrouvable');
        if (a.status === 'validated' && a.aidant_id) return a.aidant_id as number;
        // Defence in depth (the waiting list and the validation already hold such requests back): another
        // structure's aidant is never attached without its référent's consent. Retried until it is given.
        const ailleurs = await rattachementEnAttente(trx, a);
        if (ailleurs) {
          throw ApplicationFailure.retryable(
            `Le compte ${a.email} appartient à une autre structure (${ailleurs.structures.map((s) => s.name).join(', ')}) : activation en attente de l'accord de son référent.`,
            'AccordRattachementAttendu',
          );
        }
        const compteId = await activerCompteAidant(trx, a);
        await ajouterEvenement(trx, { demandeAidantId: a.id, type: 'aidant_active', detail: `Compte ${de(`${a.first_name} ${a.last_name}`)} activé`, cle: `formation-aidant-${a.id}-activation` });
        return compteId;
      });
      const a = await demandeAidant(p.demandeAidantId);
      const nom = `${a.first_name} ${a.last_name}`;
      await envoyer(`formation-aidant-${a.id}-active-aidant`, a.email, courriels.aidantActiveAidant({ prenom: a.first_name, structure: a.structure_name ?? '', lien: `${base}/connexion` }));
      for (const r of await referentsDeStructure(db, a.structure_id)) {
        if (r.id === aidantId) continue;
        await envoyer(`formation-aidant-${a.id}-active-referent-${r.id}`, r.email,
          courriels.aidantActiveReferent({ prenom: r.first_name, aidant: nom, structure: a.structure_name ?? '', lien: `${base}/espace-referent/aidants/${aidantId}` }));
      }
      return { aidantId };
    },

    async relancerFormation(p: { demandeAidantId: number; numero: number; manque: string }): Promise<void> {
      const a = await demandeAidant(p.demandeAidantId);
      await ajouterEvenement(db, { demandeAidantId: a.id, type: 'relance_formation', detail: `Relance n° ${p.numero} au référent : il manque ${p.manque}`, cle: `formation-aidant-${a.id}-relance-${p.numero}` });
      for (const r of await referentsDeStructure(db, a.structure_id)) {
        await envoyer(`formation-aidant-${a.id}-relance-${p.numero}-${r.id}`, r.email,
          courriels.relanceFormation({ prenom: r.first_name, aidant: `${a.first_name} ${a.last_name}`, manque: p.manque, lien: `${base}/espace-referent/habilitation` }));
      }
    },
  };
}

export type HabilitationActivities = ReturnType<typeof createHabilitationActivities>;
