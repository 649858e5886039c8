// Login of aidants, référents and staff: email + TOTP → magic link by email → session. The same answer for
// an unknown email and a wrong code, after the same work; an inactive account with the right code is told
// to see its référent. The link's email is written to the outbox with the link's token sealed (the worker
// sends it): nothing leaves from the web request.
import type { Db } from '../../db/connection.ts';
import type { Aidant } from '../../db/models/index.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { DUREE_LIEN_CONNEXION_MS, estCodeTotp } from '../../db/domain/authentification.ts';
import { emailValide, normaliserEmail } from '../../db/domain/contact.ts';
import { aidantParEmail, aidantParId, enregistrerConnexion } from '../../db/queries/authentification.ts';
import { compteSuspendu } from '../../db/queries/structures.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { MESSAGE_FORMAT_CODE, verifierCodeFrais } from './code-frais.ts';
import { utiliserLienConnexion, creerLienConnexion } from './magic-link.ts';
import { empreinteJeton } from '../../db/domain/jetons.ts';
import { courrielLienConnexion } from '../../db/courriels/authentification.ts';

export type LoginRequestResult =
  | { kind: 'sent'; email: string }
  | { kind: 'format'; errors: Record<string, string> }
  | { kind: 'invalid' }
  | { kind: 'inactive' }
  /** The account's structure is suspended by staff (issue 20). */
  | { kind: 'suspendue' }
  | { kind: 'limited'; waitMs: number };

export interface LoginDeps {
  db: Db;
  publicUrl: string;
}

export async function requestLogin(deps: LoginDeps, input: { email: unknown; code: unknown; ip: string; next: string | null }): Promise<LoginRequestResult> {
  const email = normaliserEmail(input.email);
  const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
  const errors: Record<string, string> = {};
  if (!emailValide(email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr.';
  if (!estCodeTotp(code)) errors.code = MESSAGE_FORMAT_CODE;
  if (Object.keys(errors).length) return { kind: 'format', errors };

  // An unknown email is checked like a known one with a wrong code (verifierCodeFrais): the same answer.
  const aidant = await aidantParEmail(deps.db, email);
  const check = await verifierCodeFrais(deps.db, { id: aidant?.id ?? null, email }, code, input.ip);
  if (!check.ok && check.raison === 'limite') return { kind: 'limited', waitMs: check.retryAfterMs! };
  if (!aidant || !check.ok) return { kind: 'invalid' };
  if (!aidant.is_active) return { kind: 'inactive' };
  if (await compteSuspendu(deps.db, aidant)) return { kind: 'suspendue' };

  await deps.db.transaction(async (trx) => {
    const token = await creerLienConnexion(trx, aidant.id, input.next);
    await enqueueEmail(trx, {
      idempotencyKey: `lien-connexion-${empreinteJeton(token)}`,
      to: aidant.email,
      ...courrielLienConnexion(aidant, `${deps.publicUrl}/connexion/lien/{{jeton}}`),
      secrets: { jeton: token },
      expiresAt: new Date(Date.now() + DUREE_LIEN_CONNEXION_MS),
    });
  });
  return { kind: 'sent', email: aidant.email };
}

/** Opens the session: the link is consumed, the login recorded (no Temporal event) and journaled. */
export async function completeLogin(db: Db, token: string): Promise<{ aidant: Aidant; nextPath: string | null } | null> {
  const link = await utiliserLienConnexion(db, token);
  if (!link) return null;
  const aidant = await aidantParId(db, link.aidantId);
  if (!aidant || !aidant.is_active || (await compteSuspendu(db, aidant))) return null;
  await enregistrerConnexion(db, aidant.id);
  await journaliser(db, { action: 'connect_aidant', aidant_id: aidant.id, structure_id: aidant.current_structure_id });
  return { aidant, nextPath: link.nextPath };
}
