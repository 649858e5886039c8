// Creating a mandat from a confirmed draft, in one transaction (db/domain/README.md#création): the usager created or updated
// from FranceConnect's pivot identity, any active autorisation of the structure for the same usager and
// démarche revoked first (supersession), the mandat and one autorisation per démarche, and the journal.
// The draft id is the mandat's creation key: a double submit returns the mandat already created. Once the
// transaction committed, the mandat's life (workflows/mandat.ts) starts here, and the workflows of the
// mandats the supersession ended are told: creerMandatPuisDemarrerSaVie is what the recap's POST calls.
import type { Db } from '../../db/connection.ts';
import { dateExpirationMandat, demarchesRefusees } from '../../db/domain/mandat.ts';
import { hashSaltFromEnv, subUsager } from '../../db/domain/usager.ts';
import { logger } from '../../db/platform/logger.ts';
import { verrouillerDemandeConsentement } from '../../db/queries/consentement.ts';
import {
  autorisationsRemplacees, ecrireJournal, enregistrerUsager, entreesCreationMandat, etatAvantCreation, insererMandat,
  mandatDuConsentement, revoquerAutorisations, terminerMandats, trouverMandatParCleCreation,
} from '../../db/queries/mandats.ts';
import type { EntreeJournal } from '../../db/queries/journal.ts';
import { attribuerCodeVerification, hashPreuveDesChamps } from '../../db/queries/preuves.ts';
import { MODELE_EN_VIGUEUR } from '../../db/domain/modeles-mandat/index.ts';
import { nouveauCodeVerification } from '../../db/domain/preuve-mandat.ts';
import type { TemporalClientProvider } from '../../db/temporal/client.ts';
import { demarrerVieMandat } from '../../db/temporal/processes/mandat.ts';
import type { BrouillonMandat } from './brouillon.ts';
import { signalerFinsMandats } from './revocation.ts';

const log = logger.child({ component: 'mandats' });

export class CreationMandatRefusee extends Error {
  readonly raison: 'structure-inactive' | 'structure-suspendue' | 'demarche-retiree' | 'usager-inconnu' | 'consentement-absent' | 'consentement-utilise';
  constructor(raison: CreationMandatRefusee['raison'], message: string) {
    super(message);
    this.raison = raison;
  }
}

export interface MandatCree {
  mandatId: number;
  usagerId: number;
  expiresAt: Date;
  /** false when this draft had already created its mandat (double submit). */
  cree: boolean;
  /** Older mandats left with no active autorisation by the supersession: their workflows are told. */
  mandatsClos: number[];
}

class DejaCree extends Error {}

/**
 * A remote mandat needs the structure's consent request answered "Oui" and not used yet (db/domain/README.md#consentement-par-sms, item
 * 4). The request's row lock serialises two creations from it: the second finds the first's mandat.
 */
async function consentementVerifie(trx: Parameters<typeof mandatDuConsentement>[0], demandeId: string, structureId: number): Promise<string> {
  const statut = await verrouillerDemandeConsentement(trx, demandeId, structureId);
  if (statut !== 'consented') {
    throw new CreationMandatRefusee('consentement-absent', 'L’usager n’a pas donné son accord par SMS : le mandat ne peut pas être créé.');
  }
  if (await mandatDuConsentement(trx, demandeId)) throw new DejaCree();
  return demandeId;
}

/**
 * The transaction's statements are few (README « Mandats » → « Vitesse de la création »): one read of what is
 * checked, one for the usager, one for the mandat with its autorisations and verification code, and every journal
 * row in one last statement, so that the lock of a lane of the journal's chain (db/migrations/chaine-journal.ts),
 * which a writer keeps until its commit, is held for that statement and the commit only.
 */
