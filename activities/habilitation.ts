// Activities of the habilitation and training workflows. Every one is idempotent: database rows are keyed by
// unique constraints or written under a row lock after checking what is already done, and every email goes
// through the outbox keyed by request + step, so a retried attempt never writes or sends twice.
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import type { ActivityDeps } from './deps.ts';
import { sendEmailOnce } from './outbox.ts';
import { courriels, type Courriel } from '../db/courriels/habilitation.ts';
import { ajouterEvenement, equipeAidantsConnect, rattachementEnAttente, referentsDeStructure, structureConnue } from '../db/queries/habilitation.ts';
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
    const d = await db('demandes_habilitation')
      .join('demandeurs', 'demandeurs.id', 'demandes_habilitation.demandeur_id')
      .where('demandes_habilitation.id', id)
      .first('demandes_habilitation.*', 'demandeurs.email as demandeur_email', 'demandeurs.first_name as demandeur_prenom');
    if (!d) throw ApplicationFailure.nonRetryable(`demande ${id} introuvable`, 'DemandeIntrouvable');
    return d;
  }

  async function demandeAidant(trx: Db | Knex.Transaction, id: number) {
    const a = await trx('demandes_aidant')
      .leftJoin('structures', 'structures.id', 'demandes_aidant.structure_id')
      .where('demandes_aidant.id', id)
      .first('demandes_aidant.*', 'structures.name as structure_name');
    if (!a) throw ApplicationFailure.nonRetryable(`demande d'aidant ${id} introuvable`, 'DemandeAidantIntrouvable');
    return a;
  }

  return {
    /** Submission (first or after changes): status, fingerprint, timeline, acknowledgement to the demandeur. */
    async enregistrerSoumission(p: { demandeId: string; numero: number; empreinte?: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const patch: Record<string, unknown> = { status: 'AC_VALIDATION_PROCESSING', updated_at: trx.fn.now() };
        if (p.empreinte) patch.empreinte_soumise = p.empreinte;
        await trx('demandes_habilitation').where({ id: p.demandeId }).update(patch);
        await trx('demandes_habilitation').where({ id: p.demandeId }).where('nombre_soumissions', '<', p.numero).update({ nombre_soumissions: p.numero });
        await trx('demandes_habilitation').where({ id: p.demandeId }).whereNull('submitted_at').update({ submitted_at: trx.fn.now() });
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
        await trx('demandes_habilitation').where({ id: p.demandeId }).update({ status: p.vers, updated_at: trx.fn.now() });
        if (p.message) {
          await trx('messages_habilitation')
            .insert({ demande_id: p.demandeId, sender: 'staff', author_id: p.auteurId ?? null, content: p.message, idempotency_key: cle })
            .onConflict('idempotency_key').ignore();
        }
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
        const d = await trx('demandes_habilitation').where({ id: p.demandeId }).forUpdate().first();
        if (!d) throw ApplicationFailure.nonRetryable(`demande ${p.demandeId} introuvable`, 'DemandeIntrouvable');
        if (!d.structure_id) {
          const [inserted] = await trx('structures')
            .insert({
              name: d.structure_name, siret: d.siret, type: d.structure_type, address: d.address ?? '', postal_code: d.postal_code ?? '',
              city: d.city ?? '', is_public: d.is_public ?? true, partner_administration: d.partner_administration,
            })
            .onConflict('siret').ignore().returning('id');
          let structureId: number = inserted?.id;
          if (!inserted) {
            // An already habilitated structure (same SIRET): its référent, team and aidants are not handed to
            // whoever filed a request, unless staff decided so explicitly (recorded on the request, journaled).
            const existante = await trx('structures').where({ siret: d.siret }).first('id', 'name');
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
          await trx('structures').where({ id: structureId }).update({ is_active: true });
          await trx('demandes_habilitation').where({ id: d.id }).update({ structure_id: structureId, structure_existante: !inserted, updated_at: trx.fn.now() });
          d.structure_id = structureId;
          d.structure_existante = !inserted;
          await ajouterEvenement(trx, {
            demandeId: d.id, type: 'structure_creee', cle: `habilitation-${d.id}-structure`,
            detail: inserted ? `Structure « ${d.structure_name} » créée` : 'Référent et aidants ajoutés à la structure déjà habilitée, sur décision de l\'équipe',
          });
        }
        const structureId: number = d.structure_id;

        // The référent: can_create_mandats stays false until their own training and Pix (if also aidant).
        await trx('aidants')
          .insert({
            email: d.referent_email, first_name: d.referent_first_name, last_name: d.referent_last_name, profession: d.referent_profession ?? '',
            phone: d.referent_phone, can_create_mandats: false, referent_non_aidant: !d.referent_is_aidant, current_structure_id: structureId,
          })
          .onConflict('email').ignore();
        const referent = await trx('aidants').where({ email: d.referent_email }).first('id', 'current_structure_id');
        if (!referent.current_structure_id) await trx('aidants').where({ id: referent.id }).update({ current_structure_id: structureId });
        await trx('referent_structures').insert({ aidant_id: referent.id, structure_id: structureId }).onConflict(['aidant_id', 'structure_id']).ignore();
        await trx('aidant_structures').insert({ aidant_id: referent.id, structure_id: structureId }).onConflict(['aidant_id', 'structure_id']).ignore();

        if (d.referent_is_aidant) {
          await trx('demandes_aidant')
            .insert({ demande_id: d.id, email: d.referent_email, first_name: d.referent_first_name, last_name: d.referent_last_name, profession: d.referent_profession ?? '', status: 'new' })
            .onConflict(['demande_id', 'email']).ignore();
        }
        await trx('demandes_aidant').where({ demande_id: d.id }).update({ structure_id: structureId });
        // An aidant whose account belongs to another structure waits, like one added later by a référent, for
        // the consent of that structure's référent and then staff's acceptance (waiting list).
        for (const a of await trx('demandes_aidant').where({ demande_id: d.id, status: 'new' })) {
          const ailleurs = await rattachementEnAttente(trx, a);
          if (!ailleurs) continue;
          await trx('demandes_aidant').where({ id: a.id }).update({ status: 'waiting_list' });
          await ajouterEvenement(trx, {
            demandeAidantId: a.id, type: 'liste_attente', cle: `formation-aidant-${a.id}-compte-ailleurs`,
            detail: `Compte existant dans une autre structure (${ailleurs.structures.map((s) => s.name).join(', ')}) : accord de son référent puis de l'équipe nécessaires`,
          });
        }
        const demandesAidant = (await trx('demandes_aidant').where({ demande_id: d.id, status: 'new' }).orderBy('id').pluck('id')) as number[];
        await ajouterEvenement(trx, { demandeId: d.id, type: 'comptes_crees', detail: `Compte du référent créé ; ${nombre(demandesAidant.length, 'aidant', 'aidants')} à former`, cle: `habilitation-${d.id}-comptes` });
        return { structureId, referentId: referent.id as number, demandesAidant };
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
        await trx('demandes_habilitation').where({ id: p.demandeId }).update({ status: 'CLOSED', updated_at: trx.fn.now() });
        await ajouterEvenement(trx, { demandeId: p.demandeId, type: 'cloturee', detail: 'Tous les aidants sont activés ou retirés : demande clôturée', cle: `habilitation-${p.demandeId}-cloture` });
      });
    },

    // ---- Per-aidant training --------------------------------------------------------------------------

    async enregistrerFormationAidant(p: { demandeAidantId: number; date: string; type: 'classic' | 'p2p'; formateurEmail?: string | null }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('demandes_aidant').where({ id: p.demandeAidantId }).whereIn('status', ['new', 'processing', 'processing_p2p']).update({
          formation_date: p.date, formation_type: p.type, trainer_email: p.type === 'p2p' ? p.formateurEmail ?? null : null,
          status: p.type === 'p2p' ? 'processing_p2p' : 'processing',
        });
        const detail = p.type === 'p2p' ? `Formation entre pairs le ${p.date} (formateur : ${p.formateurEmail})` : `Formation suivie le ${p.date}`;
        await ajouterEvenement(trx, { demandeAidantId: p.demandeAidantId, type: 'formation', detail, acteur: 'equipe', cle: `formation-aidant-${p.demandeAidantId}-formation` });
      });
    },

    async enregistrerPixAidant(p: { demandeAidantId: number; date: string; score: number }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('demandes_aidant').where({ id: p.demandeAidantId }).update({ pix_date: p.date, pix_score: p.score });
        await ajouterEvenement(trx, { demandeAidantId: p.demandeAidantId, type: 'pix', detail: `Test Pix réussi le ${p.date} (score ${p.score} %)`, acteur: 'equipe', cle: `formation-aidant-${p.demandeAidantId}-pix` });
      });
    },

    async retirerDemandeAidant(p: { demandeAidantId: number; par: 'referent' | 'equipe' }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('demandes_aidant').where({ id: p.demandeAidantId }).whereNot('status', 'validated')
          .update({ status: p.par === 'referent' ? 'cancelled_by_referent' : 'cancelled' });
        await ajouterEvenement(trx, { demandeAidantId: p.demandeAidantId, type: 'retrait', detail: p.par === 'referent' ? 'Aidant retiré par le référent' : "Aidant retiré par l'équipe", acteur: p.par, cle: `formation-aidant-${p.demandeAidantId}-retrait` });
      });
    },

    /** Activation, exactly once: the account is created (or re-attached) under a lock on the request row. */
    async activerAidant(p: { demandeAidantId: number }): Promise<{ aidantId: number }> {
      const aidantId = await db.transaction(async (trx) => {
        const a = await trx('demandes_aidant').where({ id: p.demandeAidantId }).forUpdate().first();
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
        await trx('aidants')
          .insert({ email: a.email, first_name: a.first_name, last_name: a.last_name, profession: a.profession, current_structure_id: a.structure_id, can_create_mandats: true })
          .onConflict('email').ignore();
        const compte = await trx('aidants').where({ email: a.email }).first('id', 'current_structure_id');
        // An existing account (the référent also aidant, an aidant of another structure) becomes an active aidant.
        await trx('aidants').where({ id: compte.id }).update({
          is_active: true, can_create_mandats: true, referent_non_aidant: false, current_structure_id: compte.current_structure_id ?? a.structure_id,
        });
        await trx('aidant_structures').insert({ aidant_id: compte.id, structure_id: a.structure_id }).onConflict(['aidant_id', 'structure_id']).ignore();
        await trx('demandes_aidant').where({ id: a.id }).update({ status: 'validated', aidant_id: compte.id, activated_at: trx.fn.now() });
        await ajouterEvenement(trx, { demandeAidantId: a.id, type: 'aidant_active', detail: `Compte ${de(`${a.first_name} ${a.last_name}`)} activé`, cle: `formation-aidant-${a.id}-activation` });
        return compte.id as number;
      });
      const a = await demandeAidant(db, p.demandeAidantId);
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
      const a = await demandeAidant(db, p.demandeAidantId);
      await ajouterEvenement(db, { demandeAidantId: a.id, type: 'relance_formation', detail: `Relance n° ${p.numero} au référent : il manque ${p.manque}`, cle: `formation-aidant-${a.id}-relance-${p.numero}` });
      for (const r of await referentsDeStructure(db, a.structure_id)) {
        await envoyer(`formation-aidant-${a.id}-relance-${p.numero}-${r.id}`, r.email,
          courriels.relanceFormation({ prenom: r.first_name, aidant: `${a.first_name} ${a.last_name}`, manque: p.manque, lien: `${base}/espace-referent/habilitation` }));
      }
    },
  };
}

type Db = ActivityDeps['db'];
export type HabilitationActivities = ReturnType<typeof createHabilitationActivities>;
