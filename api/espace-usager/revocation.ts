// Online revocation by the usager (issue 21 §4): the whole mandat or one démarche, with the same effect as a
// revocation by an aidant — the existing use case (api/mandats/revocation.ts) runs inside this transaction,
// journaled as done by the usager (aidant_id null, `origine=usager`). In the same transaction, the emails
// are written to the outbox: to the structure's référents and active aidants (the usager's initials and a
// link only) and a receipt to the usager. After the commit, the mandat's workflow is told when the mandat
// ended (it goes to retention at once). A second submit finds nothing left to revoke: one revocation.
import type { Db } from '../../db/connection.ts';
import type { TemporalClientProvider } from '../../db/temporal/client.ts';
import { DEMARCHES, type Demarche } from '../../db/domain/demarches.ts';
import { initiales, ORIGINE_USAGER } from '../../db/domain/espace-usager.ts';
import { courrielRecuRevocation, courrielRevocationStructure } from '../../db/courriels/espace-usager.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { equipeDeLaStructure, mandatsDeLUsager, structureDuMandatDeLUsager, usagerParId } from '../../db/queries/espace-usager.ts';
import { revoquer, signalerFinsMandats } from '../mandats/revocation.ts';

export interface CibleRevocation {
  mandatId: number;
  autorisationId?: number;
  structure: string;
  /** The démarches still active that the revocation would end (empty: nothing left to revoke). */
  demarches: Demarche[];
  /** The whole mandat, or its last active démarche: the mandat ends. */
  mandatEntier: boolean;
}

/** What the confirmation page shows; null when the mandat (or démarche) is not the usager's. */
export async function cibleRevocation(db: Db, usagerId: number, mandatId: number, autorisationId?: number): Promise<CibleRevocation | null> {
  const m = (await mandatsDeLUsager(db, usagerId)).find((x) => x.id === mandatId);
  if (!m) return null;
  const visees = autorisationId === undefined ? m.autorisations : m.autorisations.filter((a) => a.id === autorisationId);
  if (!visees.length) return null;
  const actives = m.status === 'active' ? m.autorisations.filter((a) => !a.revoked_at) : [];
  const demarches = m.status === 'active' ? visees.filter((a) => !a.revoked_at).map((a) => a.demarche) : [];
  return { mandatId, autorisationId, structure: m.structure.name, demarches, mandatEntier: autorisationId === undefined || (demarches.length > 0 && actives.length === demarches.length) };
}

export type RevocationEnLigne =
  | { ok: true; mandatClos: boolean }
  | { ok: false; raison: 'introuvable' | 'deja-revoque' };

export async function revoquerEnLigne(
  db: Db,
  temporal: TemporalClientProvider,
  publicUrl: string,
  demande: { usagerId: number; mandatId: number; autorisationId?: number },
  maintenant = new Date(),
): Promise<RevocationEnLigne> {
  const resultat = await db.transaction(async (trx): Promise<RevocationEnLigne> => {
    const structureId = await structureDuMandatDeLUsager(trx, demande.usagerId, demande.mandatId);
    if (structureId === null) return { ok: false, raison: 'introuvable' };
    const avant = (await mandatsDeLUsager(trx, demande.usagerId)).find((m) => m.id === demande.mandatId)!;
    const r = await revoquer(trx, { aidantId: null, structureId, mandatId: demande.mandatId, autorisationId: demande.autorisationId, origine: ORIGINE_USAGER }, maintenant);
    if (!r.ok) return r;
    const usager = (await usagerParId(trx, demande.usagerId))!;
    const demarche = demande.autorisationId === undefined ? null : avant.autorisations.find((a) => a.id === demande.autorisationId)?.demarche;
    const quoi = demarche && !r.mandatClos ? `la démarche « ${DEMARCHES[demarche].titre} » du mandat n° ${demande.mandatId}` : `le mandat n° ${demande.mandatId}`;
    const cible = `${demande.mandatId}-${demande.autorisationId ?? 'tout'}`;
    for (const d of await equipeDeLaStructure(trx, structureId)) {
      const c = courrielRevocationStructure({ prenom: d.first_name, initiales: initiales(usager), structure: avant.structure.name, quoi, lien: `${publicUrl}/usagers/${demande.usagerId}` });
      await enqueueEmail(trx, { idempotencyKey: `revocation-usager-${cible}-aidant-${d.id}`, to: d.email, subject: c.subject, text: c.text });
    }
    if (usager.email) {
      const c = courrielRecuRevocation({ prenom: usager.given_name.split(' ')[0], structure: avant.structure.name, quoi, leMs: maintenant.getTime(), lien: `${publicUrl}/espace-usager#mandat-${demande.mandatId}` });
      await enqueueEmail(trx, { idempotencyKey: `revocation-usager-${cible}-usager`, to: usager.email, subject: c.subject, text: c.text });
    }
    return { ok: true, mandatClos: r.mandatClos };
  });
  // PostgreSQL is the truth: a workflow not told reads the revocation when it wakes up.
  if (resultat.ok && resultat.mandatClos) await signalerFinsMandats(temporal, [demande.mandatId]);
  return resultat;
}