export async function creerMandat(db: Db, b: BrouillonMandat, maintenant = new Date()): Promise<MandatCree> {
  try {
    return await db.transaction(async (trx) => {
      const etat = await etatAvantCreation(trx, b.structureId, b.id);
      if (etat.deja) return { mandatId: etat.deja.id, usagerId: etat.deja.usager_id, expiresAt: etat.deja.expires_at, cree: false, mandatsClos: [] };
      if (!etat.autorisees) throw new CreationMandatRefusee('structure-inactive', 'Votre structure n’est plus active : aucun mandat ne peut être créé.');
      // Issue 20: staff suspended the structure (db/queries/structures.ts).
      if (etat.suspendue) throw new CreationMandatRefusee('structure-suspendue', 'Votre structure est suspendue par l’équipe Aidants Connect : aucun mandat ne peut être créé.');
      const retirees = demarchesRefusees(b.demarches, etat.autorisees);
      if (retirees.length) {
        throw new CreationMandatRefusee('demarche-retiree', 'Une des démarches choisies n’est plus autorisée pour votre structure : recommencez la création du mandat.');
      }
      const contexte = { aidant_id: b.aidantId, structure_id: b.structureId };
      const consentRequestId = b.consentement ? await consentementVerifie(trx, b.consentement.demandeId, b.structureId) : undefined;
      const sel = hashSaltFromEnv();
      const usager = await enregistrerUsager(trx, {
        usager: b.usager ? { sub: subUsager(b.usager.fcSub, sel), identite: b.usager.identite } : undefined,
        renouvellementUsagerId: b.renouvellementUsagerId,
        telephone: b.telephone,
      }, contexte);
      if (usager === null) throw new CreationMandatRefusee('usager-inconnu', 'Cet usager n’existe plus.');
      const usagerId = usager.id;
      // The journal rows wait for the last statement, in the order the steps happened.
      const journal: EntreeJournal[] = [...usager.journal];

      // Supersession: the structure's active autorisations for the same usager and démarches end first. A
      // usager created by this transaction has none.
      let mandatsClos: number[] = [];
      if (!usager.nouveau) {
        const remplacees = await autorisationsRemplacees(trx, b.structureId, usagerId, b.demarches);
        if (remplacees.length) {
          // revoquerAutorisations journals its cancel_autorisation rows itself: what came before goes first.
          await ecrireJournal(trx, journal.splice(0));
          await revoquerAutorisations(trx, remplacees, contexte, maintenant);
          mandatsClos = await terminerMandats(trx, remplacees.map((r) => r.mandat_id), { statut: 'revoked', le: maintenant, siPlusAucuneAutorisation: true });
        }
      }

      const expiresAt = dateExpirationMandat(maintenant, b.duree);
      // Printed proof (issue 10): template version and verification code written with the mandat, the proof
      // hash computed from what PostgreSQL stored.
      const mandat = await insererMandat(trx, {
        structureId: b.structureId, usagerId, aidantId: b.aidantId, creeLe: maintenant, expireLe: expiresAt, duree: b.duree,
        cleCreation: b.id, consentRequestId, langue: b.langue ?? null, templateVersion: MODELE_EN_VIGUEUR.version, code: nouveauCodeVerification(),
      }, b.demarches);
      // The same draft submitted twice at once: the other submit created it; undo this one entirely.
      if (!mandat) throw new DejaCree();
      // A verification code already taken (80 random bits: practically never): another one is drawn.
      if (mandat.code === null) await attribuerCodeVerification(trx, mandat.id);
      const attestationHash = hashPreuveDesChamps(mandat.champs);
      journal.push(...entreesCreationMandat({
        contexte, usagerId, mandatId: mandat.id, demarches: b.demarches, duree: b.duree, attestationHash, consentRequestId,
      }, mandat.autorisations));
      await ecrireJournal(trx, journal);
      return { mandatId: mandat.id, usagerId, expiresAt, cree: true, mandatsClos };
    });
  } catch (err) {
    if (!(err instanceof DejaCree)) throw err;
    const autre = await trouverMandatParCleCreation(db, b.id);
    // Another draft's mandat already uses this consent (issue 19's drill): refused (409), not a 500.
    if (!autre) throw new CreationMandatRefusee('consentement-utilise', 'L’accord donné par SMS a déjà servi à créer un mandat : demandez un nouvel accord à l’usager.');
    return { mandatId: autre.id, usagerId: autre.usager_id, expiresAt: autre.expires_at, cree: false, mandatsClos: [] };
  }
}

/** How long the recap waits for Temporal to take the mandat's workflow. */
const DELAI_DEMARRAGE_VIE_MS = 5000;

/**
 * The recap's confirmation: the mandat is created (one transaction), then its life starts and the workflows
 * of the mandats it superseded are told. Those steps come after the commit: a start that fails (Temporal
 * down) is only logged, the worker's reconciliation starts every mandat not marked as started
 * (db/temporal/processes/mandat.ts).
 */
export async function creerMandatPuisDemarrerSaVie(deps: { db: Db; temporal: TemporalClientProvider }, b: BrouillonMandat): Promise<MandatCree> {
  const cree = await creerMandat(deps.db, b);
  if (!cree.cree) return cree;
  try {
    // Bounded: with Temporal down the client would retry the start for about 20 s while the aidant waits
    // (issue 19's drill, tests/integration/panne-temporal.test.ts); the mandat is committed, the
    // reconciliation starts its life later.
    const client = await deps.temporal();
    await client.withDeadline(Date.now() + DELAI_DEMARRAGE_VIE_MS, () =>
      demarrerVieMandat(deps.db, client, { mandatId: cree.mandatId, expiresAt: cree.expiresAt, duree: b.duree, structureId: b.structureId }));
  } catch (err) {
    log.error({ err, mandatId: cree.mandatId }, 'workflow du mandat non démarré : la réconciliation du worker le démarrera');
  }
  await signalerFinsMandats(deps.temporal, cree.mandatsClos);
  return cree;
}
