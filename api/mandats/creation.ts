// Creating a mandat from a confirmed draft, in one transaction (db/domain/README.md#création): the usager created or updated
// from FranceConnect's pivot identity, any active autorisation of the structure for the same usager and
// démarche revoked first (supersession), the mandat and one autorisation per démarche, and the journal.
// The draft id is the mandat's creation key: a double submit returns the mandat already created.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection.ts';
import type { Demarche } from '../../db/domain/demarches.ts';
import { dateExpirationMandat, demarchesRefusees, DUREES_MANDAT } from '../../db/domain/mandat.ts';
import { hashSaltFromEnv, subUsager, type IdentitePivot } from '../../db/domain/usager.ts';
import type { BrouillonMandat } from './brouillon.ts';
import { cloreMandatsSansAutorisation, revoquerAutorisationsEnTransaction } from './revocation.ts';
import { preuveDuMandat } from './preuve.ts';

export class CreationMandatRefusee extends Error {
  readonly raison: 'structure-inactive' | 'demarche-retiree' | 'usager-inconnu' | 'consentement-absent';
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

async function mandatDuBrouillon(db: Db | Knex.Transaction, cle: string) {
  return db('mandats').where({ creation_key: cle }).first<{ id: number; usager_id: number; expires_at: Date } | undefined>('id', 'usager_id', 'expires_at');
}

const IDENTITE: (keyof IdentitePivot)[] = ['given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email'];

/** Creates or updates the usager FranceConnect identified; journals what changed. */
async function enregistrerUsager(
  trx: Knex.Transaction,
  b: BrouillonMandat,
  contexte: { aidant_id: number; structure_id: number },
  sel: string,
): Promise<number> {
  if (!b.usager) {
    const connu = await trx('usagers').where({ id: b.renouvellementUsagerId ?? -1 }).forUpdate().first<{ id: number; phone: string | null } | undefined>('id', 'phone');
    if (!connu) throw new CreationMandatRefusee('usager-inconnu', 'Cet usager n’existe plus.');
    if (b.telephone && b.telephone !== connu.phone) {
      await trx('usagers').where({ id: connu.id }).update({ phone: b.telephone, updated_at: trx.fn.now() });
      await trx('journal').insert({ action: 'update_phone_usager', ...contexte, usager_id: connu.id });
    }
    return connu.id;
  }
  const sub = subUsager(b.usager.fcSub, sel);
  const identite = Object.fromEntries(IDENTITE.map((k) => [k, b.usager!.identite[k] ?? null]));
  const existant = await trx('usagers').where({ sub }).forUpdate().first<{ id: number; email: string | null; phone: string | null } | undefined>('id', 'email', 'phone');
  let usagerId: number;
  if (!existant) {
    const [row] = await trx('usagers')
      .insert({ sub, ...identite, phone: b.telephone })
      // A concurrent first login of the same person: the other transaction's row wins, this one updates it.
      .onConflict('sub')
      .merge({ ...identite, updated_at: trx.fn.now() })
      .returning('id');
    usagerId = row.id;
  } else {
    usagerId = existant.id;
    // The pivot identity is stored exactly as FranceConnect sends it, the latest one included.
    await trx('usagers').where({ id: usagerId }).update({ ...identite, ...(b.telephone ? { phone: b.telephone } : {}), updated_at: trx.fn.now() });
    // The journal records that a detail changed, never the detail itself (it holds no personal data).
    if ((existant.email ?? null) !== (identite.email ?? null)) {
      await trx('journal').insert({ action: 'update_email_usager', ...contexte, usager_id: usagerId });
    }
    if (b.telephone && b.telephone !== existant.phone) {
      await trx('journal').insert({ action: 'update_phone_usager', ...contexte, usager_id: usagerId });
    }
  }
  await trx('journal').insert({ action: 'franceconnect_usager', ...contexte, usager_id: usagerId });
  return usagerId;
}

/**
 * A remote mandat needs the structure's consent request answered "Oui" and not used yet (db/domain/README.md#consentement-par-sms, item
 * 4). The request's row lock serialises two creations from it: the second finds the first's mandat.
 */
async function consentementVerifie(trx: Knex.Transaction, demandeId: string, structureId: number) {
  const demande = await trx('consent_requests').where({ id: demandeId, structure_id: structureId }).forUpdate().first<{ status: string } | undefined>('status');
  if (demande?.status !== 'consented') {
    throw new CreationMandatRefusee('consentement-absent', 'L’usager n’a pas donné son accord par SMS : le mandat ne peut pas être créé.');
  }
  if (await trx('mandats').where({ consent_request_id: demandeId }).first('id')) throw new DejaCree();
  return { is_remote: true, remote_consent_method: 'SMS', consent_request_id: demandeId };
}

export async function creerMandat(db: Db, b: BrouillonMandat, maintenant = new Date()): Promise<MandatCree> {
  const deja = await mandatDuBrouillon(db, b.id);
  if (deja) return { mandatId: deja.id, usagerId: deja.usager_id, expiresAt: deja.expires_at, cree: false, mandatsClos: [] };
  try {
    return await db.transaction(async (trx) => {
      const structure = await trx('structures').where({ id: b.structureId, is_active: true }).first<{ allowed_demarches: Demarche[] } | undefined>('allowed_demarches');
      if (!structure) throw new CreationMandatRefusee('structure-inactive', 'Votre structure n’est plus active : aucun mandat ne peut être créé.');
      const retirees = demarchesRefusees(b.demarches, structure.allowed_demarches);
      if (retirees.length) {
        throw new CreationMandatRefusee('demarche-retiree', 'Une des démarches choisies n’est plus autorisée pour votre structure : recommencez la création du mandat.');
      }
      const contexte = { aidant_id: b.aidantId, structure_id: b.structureId };
      const distance = b.consentement ? await consentementVerifie(trx, b.consentement.demandeId, b.structureId) : null;
      const usagerId = await enregistrerUsager(trx, b, contexte, hashSaltFromEnv());

      // Supersession: the structure's active autorisations for the same usager and démarches end first.
      const remplacees: { id: number; mandat_id: number }[] = await trx('autorisations')
        .join('mandats', 'mandats.id', 'autorisations.mandat_id')
        .where({ 'mandats.structure_id': b.structureId, 'mandats.usager_id': usagerId, 'mandats.status': 'active' })
        .whereNull('autorisations.revoked_at')
        .whereIn('autorisations.demarche', b.demarches)
        .select('autorisations.id', 'autorisations.mandat_id')
        .forUpdate();
      await revoquerAutorisationsEnTransaction(trx, remplacees, contexte, maintenant);
      const mandatsClos = await cloreMandatsSansAutorisation(trx, remplacees.map((r) => r.mandat_id), maintenant);

      const expiresAt = dateExpirationMandat(maintenant, b.duree);
      const [mandat] = await trx('mandats')
        .insert({
          structure_id: b.structureId,
          usager_id: usagerId,
          aidant_id: b.aidantId,
          created_at: maintenant,
          expires_at: expiresAt,
          duree_keyword: b.duree,
          creation_key: b.id,
          ...distance,
        })
        .onConflict('creation_key')
        .ignore()
        .returning('id');
      // The same draft submitted twice at once: the other submit created it; undo this one entirely.
      if (!mandat) throw new DejaCree();
      const autorisations: { id: number; demarche: Demarche }[] = await trx('autorisations')
        .insert(b.demarches.map((demarche) => ({ mandat_id: mandat.id, demarche })))
        .returning(['id', 'demarche']);
      const jours = DUREES_MANDAT[b.duree].jours;
      // Printed proof (issue 10): template version, verification code and proof hash, in this transaction.
      const preuve = await preuveDuMandat(trx, mandat.id);
      await trx('journal').insert({
        action: 'create_attestation', ...contexte, usager_id: usagerId, mandat_id: mandat.id,
        demarche: [...b.demarches].sort().join(','), duree: jours, attestation_hash: preuve.attestationHash,
        ...(distance ? { is_remote_mandat: true, remote_consent_method: 'SMS', consent_request_id: distance.consent_request_id } : {}),
      });
      await trx('journal').insert(autorisations.map((a) => ({
        action: 'create_autorisation', ...contexte, usager_id: usagerId, mandat_id: mandat.id,
        demarche: a.demarche, duree: jours, autorisation_id: a.id,
      })));
      return { mandatId: mandat.id, usagerId, expiresAt, cree: true, mandatsClos };
    });
  } catch (err) {
    if (!(err instanceof DejaCree)) throw err;
    const autre = await mandatDuBrouillon(db, b.id);
    if (!autre) throw err;
    return { mandatId: autre.id, usagerId: autre.usager_id, expiresAt: autre.expires_at, cree: false, mandatsClos: [] };
  }
}
