// All SQL of the second factors (TOTP cards and authenticator apps). Importing physical cards from the maker's
// CSV (serial number, hex seed): each line is added, updated or refused with its reason; a refused line never
// stops the others, and each line is written whole or not. Then an aidant's devices, below.
import type { Knex } from 'knex';
import type { Db } from '../connection.ts';
import { TotpDevice } from '../models/index.ts';
import { journaliser } from './journal.ts';
import { seal, unseal } from '../secrets.ts';

export interface LigneImport {
  ligne: number;
  numero: string;
  resultat: 'ajoutée' | 'mise à jour' | 'inchangée' | 'refusée';
  raison?: string;
}

export interface RapportImport {
  ajoutees: number;
  misesAJour: number;
  refusees: number;
  lignes: LigneImport[];
}

const SERIE = /^[A-Z0-9]{4,32}$/;
const GRAINE = /^[0-9a-f]{32,128}$/;

function cells(line: string): string[] {
  const sep = line.includes(';') ? ';' : ',';
  return line.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
}

export async function importerCartes(db: Db, staffId: number, csv: string): Promise<RapportImport> {
  const lignes: LigneImport[] = [];
  const rows = csv.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i].trim();
    if (!raw) continue;
    const [serialRaw = '', seedRaw = '', ...rest] = cells(raw);
    const numero = serialRaw.toUpperCase();
    const seed = seedRaw.toLowerCase();
    // A header line is recognised by its words, not counted as refused.
    if (i === 0 && /s[ée]rie|serial/i.test(serialRaw)) continue;
    const refuse = (raison: string) => lignes.push({ ligne: i + 1, numero: numero || '—', resultat: 'refusée', raison });
    if (rest.some((c) => c !== '')) { refuse('trop de colonnes (attendu : numéro de série, graine)'); continue; }
    if (!SERIE.test(numero)) { refuse('numéro de série invalide'); continue; }
    if (!GRAINE.test(seed) || seed.length % 2 !== 0) { refuse('graine invalide (hexadécimal attendu, 32 à 128 caractères)'); continue; }
    const result = await db.transaction(async (trx) => {
      // Insert-or-nothing first, so two imports of the same new card at once cannot collide.
      const added = await trx('totp_cards').insert({ serial_number: numero, seed: seal('totp_cards.seed', seed) }).onConflict('serial_number').ignore().returning('id');
      if (added.length) return 'ajoutée' as const;
      const existing = await trx('totp_cards').where({ serial_number: numero }).forUpdate().first();
      if (unseal('totp_cards.seed', existing.seed) === seed) return 'inchangée' as const;
      // The seed of a card in use cannot change under its aidant's feet.
      if (await trx('totp_devices').where({ card_id: existing.id }).first('id')) return 'en service' as const;
      await trx('totp_cards').where({ id: existing.id }).update({ seed: seal('totp_cards.seed', seed) });
      return 'mise à jour' as const;
    });
    if (result === 'en service') refuse('carte associée à un aidant : graine non modifiée');
    else lignes.push({ ligne: i + 1, numero, resultat: result });
  }
  const rapport: RapportImport = {
    ajoutees: lignes.filter((l) => l.resultat === 'ajoutée').length,
    misesAJour: lignes.filter((l) => l.resultat === 'mise à jour').length,
    refusees: lignes.filter((l) => l.resultat === 'refusée').length,
    lignes,
  };
  await journaliser(db, { action: 'import_totp_cards', aidant_id: staffId, additional_information: `${rapport.ajoutees} added - ${rapport.misesAJour} updated - ${rapport.refusees} refused` });
  return rapport;
}

// ——— An aidant's second factors (cards and authenticator apps), as the référent manages them
// (api/referent/devices.ts) and the aidant's page lists them (api/espace-aidant/compte.ts) ———

export interface CarteStock {
  id: number;
  serial_number: string;
  /** Sealed (db/secrets.ts). */
  seed: string;
}

