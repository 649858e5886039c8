// A référent's first connection: email + mobile matching an active référent without any device → a
// 6-digit code by SMS and a link by email; the link + the code open the session once, then the référent
// sets up an authenticator app.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import type { Mailer } from '../../activities/ports/mailer.ts';
import type { SmsSender } from '../../activities/ports/sms.ts';
import { sendEmailOnce, sendSmsOnce } from '../../activities/outbox.ts';
import { Aidant } from '../../db/models/index.ts';
import { DELAI_ENTRE_ENVOIS_MS, DUREE_PREMIERE_CONNEXION_MS, ESSAIS_CODE_SMS } from '../../db/domain/authentification.ts';
import { emailValide, mobileE164, normaliserEmail } from '../../db/domain/contact.ts';
import { enregistrerConnexion } from '../../db/queries/connexion.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { hashToken } from './magic-link.ts';
import { firstConnectionEmail } from './emails.ts';
import { refundAttempt, reserveAttempt } from './rate-limit.ts';

export interface FirstConnectionDeps {
  db: Db;
  mailer: Mailer;
  sms: SmsSender;
  publicUrl: string;
}

export type FirstConnectionRequest =
  | { kind: 'sent' }
  | { kind: 'format'; errors: Record<string, string> }
  | { kind: 'limited'; waitMs: number };

const hashCode = (id: number, code: string) => createHash('sha256').update(`${id}:${code}`).digest('hex');

export async function requestFirstConnection(deps: FirstConnectionDeps, input: { email: unknown; phone: unknown; ip: string }): Promise<FirstConnectionRequest> {
  const email = normaliserEmail(input.email);
  const phone = mobileE164(input.phone);
  const errors: Record<string, string> = {};
  if (!emailValide(email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr.';
  if (!phone) errors.phone = 'Saisissez un numéro de téléphone mobile, par exemple 06 12 34 56 78.';
  if (!phone || Object.keys(errors).length) return { kind: 'format', errors };

  const keys = [`premiere:${email.toLowerCase()}`, `ip:${input.ip}`];
  const waitMs = await reserveAttempt(deps.db, keys);
  if (waitMs > 0) return { kind: 'limited', waitMs };

  const referent = await Aidant.query(deps.db)
    .findOne({ email, is_active: true })
    .whereExists(Aidant.relatedQuery('referentDe'))
    .whereNotExists(deps.db('totp_devices').whereRaw('totp_devices.aidant_id = aidants.id').where({ confirmed: true }));
  // Whatever the reason it does not match, the answer is the same (no account enumeration).
  if (!referent || referent.phone !== phone) {
    return { kind: 'sent' };
  }
  await refundAttempt(deps.db, keys);
  // One SMS a minute at most per account, whoever asks: the same answer, nothing sent again.
  const recent = await deps.db('premieres_connexions').where({ aidant_id: referent.id }).andWhere('created_at', '>', new Date(Date.now() - DELAI_ENTRE_ENVOIS_MS)).first('id');
  if (recent) return { kind: 'sent' };

  const token = randomBytes(32).toString('base64url');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = await deps.db.transaction(async (trx) => {
    // A new request replaces the previous ones.
    await trx('premieres_connexions').where({ aidant_id: referent.id }).whereNull('used_at').update({ used_at: trx.fn.now() });
    const [row] = await trx('premieres_connexions')
      .insert({ aidant_id: referent.id, link_token_hash: hashToken(token), code_hash: 'pending', expires_at: new Date(Date.now() + DUREE_PREMIERE_CONNEXION_MS) })
      .returning('id');
    await trx('premieres_connexions').where({ id: row.id }).update({ code_hash: hashCode(row.id, code) });
    return row.id as number;
  });
  await sendSmsOnce(deps.db, deps.sms, {
    idempotencyKey: `premiere-connexion-${id}-sms`,
    to: phone,
    body: `Aidants Connect : votre code de première connexion est ${code}. Il expire dans 30 minutes. Ne le communiquez à personne.`,
  });
  await sendEmailOnce(deps.db, deps.mailer, {
    idempotencyKey: `premiere-connexion-${id}-email`,
    to: referent.email,
    ...firstConnectionEmail(referent, `${deps.publicUrl}/premiere-connexion/lien/${token}`),
  });
  return { kind: 'sent' };
}

async function pendingByToken(db: Db, token: string) {
  if (typeof token !== 'string' || token.length > 100) return undefined;
  return db('premieres_connexions')
    .where({ link_token_hash: hashToken(token) })
    .whereNull('used_at')
    .andWhere('expires_at', '>', db.fn.now())
    .andWhere('attempts', '<', ESSAIS_CODE_SMS)
    .first();
}

export async function firstConnectionLinkValid(db: Db, token: string): Promise<boolean> {
  return Boolean(await pendingByToken(db, token));
}

export type FirstConnectionResult = { kind: 'ok'; aidant: Aidant } | { kind: 'expired' } | { kind: 'wrong_code'; attemptsLeft: number };

export async function completeFirstConnection(db: Db, token: string, codeInput: unknown): Promise<FirstConnectionResult> {
  const code = typeof codeInput === 'string' ? codeInput.replace(/\s/g, '') : '';
  if (typeof token !== 'string' || token.length > 100) return { kind: 'expired' };
  return db.transaction(async (trx) => {
    // Each try is counted before the comparison, under a row lock: parallel guesses cannot share one try.
    const [row] = await trx('premieres_connexions')
      .where({ link_token_hash: hashToken(token) })
      .whereNull('used_at')
      .andWhere('expires_at', '>', trx.fn.now())
      .andWhere('attempts', '<', ESSAIS_CODE_SMS)
      .increment('attempts', 1)
      .returning(['id', 'aidant_id', 'code_hash', 'attempts']);
    if (!row) return { kind: 'expired' } as const;
    const expected = Buffer.from(row.code_hash, 'hex');
    const given = Buffer.from(hashCode(row.id, code), 'hex');
    if (!/^[0-9]{6}$/.test(code) || !timingSafeEqual(expected, given)) {
      return { kind: 'wrong_code', attemptsLeft: ESSAIS_CODE_SMS - row.attempts } as const;
    }
    const used = await trx('premieres_connexions').where({ id: row.id }).whereNull('used_at').update({ used_at: trx.fn.now() });
    const aidant = await Aidant.query(trx).findById(row.aidant_id);
    if (!used || !aidant || !aidant.is_active) return { kind: 'expired' } as const;
    await enregistrerConnexion(trx, aidant.id);
    await journaliser(trx, { action: 'connect_aidant', aidant_id: aidant.id, structure_id: aidant.current_structure_id, additional_information: 'première connexion' });
    return { kind: 'ok', aidant } as const;
  });
}
