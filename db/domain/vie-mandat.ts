// The life of a mandat after its creation (db/domain/README.md#fin-du-mandat): when it ends, when its reminder goes out, and the
// idempotency keys of what its workflow writes. Pure rules, shared by the activities (which apply them to the
// rows read in PostgreSQL, the source of truth) and the tests.

/** What the end-of-mandat decision needs of the mandat row. */
export interface EtatMandat {
  status: 'active' | 'expired' | 'revoked';
  ended_at: Date | null;
  expires_at: Date;
}

export type IssueMandat =
  /** Still running (a partial revocation, or a notice that came too early): wait until this expiry. */
  | { statut: 'active'; expiresAtMs: number }
  /** Ended. `aEcrire`: the status is not yet in the database (the workflow writes it, with the journal). */
  | { statut: 'expired' | 'revoked'; finMs: number; aEcrire: boolean };

/**
 * How a mandat stands at `maintenantMs`. A status already written wins (the revocation transaction writes
 * `revoked` with its date). A mandat whose autorisations were all revoked one by one (or superseded by a newer
 * mandat) ended at the last revocation, if that came before its expiry. Otherwise it expires at its expiry date,
 * not at the moment a worker noticed it: the retention counts from that date.
 */
export function issueDuMandat(mandat: EtatMandat, revocations: readonly (Date | null)[], maintenantMs: number): IssueMandat {
  const expiresAtMs = mandat.expires_at.getTime();
  if (mandat.status !== 'active') {
    return { statut: mandat.status, finMs: (mandat.ended_at ?? mandat.expires_at).getTime(), aEcrire: false };
  }
  if (revocations.length > 0 && revocations.every((r) => r !== null)) {
    const derniereMs = Math.max(...revocations.map((r) => r!.getTime()));
    if (derniereMs < expiresAtMs) return { statut: 'revoked', finMs: derniereMs, aEcrire: true };
  }
  if (maintenantMs >= expiresAtMs) return { statut: 'expired', finMs: expiresAtMs, aEcrire: true };
  return { statut: 'active', expiresAtMs };
}

/** The expiry reminder is for a mandat still in force: active, not expired, with a démarche not revoked. */
export function rappelUtile(mandat: EtatMandat, revocations: readonly (Date | null)[], maintenantMs: number): boolean {
  return issueDuMandat(mandat, revocations, maintenantMs).statut === 'active';
}

export type EtapeVieMandat = 'fin' | 'purge' | 'rappel';

/**
 * Idempotency key of a side effect of a mandat's life (journal row, email): one per mandat and step, plus
 * the recipient for emails. Made of ids only: keys stay in the journal and the outbox after the purge.
 */
export function cleVieMandat(mandatId: number, etape: EtapeVieMandat, destinataire?: number): string {
  return `mandat-${mandatId}-${etape}${destinataire === undefined ? '' : `-${destinataire}`}`;
}

/** Prefix of every reminder email key of a mandat: the purge removes those outbox rows (they hold the usager's name). */
export function prefixeRappelsMandat(mandatId: number): string {
  return `${cleVieMandat(mandatId, 'rappel')}-`;
}
