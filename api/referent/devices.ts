// What a référent does to an aidant's second factor: associate a card by serial number, validate it with a
// code read on it, dissociate it with a reason, enrol an authenticator app. Each action is journaled.
import { verify } from 'otplib';
import { base32, hex } from '@scure/base';
import type { Db } from '../../db/connection.ts';
import {
  appareilCarteVerrouille, aUneCarte, carteParNumeroVerrouillee, confirmerAppareil, insererApplication, insererAppareilCarte, ligneCarteVerrouillee,
  numeroSerieCarte, supprimerApplication, supprimerAppareil, terminerSessions, titulaireDeLaCarte,
} from '../../db/queries/cartes.ts';
import { journaliser } from '../../db/queries/journal.ts';
import {
  PERIODE_TOTP_APPLICATION_S,
  PERIODE_TOTP_CARTE_S,
  RAISONS_DISSOCIATION_CARTE,
  TOLERANCE_RESYNCHRONISATION,
  estCodeTotp,
  type RaisonDissociation,
} from '../../db/domain/authentification.ts';
import { resynchronise, verifyOnDevice } from '../auth/totp.ts';
import { cleTentatives, minutesLabel, refundAttempt, reserveAttempt, type Attempt } from '../auth/rate-limit.ts';
import { seal, unseal } from '../../db/secrets.ts';


