// Login of aidants, référents and staff: email + TOTP → magic link by email → session. The same answer for
// an unknown email and a wrong code; an inactive account with the right code is told to see its référent.
import type { Db } from '../../db/connection.ts';
import type { Mailer } from '../../activities/ports/mailer.ts';
import { Aidant } from '../../db/models/index.ts';
import { sendEmailOnce } from '../../activities/outbox.ts';
import { estCodeTotp } from '../../db/domain/authentification.ts';
import { emailValide, normaliserEmail } from '../../db/domain/contact.ts';
import { enregistrerConnexion } from '../../db/queries/connexion.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { verifyAccountCode } from './totp.ts';
import { refundAttempt, reserveAttempt } from './rate-limit.ts';
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
  mailer: Mailer;
  publicUrl: string;
}

export const rateKeys = (email: string, ip: string) => [`email:${email.toLowerCase()}`, `ip:${ip}`];

export async function requestLogin(deps: LoginDeps, input: { email: unknown; code: unknown; ip: string; next: string | null }): Promise<LoginRequestResult> {
  const email = normaliserEmail(input.email);
  const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
  const errors: Record<string, string> = {};
  if (!emailValide(email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr.';
  if (!estCodeTotp(code)) errors.code = 'Saisissez les 6 chiffres du code affiché sur votre carte ou votre application.';
  if (Object.keys(errors).length) return { kind: 'format', errors };

  const keys = rateKeys(email, input.ip);
  const waitMs = await reserveAttempt(deps.db, keys);
  if (waitMs > 0) return { kind: 'limited', waitMs };

  const aidant = await Aidant.query(deps.db).findOne({ email });
  const check = aidant ? await verifyAccountCode(deps.db, aidant.id, code) : null;
  if (!aidant || !check?.ok) {
    return { kind: 'invalid' };
  }
  await refundAttempt(deps.db, keys);
  if (!aidant.is_active) return { kind: 'inactive' };

  const token = await createMagicLink(deps.db, aidant.id, input.next);
  await sendEmailOnce(deps.db, deps.mailer, {
    idempotencyKey: `lien-connexion-${hashToken(token)}`,
    to: aidant.email,
    ...loginLinkEmail(aidant, `${deps.publicUrl}/connexion/lien/${token}`),
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
