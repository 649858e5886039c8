// The training of one aidant, workflow id `formation-aidant-<demande_aidant id>`: waits for the training
// (classic session or peer training) and the Pix test, in any order, each recorded by staff as an update
// with a validator; reminds the référents when the aidant is still not trained after a delay; then
// activates the account, emails the aidant and the référents, and hands the aidant to the inactivity watch.
// The rules (Pix threshold, peer-trainer minimum, delays) arrive as inputs from db/domain/habilitation.ts.
import {
  allHandlersFinished, condition, defineQuery, defineUpdate, ParentClosePolicy, proxyActivities, setHandler, startChild, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { ReglesFormation, TypeFormation, Formateur } from '../db/domain/habilitation.ts';
import { inactiviteAidant } from './inactivite.ts';
import { AIDANT_ID, HABILITATION_STATUT } from './search-attributes.ts';

export interface EntreeFormation {
  demandeAidantId: number;
  structureId: number;
  /** The structure request it belongs to (absent for an aidant added later by a référent). */
  demandeId?: string | null;
  regles: ReglesFormation;
  /** Durations of the inactivity watch started at activation (its defaults when absent). */
  inactivite?: { avertissementMs?: number; desactivationMs?: number };
  /** false: do not start the inactivity watch (tests of this workflow alone). */
  surveillerInactivite?: boolean;
}

export interface Formation {
  date: string;
  type: TypeFormation;
  formateurEmail?: string | null;
  /** Facts read from the database by the caller; the validator applies the rule to them. */
  formateur?: Formateur | null;
}

export interface Pix {
  date: string;
  score: number;
}

export type StatutFormation = 'en_formation' | 'active' | 'retire';

export interface EtatFormation {
  demandeAidantId: number;
  statut: StatutFormation;
  formation: Formation | null;
  pix: Pix | null;
  relances: number;
  prochaineRelanceMs: number | null;
  aidantId: number | null;
}

export interface IssueFormation {
  issue: 'active' | 'retire';
  aidantId: number | null;
}

export const enregistrerFormation = defineUpdate<EtatFormation, [Formation]>('enregistrerFormation');
export const enregistrerPix = defineUpdate<EtatFormation, [Pix]>('enregistrerPix');
export const retirerAidant = defineUpdate<EtatFormation, [{ par: 'referent' | 'equipe' }]>('retirerAidant');
export const etatFormation = defineQuery<EtatFormation>('etatFormation');

export const idFormationAidant = (demandeAidantId: number) => `formation-aidant-${demandeAidantId}`;

const acts = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' } });

const DATE_ISO = /^\d{4}-\d{2}-\d{2}$/;

function verifierEnFormation(etat: EtatFormation): void {
  if (etat.statut === 'active') throw new Error("L'aidant est déjà activé : rien n'a été enregistré.");
  if (etat.statut === 'retire') throw new Error("L'aidant a été retiré de la demande : rien n'a été enregistré.");
}

export async function formationAidant(entree: EntreeFormation): Promise<IssueFormation> {
  const { regles } = entree;
  const etat: EtatFormation = {
    demandeAidantId: entree.demandeAidantId, statut: 'en_formation', formation: null, pix: null, relances: 0, prochaineRelanceMs: null, aidantId: null,
  };
  let enCours = 0;
  const statutVisible = (s: string) => upsertSearchAttributes([{ key: HABILITATION_STATUT, value: s }]);
  statutVisible('FORMATION');

  setHandler(etatFormation, () => etat);

  setHandler(
    enregistrerFormation,
    async (f) => {
      etat.formation = { date: f.date, type: f.type, formateurEmail: f.type === 'p2p' ? f.formateurEmail ?? null : null };
      enCours++;
      try {
        await acts.enregistrerFormationAidant({ demandeAidantId: entree.demandeAidantId, date: f.date, type: f.type, formateurEmail: etat.formation.formateurEmail });
      } finally {
        enCours--;
      }
      return etat;
    },
    {
      validator: (f) => {
        verifierEnFormation(etat);
        if (etat.formation) throw new Error(`La formation est déjà enregistrée (le ${etat.formation.date}) : rien n'a été modifié.`);
        if (!f || typeof f.date !== 'string' || !DATE_ISO.test(f.date)) throw new Error('Date de formation invalide.');
        if (f.type !== 'classic' && f.type !== 'p2p') throw new Error('Type de formation inconnu.');
        if (f.type === 'p2p') {
          if (!f.formateurEmail) throw new Error("Indiquez l'adresse e-mail du formateur entre pairs.");
          const formateur = f.formateur;
          if (!formateur || !formateur.actif || formateur.nombreMandats < regles.mandatsMinimumFormateurPair) {
            throw new Error(`Le formateur entre pairs doit être un aidant actif ayant créé au moins ${regles.mandatsMinimumFormateurPair} mandats.`);
          }
        }
      },
    },
  );

  setHandler(
    enregistrerPix,
    async (p) => {
      etat.pix = { date: p.date, score: p.score };
      enCours++;
      try {
        await acts.enregistrerPixAidant({ demandeAidantId: entree.demandeAidantId, date: p.date, score: p.score });
      } finally {
        enCours--;
      }
      return etat;
    },
    {
      validator: (p) => {
        verifierEnFormation(etat);
        if (etat.pix) throw new Error(`Le test Pix est déjà enregistré (le ${etat.pix.date}) : rien n'a été modifié.`);
        if (!p || typeof p.date !== 'string' || !DATE_ISO.test(p.date)) throw new Error('Date du test Pix invalide.');
        if (typeof p.score !== 'number' || !Number.isFinite(p.score) || p.score > 100) throw new Error('Le score Pix est un pourcentage entre 0 et 100.');
        if (p.score < regles.seuilScorePix) throw new Error(`Score Pix insuffisant : ${p.score} % (il faut au moins ${regles.seuilScorePix} %). Rien n'a été enregistré.`);
      },
    },
  );

  setHandler(
    retirerAidant,
    async ({ par }) => {
      etat.statut = 'retire';
      enCours++;
      try {
        await acts.retirerDemandeAidant({ demandeAidantId: entree.demandeAidantId, par });
      } finally {
        enCours--;
      }
      return etat;
    },
    { validator: (_retrait) => verifierEnFormation(etat) },
  );

  // Training and Pix in any order; a reminder each time the delay passes without both.
  for (;;) {
    etat.prochaineRelanceMs = Date.now() + regles.delaiRelanceFormationMs;
    const fini = await condition(() => enCours === 0 && (etat.statut === 'retire' || (!!etat.formation && !!etat.pix)), regles.delaiRelanceFormationMs);
    if (fini) break;
    etat.relances++;
    const manque = [!etat.formation && 'la formation', !etat.pix && 'le test Pix'].filter(Boolean).join(' et ');
    await acts.relancerFormation({ demandeAidantId: entree.demandeAidantId, numero: etat.relances, manque });
  }
  etat.prochaineRelanceMs = null;

  if (etat.statut === 'retire') {
    statutVisible('RETIRE');
    await condition(allHandlersFinished);
    return { issue: 'retire', aidantId: null };
  }

  const { aidantId } = await acts.activerAidant({ demandeAidantId: entree.demandeAidantId });
  etat.aidantId = aidantId;
  etat.statut = 'active';
  upsertSearchAttributes([{ key: HABILITATION_STATUT, value: 'ACTIVE' }, { key: AIDANT_ID, value: aidantId }]);

  if (entree.surveillerInactivite !== false) {
    try {
      await startChild(inactiviteAidant, {
        workflowId: `inactivite-${aidantId}`,
        args: [{ aidantId, ...entree.inactivite }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      // Already watched (an aidant of another structure): one watch per account. The class lives in
      // @temporalio/common, which workflow code does not import: compare the name.
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    }
  }
  await condition(allHandlersFinished);
  return { issue: 'active', aidantId };
}
