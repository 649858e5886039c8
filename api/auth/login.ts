// Login of aidants, référents and staff: email + TOTP → magic link by email → session. The same answer for
// an unknown email and a wrong code, after the same work; an inactive account with the right code is told
// to see its référent. The link's email is written to the outbox with the link's token sealed (the worker
// sends it): nothing leaves from the web request.
import type { Db } from '../../db/connection.ts';
import { Aidant } from '../../db/models/index.ts';
import { enqueueEmail } from '../../db/queries/outbox.ts';
import { DUREE_LIEN_CONNEXION_MS, estCodeTotp } from '../../db/domain/authentification.ts';
import { emailValide, normaliserEmail } from '../../db/domain/contact.ts';
import { enregistrerConnexion } from '../../db/queries/connexion.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { verifyAccountCode } from './totp.ts';
import { cleTentatives, refundAttempt, reserveAttempt, type Limite } from './rate-limit.ts';
import { consumeMagicLink, createMagicLink, hashToken } from './magic-link.ts';
import { loginLinkEmail } from './emails.ts';

export type LoginRequestResult =
  | { kind: 'sent'; email: string }
  | { kind: 'format'; errors: Record<string, string> }
  | { kind: 'invalid' }
  | { kind: 'inactive' }
  | { kind: 'limited'; waitMs: number };

export interface LoginDeps {
  db: Db;
  publicUrl: string;
}

/** The limits of a code typed for an account: per account and IP, per IP, and the account's slowing down. */
export const rateKeys = (email: string, ip: string): Limite[] => [
  { cle: cleTentatives('compte-ip', `${email.toLowerCase()}|${ip}`), type: 'compte-ip' },
  { cle: cleTentatives('ip', ip), type: 'ip' },
  { cle: cleTentatives('compte', email.toLowerCase()), type: 'compte' },
];

export async function requestLogin(deps: LoginDeps, input: { email: unknown; code: unknown; ip: string; next: string | null }): Promise<LoginRequestResult> {
  const email = normaliserEmail(input.email);
  const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
  const errors: Record<string, string> = {};
  if (!emailValide(email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr.';
  if (!estCodeTotp(code)) errors.code = 'Saisissez les 6 chiffres du code affiché sur votre carte ou votre application.';
  if (Object.keys(errors).length) return { kind: 'format', errors };

  const keys = rateKeys(email, input.ip);
  const attempt = await reserveAttempt(deps.db, keys);
  if (attempt.waitMs > 0) return { kind: 'limited', waitMs: attempt.waitMs };

  const aidant = await Aidant.query(deps.db).findOne({ email });
  const check = await verifyAccountCode(deps.db, aidant?.id ?? null, code);
  if (!aidant || !check.ok) {
    return { kind: 'invalid' };
  }
  await refundAttempt(deps.db, attempt);
  if (!aidant.is_active) return { kind: 'inactive' };

  await deps.db.transaction(async (trx) => {
    const token = await createMagicLink(trx, aidant.id, input.next);
    await enqueueEmail(trx, {
      idempotencyKey: `lien-connexion-${hashToken(token)}`,
      to: aidant.email,
      ...loginLinkEmail(aidant, `${deps.publicUrl}/connexion/lien/{{jeton}}`),
      secrets: { jeton: token },
      expiresAt: new Date(Date.now() + DUREE_LIEN_CONNEXION_MS),
    });
  });
  return { kind: 'sent', email: aidant.email };
}

/** Opens the session: the link is consumed, the login recorded (no Temporal event) and journaled. */
export async function completeLogin(db: Db, token: string): Promise<{ aidant: Aidant; nextPath: string | null } | null> {
  const link = await consumeMagicLink(db, token);
  if (!link) return null;
  const aidant = await Aidant.query(db).findById(link.aidantId);
  if (!aidant || !aidant.is_active) return null;
  await enregistrerConnexion(db, aidant.id);
  await journaliser(db, { action: 'connect_aidant', aidant_id: aidant.id, structure_id: aidant.current_structure_id });
  return { aidant, nextPath: link.nextPath };
}
