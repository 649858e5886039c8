// Accounts created by commands: staff accounts and the demo accounts' authenticator apps. The secret is
// returned once, to be shown once; it is never printed again.
import { generateSecret, generateURI } from 'otplib';
import type { Db } from '../connection.ts';
import { PERIODE_TOTP_APPLICATION_S } from '../domain/authentification.ts';
import { emailValide, normaliserEmail } from '../domain/contact.ts';
import { seal } from '../secrets.ts';

export interface SecretApplication {
  secret: string;
  uri: string;
}

/** Gives the account an authenticator app when it has none; null when it already has one. */
export async function ajouterApplicationSiAbsente(db: Db, aidantId: number): Promise<SecretApplication | null> {
  const aidant = await db('aidants').where({ id: aidantId }).first('email');
  const secret = generateSecret();
  const inserted = await db('totp_devices')
    .insert({ aidant_id: aidantId, kind: 'app', secret: seal('totp_devices.secret', secret), period: PERIODE_TOTP_APPLICATION_S, confirmed: true })
    .onConflict(['aidant_id', 'kind'])
    .ignore()
    .returning('id');
  if (!inserted.length) return null;
  return { secret, uri: generateURI({ issuer: 'Aidants Connect', label: aidant.email, secret }) };
}

export class CompteExistant extends Error {}

export async function creerCompteStaff(db: Db, input: { email: string; first_name: string; last_name: string }): Promise<{ id: number } & SecretApplication> {
  const email = normaliserEmail(input.email);
  if (!emailValide(email)) throw new Error(`adresse e-mail invalide : ${input.email}`);
  if (!input.first_name.trim() || !input.last_name.trim()) throw new Error('le prénom et le nom sont obligatoires');
  return db.transaction(async (trx) => {
    if (await trx('aidants').where({ email }).first('id')) throw new CompteExistant(`un compte existe déjà pour ${email}`);
    const [row] = await trx('aidants')
      .insert({ email, first_name: input.first_name.trim(), last_name: input.last_name.trim(), is_staff: true, can_create_mandats: false, profession: 'Équipe Aidants Connect' })
      .returning('id');
    const app = (await ajouterApplicationSiAbsente(trx, row.id))!;
    return { id: row.id, ...app };
  });
}

