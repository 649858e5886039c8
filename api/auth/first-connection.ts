// A référent's first connection: email + mobile matching an active référent without any device → a
// 6-digit code by SMS and a link by email; the link + the code open the session once, then the référent
// sets up an authenticator app.
//
// The request does the same work whether or not the email and mobile match (one statement that writes the
// connection and its two messages only when they do), so neither the answer nor its timing tells who is a
// référent. The code and the link's token rest only as hashes, and sealed in the outbox until the worker
// sends them.
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import type { Aidant } from '../../db/models/index.ts';
import { DELAI_ENTRE_ENVOIS_MS, DUREE_PREMIERE_CONNEXION_MS, ESSAIS_CODE_SMS } from '../../db/domain/authentification.ts';
import { emailValide, mobileE164, normaliserEmail } from '../../db/domain/contact.ts';
import {
  aidantParId, compterEssaiPremiereConnexion, creerPremiereConnexion, enregistrerConnexion, marquerPremiereConnexionUtilisee, premiereConnexionEnAttente,
} from '../../db/queries/authentification.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { seal } from '../../db/secrets.ts';
import { empreinteJeton } from '../../db/domain/jetons.ts';
import { courrielPremiereConnexion } from '../../db/courriels/authentification.ts';
import { cleTentatives, reserveAttempt } from './rate-limit.ts';

export interface PremiereConnexionDeps {
  db: Db;
  publicUrl: string;
}

export type DemandePremiereConnexion =
  | { kind: 'sent' }
  | { kind: 'format'; errors: Record<string, string> }
  | { kind: 'limited'; waitMs: number };

/** The code is checked against a hash bound to its link (a code alone opens nothing). */
const hashCode = (linkTokenHash: string, code: string) => empreinteJeton(`${linkTokenHash}:${code}`);

export async function demanderPremiereConnexion(deps: PremiereConnexionDeps, input: { email: unknown; phone: unknown; ip: string }): Promise<DemandePremiereConnexion> {
  const email = normaliserEmail(input.email);
  const phone = mobileE164(input.phone);
  const errors: Record<string, string> = {};
  if (!emailValide(email)) errors.email = 'Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr.';
  if (!phone) errors.phone = 'Saisissez un numéro de téléphone mobile, par exemple 06 12 34 56 78.';
  if (!phone || Object.keys(errors).length) return { kind: 'format', errors };

  const attempt = await reserveAttempt(deps.db, [
    { cle: cleTentatives('premiere-connexion', email), type: 'premiere-connexion' },
    { cle: cleTentatives('ip', input.ip), type: 'ip' },
  ]);
  if (attempt.waitMs > 0) return { kind: 'limited', waitMs: attempt.waitMs };

  const token = randomBytes(32).toString('base64url');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const tokenHash = empreinteJeton(token);
  const expiresAt = new Date(Date.now() + DUREE_PREMIERE_CONNEXION_MS);
  const mail = courrielPremiereConnexion({ first_name: '{{prenom}}' }, `${deps.publicUrl}/premiere-connexion/lien/{{jeton}}`);
  // Whatever the reason it does not match (unknown, not référent, phone, already a device, asked less than a
  // minute ago), nothing is written and the answer is the same. A new request replaces the previous ones.
  await creerPremiereConnexion(deps.db, {
    email, phone, delaiS: DELAI_ENTRE_ENVOIS_MS / 1000, tokenHash, codeHash: hashCode(tokenHash, code), expiresAt,
    smsBody: 'Aidants Connect : votre code de première connexion est {{code}}. Il expire dans 30 minutes. Ne le communiquez à personne.',
    smsSecrets: seal('outbox.secrets', JSON.stringify({ code })),
    subject: mail.subject,
    emailBody: mail.text,
    emailSecrets: seal('outbox.secrets', JSON.stringify({ jeton: token })),
  });
  return { kind: 'sent' };
}

async function pendingByToken(db: Db, token: string) {
  if (typeof token !== 'string' || token.length > 100) return undefined;
  return premiereConnexionEnAttente(db, empreinteJeton(token));
}

export async function lienPremiereConnexionValable(db: Db, token: string): Promise<boolean> {
  return Boolean(await pendingByToken(db, token));
}

export type ResultatPremiereConnexion = { kind: 'ok'; aidant: Aidant } | { kind: 'expired' } | { kind: 'wrong_code'; attemptsLeft: number };

export async function terminerPremiereConnexion(db: Db, token: string, codeInput: unknown): Promise<ResultatPremiereConnexion> {
  const code = typeof codeInput === 'string' ? codeInput.replace(/\s/g, '') : '';
  if (typeof token !== 'string' || token.length > 100) return { kind: 'expired' };
  return db.transaction(async (trx) => {
    // Each try is counted before the comparison, under a row lock: parallel guesses cannot share one try.
    const row = await compterEssaiPremiereConnexion(trx, empreinteJeton(token));
    if (!row) return { kind: 'expired' } as const;
    const expected = Buffer.from(row.code_hash, 'hex');
    const given = Buffer.from(hashCode(empreinteJeton(token), code), 'hex');
    if (!/^[0-9]{6}$/.test(code) || !timingSafeEqual(expected, given)) {
      return { kind: 'wrong_code', attemptsLeft: ESSAIS_CODE_SMS - row.attempts } as const;
    }
    const used = await marquerPremiereConnexionUtilisee(trx, row.id);
    const aidant = await aidantParId(trx, row.aidant_id);
    if (!used || !aidant || !aidant.is_active) return { kind: 'expired' } as const;
    await enregistrerConnexion(trx, aidant.id);
    await journaliser(trx, { action: 'connect_aidant', aidant_id: aidant.id, structure_id: aidant.current_structure_id, additional_information: 'première connexion' });
    return { kind: 'ok', aidant } as const;
  });
}
