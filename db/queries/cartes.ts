// Importing physical TOTP cards from the maker's CSV (serial number, hex seed): each line is added, updated
// or refused with its reason; a refused line never stops the others, and each line is written whole or not.
import type { Db } from '../connection.ts';
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