export class DeviceError extends Error {
  field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export interface Actor {
  referentId: number;
  /** The structure the action is made for (null for a référent setting up their own app without one). */
  structureId: number | null;
}

/** Card seeds arrive as hex (as in the public service); otplib wants base32. */
export function seedToBase32(seedHex: string): string {
  return base32.encode(hex.decode(seedHex.toLowerCase())).replace(/=+$/, '');
}

export function normaliserNumeroSerie(value: unknown): string {
  return typeof value === 'string' ? value.trim().toUpperCase().replace(/\s+/g, '') : '';
}

export async function associerCarte(db: Db, actor: Actor, aidantId: number, serialInput: unknown): Promise<void> {
  const serial = normaliserNumeroSerie(serialInput);
  if (!/^[A-Z0-9]{4,32}$/.test(serial)) throw new DeviceError('serial', 'Saisissez le numéro de série inscrit au dos de la carte, par exemple GADT0001234.');
  await db.transaction(async (trx) => {
    const card = await carteParNumeroVerrouillee(trx, serial);
    if (!card) throw new DeviceError('serial', 'Aucune carte ne porte ce numéro de série. Vérifiez-le ou contactez l’équipe Aidants Connect.');
    const usedBy = await titulaireDeLaCarte(trx, card.id);
    if (usedBy) throw new DeviceError('serial', usedBy.aidant_id === aidantId ? 'Cette carte est déjà associée à cet aidant.' : 'Cette carte est déjà associée à un autre aidant.');
    if (await aUneCarte(trx, aidantId)) throw new DeviceError('serial', 'Cet aidant a déjà une carte : dissociez-la avant d’en associer une autre.');
    await insererAppareilCarte(trx, { aidantId, cardId: card.id, secret: seal('totp_devices.secret', seedToBase32(unseal('totp_cards.seed', card.seed))), period: PERIODE_TOTP_CARTE_S });
    await journaliser(trx, { action: 'card_association', aidant_id: actor.referentId, structure_id: actor.structureId, additional_information: `aidant.id=${aidantId}, sn=${serial}` });
  });
}

/**
 * Codes typed for one aidant's card (validation, resynchronisation) are counted outside the transaction that
 * checks them, so a refused code still counts: 5 per 15 minutes.
 */
async function cardAttempt(db: Db, aidantId: number): Promise<Attempt> {
  const attempt = await reserveAttempt(db, [{ cle: cleTentatives('carte', String(aidantId)), type: 'carte' }]);
  if (attempt.waitMs > 0) throw new DeviceError('code', `Trop de codes erronés pour cette carte. Réessayez dans ${minutesLabel(attempt.waitMs)}.`);
  return attempt;
}

export async function validerCarte(db: Db, actor: Actor, aidantId: number, codeInput: unknown): Promise<void> {
  const code = typeof codeInput === 'string' ? codeInput.replace(/\s/g, '') : '';
  if (!estCodeTotp(code)) throw new DeviceError('code', 'Saisissez les 6 chiffres affichés sur la carte.');
  const attempt = await cardAttempt(db, aidantId);
  // One transaction with the device locked: a dissociation at the same moment cannot be journaled as validated.
  await db.transaction(async (trx) => {
    const device = await appareilCarteVerrouille(trx, aidantId);
    if (!device) throw new DeviceError('code', 'Cet aidant n’a pas de carte associée.');
    if (device.confirmed) throw new DeviceError('code', 'Cette carte est déjà validée.');
    const check = await verifyOnDevice(trx, device, code);
    if (!check.ok) throw new DeviceError('code', 'Ce code ne correspond pas à la carte. Attendez le code suivant et réessayez.');
    const serial = await numeroSerieCarte(trx, device.card_id);
    await confirmerAppareil(trx, device.id);
    await journaliser(trx, { action: 'card_validation', aidant_id: actor.referentId, structure_id: actor.structureId, additional_information: `aidant.id=${aidantId}, sn=${serial}` });
  });
  await refundAttempt(db, attempt);
}

/**
 * A card whose clock drifted: someone authenticated (the référent in the espace référent, behind a fresh code)
 * types the code it shows; it is looked for ±30 steps away and the drift is learnt. Never on anonymous failures.
 */
export async function resynchroniserCarte(db: Db, actor: Actor, aidantId: number, codeInput: unknown): Promise<void> {
  const code = typeof codeInput === 'string' ? codeInput.replace(/\s/g, '') : '';
  if (!estCodeTotp(code)) throw new DeviceError('code', 'Saisissez les 6 chiffres affichés sur la carte.');
  const attempt = await cardAttempt(db, aidantId);
  await db.transaction(async (trx) => {
    const device = await appareilCarteVerrouille(trx, aidantId, true);
    if (!device) throw new DeviceError('code', 'Cet aidant n’a pas de carte validée.');
    const check = await resynchronise(trx, device, code, TOLERANCE_RESYNCHRONISATION);
    if (!check.ok) throw new DeviceError('code', 'Ce code ne correspond pas à la carte, même décalée. Vérifiez le numéro de série et réessayez.');
    const serial = await numeroSerieCarte(trx, device.card_id);
    await journaliser(trx, { action: 'card_validation', aidant_id: actor.referentId, structure_id: actor.structureId, additional_information: `aidant.id=${aidantId}, sn=${serial}, resynchronisation` });
  });
  await refundAttempt(db, attempt);
}

export function estRaisonDissociation(value: unknown): value is RaisonDissociation {
  return typeof value === 'string' && Object.hasOwn(RAISONS_DISSOCIATION_CARTE, value);
}

export async function dissocierCarte(db: Db, actor: Actor, aidantId: number, raison: unknown, precision: unknown): Promise<void> {
  if (!estRaisonDissociation(raison)) throw new DeviceError('raison', 'Choisissez la raison de la dissociation.');
  const detail = typeof precision === 'string' ? precision.trim().slice(0, 500) : '';
  if (raison === 'autre' && !detail) throw new DeviceError('precision', 'Précisez la raison de la dissociation.');
  await db.transaction(async (trx) => {
    const device = await ligneCarteVerrouillee(trx, aidantId);
    if (!device) throw new DeviceError('raison', 'Cet aidant n’a pas de carte associée.');
    const serial = await numeroSerieCarte(trx, device.card_id);
    await supprimerAppareil(trx, device.id);
    // Whoever logged in with the lost card is logged out (session version, checked on each request).
    await terminerSessions(trx, aidantId);
    await journaliser(trx, {
      action: 'card_dissociation',
      aidant_id: actor.referentId,
      structure_id: actor.structureId,
      additional_information: `aidant.id=${aidantId}, sn=${serial}, raison=${RAISONS_DISSOCIATION_CARTE[raison]}${detail ? ` : ${detail}` : ''}`,
    });
  });
}

/** Confirms an app enrolment: the first code proves the app holds the secret; replaces a previous app. */
export async function enregistrerApplication(db: Db, actor: Actor, aidantId: number, secret: string, codeInput: unknown): Promise<void> {
  const code = typeof codeInput === 'string' ? codeInput.replace(/\s/g, '') : '';
  if (!estCodeTotp(code)) throw new DeviceError('code', 'Saisissez les 6 chiffres affichés par l’application.');
  const result = await verify({ secret, token: code, period: PERIODE_TOTP_APPLICATION_S, epochTolerance: PERIODE_TOTP_APPLICATION_S });
  if (!result.valid) throw new DeviceError('code', 'Ce code ne correspond pas. Vérifiez que vous avez scanné le bon QR code et saisissez le code affiché.');
  const timeStep = (result as { timeStep: number }).timeStep;
  await db.transaction(async (trx) => {
    const replaced = await supprimerApplication(trx, aidantId);
    // The replaced app may be in someone else's hands: every open session of the account ends.
    if (replaced) await terminerSessions(trx, aidantId);
    await insererApplication(trx, { aidantId, secret: seal('totp_devices.secret', secret), period: PERIODE_TOTP_APPLICATION_S, lastTimeStep: timeStep });
    await journaliser(trx, { action: 'card_association', aidant_id: actor.referentId, structure_id: actor.structureId, additional_information: `aidant.id=${aidantId}, application` });
  });
}
