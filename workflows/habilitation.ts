// A structure's habilitation request, workflow id `habilitation-<request uuid>`, from submission to active
// aidants (db/domain/README.md#habilitation). Staff decisions and the demandeur's resubmission are updates whose validators
// refuse what does not fit the current status (nothing is recorded then); staff are reminded while a
// request waits; on validation the structure and accounts are created once, then one training workflow per
// aidant runs as a child; the request closes when every aidant is activated or withdrawn.
// The transition table and the delays arrive as inputs (db/domain/habilitation.ts `reglesHabilitation`).
import {
  allHandlersFinished, condition, defineQuery, defineUpdate, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { ActionDemande, DecisionEquipe, ReglesFormation, ReglesHabilitation } from '../db/domain/habilitation.ts';
import type { StatutDemandeStructure } from '../db/domain/statuts.ts';
import { formationAidant, idFormationAidant, type IssueFormation } from './formation-aidant.ts';
import { HABILITATION_STATUT, STRUCTURE_ID } from './search-attributes.ts';

export interface EntreeHabilitation {
  demandeId: string;
  regles: ReglesHabilitation;
  formation: ReglesFormation;
  inactivite?: { avertissementMs?: number; desactivationMs?: number };
  surveillerInactivite?: boolean;
}

export interface EvenementWorkflow {
  /** ISO date (workflow time). */
  date: string;
  type: string;
  detail: string;
}

export interface EtatHabilitation {
  demandeId: string;
  statut: StatutDemandeStructure;
  soumissions: number;
  decisions: number;
  relancesEquipe: number;
  prochaineRelanceMs: number | null;
  structureId: number | null;
  formations: { demandeAidantId: number; workflowId: string; issue: IssueFormation['issue'] | null }[];
  timeline: EvenementWorkflow[];
}

export interface Decision {
  decision: DecisionEquipe;
  /** Reason of a refusal, or the changes asked for: required for both. */
  message?: string;
  auteurId?: number;
}

export const decisionEquipe = defineUpdate<EtatHabilitation, [Decision]>('decisionEquipe');
export const resoumettre = defineUpdate<EtatHabilitation, [{ empreinte: string }]>('resoumettre');
export const etatHabilitation = defineQuery<EtatHabilitation>('etatHabilitation');

export const idHabilitation = (demandeId: string) => `habilitation-${demandeId}`;

const acts = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' } });
// The validation runs one short transaction: a worker dying during it is noticed after 10 s, not 1 minute.
const creation = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute', heartbeatTimeout: '10 seconds', retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});

export async function habilitation(entree: EntreeHabilitation, empreinteInitiale?: string): Promise<EtatHabilitation> {
  const { regles, demandeId } = entree;
  const etat: EtatHabilitation = {
    demandeId, statut: 'AC_VALIDATION_PROCESSING', soumissions: 1, decisions: 0, relancesEquipe: 0, prochaineRelanceMs: null,
    structureId: null, formations: [], timeline: [],
  };
  let empreinte = empreinteInitiale ?? null;
  let enCours = 0;
  const noter = (type: string, detail: string) => etat.timeline.push({ date: new Date().toISOString(), type, detail });
  let statutVisible: string | null = null;
  const passerA = (statut: StatutDemandeStructure) => {
    etat.statut = statut;
    if (statutVisible !== statut) upsertSearchAttributes([{ key: HABILITATION_STATUT, value: statut }]);
    statutVisible = statut;
  };
  const refuserSiImpossible = (action: ActionDemande) => {
    if (!regles.transitions[action].depuis.includes(etat.statut)) {
      throw new Error(`Action impossible : la demande est « ${regles.libellesStatut[etat.statut]} ». Rien n'a été enregistré.`);
    }
  };
  /** Runs a handler's activity while the main loop waits for it (the database is updated before moving on). */
  const pendant = async (fn: () => Promise<void>) => {
    enCours++;
    try {
      await fn();
    } finally {
      enCours--;
    }
  };

  setHandler(etatHabilitation, () => etat);

  setHandler(
    decisionEquipe,
    async ({ decision, message, auteurId }) => {
      const vers = regles.transitions[decision].vers;
      const numero = ++etat.decisions;
      passerA(vers);
      noter(decision, message ?? '');
      await pendant(() => acts.enregistrerDecision({ demandeId, action: decision, vers, numero, message: message?.trim() || undefined, auteurId }));
      return etat;
    },
    {
      validator: (d) => {
        if (!d || !Object.hasOwn(regles.transitions, d.decision) || d.decision === 'soumettre' || (d.decision as string) === 'resoumettre') {
          throw new Error('Décision inconnue.');
        }
        refuserSiImpossible(d.decision);
        if (d.decision === 'refuser' && !d.message?.trim()) throw new Error('Indiquez le motif du refus.');
        if (d.decision === 'demander_modifications' && !d.message?.trim()) throw new Error('Indiquez les modifications attendues.');
      },
    },
  );

  setHandler(
    resoumettre,
    async ({ empreinte: nouvelle }) => {
      empreinte = nouvelle;
      const numero = ++etat.soumissions;
      passerA(regles.transitions.resoumettre.vers);
      noter('resoumise', 'Demande modifiée et soumise à nouveau');
      await pendant(() => acts.enregistrerSoumission({ demandeId, numero, empreinte: nouvelle }));
      return etat;
    },
    {
      validator: ({ empreinte: nouvelle }) => {
        refuserSiImpossible('resoumettre');
        if (!nouvelle || nouvelle === empreinte) {
          throw new Error("La demande n'a pas été modifiée depuis la demande de modifications : modifiez-la avant de la soumettre à nouveau.");
        }
      },
    },
  );

  // A decision sent before the first workflow task (the worker was down when staff decided: the update comes in
  // the same activation as the start) has already run its handler's first step inside setHandler above, so
  // its status is set: the submission must not put « en instruction » back over it (issue 19, README « Pannes
  // et reprises »). Runs that passed here before the fix have no marker and replay as they ran.
  const decideeAuDemarrage = etat.decisions > 0 && patched('decision-au-demarrage');
  if (!decideeAuDemarrage) passerA('AC_VALIDATION_PROCESSING');
  noter('soumise', 'Demande soumise');
  await pendant(() => acts.enregistrerSoumission({ demandeId, numero: 1, empreinte: empreinteInitiale }));
  // A decision taken while the submission's activity ran may still be writing: it is in the database before
  // the request moves on (the accounts are not created before the validation is recorded).
  if (enCours > 0 && etat.statut !== 'AC_VALIDATION_PROCESSING' && patched('decision-pendant-soumission')) await condition(() => enCours === 0);

  // Instruction: reminders to staff while the request waits; changes required wait for the demandeur.
  for (;;) {
    const statut = etat.statut;
    if (statut === 'AC_VALIDATION_PROCESSING') {
      etat.prochaineRelanceMs = Date.now() + regles.delaiRelanceEquipeMs;
      const decidee = await condition(() => etat.statut !== statut && enCours === 0, regles.delaiRelanceEquipeMs);
      if (!decidee) {
        etat.relancesEquipe++;
        noter('relance_equipe', `Relance n° ${etat.relancesEquipe} à l'équipe`);
        await acts.relancerEquipe({ demandeId, numero: etat.relancesEquipe });
      }
    } else if (statut === 'CHANGES_REQUIRED') {
      etat.prochaineRelanceMs = null;
      await condition(() => etat.statut !== statut && enCours === 0);
    } else {
      break;
    }
  }
  etat.prochaineRelanceMs = null;
  if (etat.statut === 'REFUSED') {
    // The refusal's update returns its result before the run closes.
    await condition(allHandlersFinished);
    return etat;
  }

  // Validated: accounts once, then every aidant's training in parallel.
  const comptes = await creation.creerStructureEtComptes({ demandeId });
  etat.structureId = comptes.structureId;
  upsertSearchAttributes([{ key: STRUCTURE_ID, value: comptes.structureId }]);
  noter('comptes_crees', `Structure et compte du référent créés ; ${comptes.demandesAidant.length} aidant(s) à former`);
  await acts.notifierValidation({ demandeId });

  const enfants: Promise<void>[] = [];
  for (const demandeAidantId of comptes.demandesAidant) {
    const workflowId = idFormationAidant(demandeAidantId);
    const suivi: EtatHabilitation['formations'][number] = { demandeAidantId, workflowId, issue: null };
    etat.formations.push(suivi);
    const enfant: ChildWorkflowHandle<typeof formationAidant> = await startChild(formationAidant, {
      workflowId,
      args: [{ demandeAidantId, structureId: comptes.structureId, demandeId, regles: entree.formation, inactivite: entree.inactivite, surveillerInactivite: entree.surveillerInactivite }],
      // A training outlives a terminated request run; the request only waits for the outcome.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    enfants.push(
      enfant.result().then((r) => {
        suivi.issue = r.issue;
        noter(r.issue === 'active' ? 'aidant_active' : 'aidant_retire', `Aidant n° ${demandeAidantId} ${r.issue === 'active' ? 'activé' : 'retiré'}`);
      }),
    );
  }
  await Promise.all(enfants);

  await acts.cloreDemande({ demandeId });
  passerA('CLOSED');
  noter('cloturee', 'Demande clôturée');
  await condition(allHandlersFinished);
  return etat;
}