export async function carteParNumeroVerrouillee(trx: Knex.Transaction, serial: string): Promise<CarteStock | undefined> {
  return trx('totp_cards').where({ serial_number: serial }).forUpdate().first();
}

/** The account a card is associated with, if any. */
export async function titulaireDeLaCarte(trx: Knex.Transaction, cardId: number): Promise<{ aidant_id: number } | undefined> {
  return trx('totp_devices').where({ card_id: cardId }).first('aidant_id');
}

export async function aUneCarte(trx: Knex.Transaction, aidantId: number): Promise<boolean> {
  return Boolean(await trx('totp_devices').where({ aidant_id: aidantId, kind: 'card' }).first('id'));
}

/** A card's device, not yet confirmed: its first code validates it. `secret` is sealed. */
export async function insererAppareilCarte(trx: Knex.Transaction, d: { aidantId: number; cardId: number; secret: string; period: number }): Promise<void> {
  await trx('totp_devices').insert({ aidant_id: d.aidantId, kind: 'card', card_id: d.cardId, secret: d.secret, period: d.period, confirmed: false });
}

/** The aidant's card device under a row lock (only a validated one with `confirmee`). */
export async function appareilCarteVerrouille(trx: Knex.Transaction, aidantId: number, confirmee?: true): Promise<TotpDevice | undefined> {
  return TotpDevice.query(trx).findOne(confirmee ? { aidant_id: aidantId, kind: 'card', confirmed: true } : { aidant_id: aidantId, kind: 'card' }).forUpdate();
}

/** The aidant's card device row under a row lock (for its dissociation). */
export async function ligneCarteVerrouillee(trx: Knex.Transaction, aidantId: number): Promise<{ id: number; card_id: number } | undefined> {
  return trx('totp_devices').where({ aidant_id: aidantId, kind: 'card' }).forUpdate().first();
}

export async function numeroSerieCarte(db: Db, cardId: number | null): Promise<string> {
  const card = await db('totp_cards').where({ id: cardId }).first('serial_number');
  return card.serial_number;
}

export async function confirmerAppareil(trx: Knex.Transaction, deviceId: number): Promise<void> {
  await trx('totp_devices').where({ id: deviceId, confirmed: false }).update({ confirmed: true });
}

export async function supprimerAppareil(trx: Knex.Transaction, deviceId: number): Promise<void> {
  await trx('totp_devices').where({ id: deviceId }).delete();
}

/** Removes the aidant's authenticator app; true when there was one. */
export async function supprimerApplication(trx: Knex.Transaction, aidantId: number): Promise<boolean> {
  return (await trx('totp_devices').where({ aidant_id: aidantId, kind: 'app' }).delete()) > 0;
}

/** A confirmed app whose first code was `lastTimeStep`. `secret` is sealed. */
export async function insererApplication(trx: Knex.Transaction, d: { aidantId: number; secret: string; period: number; lastTimeStep: number }): Promise<void> {
  await trx('totp_devices').insert({ aidant_id: d.aidantId, kind: 'app', secret: d.secret, period: d.period, confirmed: true, last_time_step: d.lastTimeStep });
}

/** Every open session of the account ends at its next request (api/auth/session.ts compares the version). */
export async function terminerSessions(trx: Knex.Transaction, aidantId: number): Promise<void> {
  await trx('aidants').where({ id: aidantId }).increment('session_version', 1);
}

export interface MoyenDeConnexion {
  kind: 'card' | 'app';
  serial_number: string | null;
}

/** The confirmed devices (cards and apps) the aidant can log in with. */
export async function moyensDeConnexion(db: Db, aidantId: number): Promise<MoyenDeConnexion[]> {
  return db('totp_devices').leftJoin('totp_cards', 'totp_cards.id', 'totp_devices.card_id')
    .where({ aidant_id: aidantId, confirmed: true }).select('kind', 'serial_number');
}

export async function aUnMoyenDeConnexion(db: Db, aidantId: number): Promise<boolean> {
  return Boolean(await db('totp_devices').where({ aidant_id: aidantId, confirmed: true }).first('id'));
}
