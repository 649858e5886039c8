// The journal's hash chain (issue 20): each row carries `hash` = SHA-256 of the previous row's hash and of its
// own content, so that a row altered, deleted or moved in the database breaks the chain at that row, and the
// daily anchor (head hash, row count, date) archived outside the database catches a rewrite of the whole chain.
//
// Canonical form of a row (what is hashed), defined here once and reproduced by the PostgreSQL function that
// the BEFORE INSERT trigger calls (db/migrations/chaine-journal.ts) — the verifier recomputes it in Node from
// the raw column values, so a function replaced in the database cannot vouch for an altered row:
//   - the columns of COLONNES_CHAINE_JOURNAL, in that order (chaine_rang first); a column whose value is NULL is left out (so a
//     nullable column added later to the list leaves the hashes of older rows unchanged);
//   - each present column as `<name>=<length in UTF-8 bytes>:<value>\n`, where the value is written as text:
//     integers in decimal, booleans `true`/`false`, uuids in lower case, texts as stored, and the timestamp in
//     UTC with microseconds, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (independent of the session's time zone);
//   - hash = hex(SHA-256(UTF-8(hash_precedent + "\n" + canonical form))), where hash_precedent is the previous
//     row's hash in its lane, 64 zeros for a lane's first row. Rows are chained in the order of `chaine_rang`
//     (1, 2, 3…) within their lane `chaine_voie`.
// `chaine_voie`, `chaine_rang` and `id` are hashed too: moving a row (swapping ids, ranks or lanes) changes what
// was hashed. They come first so that the trigger builds the rest of the form before taking a lane's lock.
//
// That is form 1, the rows written before migration 022 (their `chaine_forme` is NULL). Since then the trigger
// writes form 2 (`chaine_forme` = 2), the same values in one PostgreSQL row literal, which PL/pgSQL prepares
// in a fraction of the time of form 1's expression of some 150 calls (README « Journal infalsifiable »):
//   - the values of COLONNES_FORME_2, in that order (chaine_forme, chaine_voie, chaine_rang, id, then the others),
//     as text like form 1, except booleans `t`/`f` and the lane always written (0 too);
//   - written as PostgreSQL writes a row (record_out): `(` then the values separated by `,`, a NULL as nothing,
//     a value in double quotes when it is empty or holds `"`, `\`, `(`, `)`, `,` or an ASCII space character
//     (space, \t, \n, \v, \f, \r), `"` and `\` doubled inside the quotes;
//   - then the trailing NULL values are left out (with their commas) and so is the closing `)`: a nullable column
//     appended later to the list leaves older rows' form unchanged;
//   - hash = hex(SHA-256(UTF-8(hash_precedent + "\n" + form 2))).
// The verifier reads each row's `chaine_forme` and recomputes the form it says; form 2 binds it (its first value),
// so a row cannot be passed off under the other form.
//
// Lanes (migration 020, README « Journal infalsifiable »): the chain has NOMBRE_VOIES_JOURNAL lanes, each a hash
// chain of its own under its own transaction-level lock. A writer takes the first free lane, lane 0 first: one
// writer at a time (the usual load) makes one chain in lane 0, and concurrent writers no longer queue behind one
// another's commit — with one lock, every commit waited for the previous one, and the chain cost 50 to 75 % of
// the inserts per second with 8 writers. Lane 0 is left out of the canonical form (its NULL rule: `chaine_voie`
// is hashed as NULL when 0), so the rows chained before lanes existed keep their hashes. The daily anchor holds
// every lane's head and their root (racineChaine).
import { createHash } from 'node:crypto';

/** `voie`: an integer hashed as NULL (left out) when 0, the lane of the rows written before lanes existed. */
export type TypeColonneChaine = 'entier' | 'texte' | 'booleen' | 'uuid' | 'horodatage' | 'voie';

export interface ColonneChaine {
  nom: string;
  type: TypeColonneChaine;
}

/**
 * Every column of `journal` except `hash` and `hash_precedent` (tests/integration/journal-chaine.test.ts
 * checks it against the table). A migration that adds a journal column appends it here and to the list it
 * passes to installerForme2 (db/migrations/chaine-journal.ts), at the end and nullable, so older rows keep their hash.
 */
export const COLONNES_CHAINE_JOURNAL: readonly ColonneChaine[] = [
  { nom: 'chaine_voie', type: 'voie' },
  { nom: 'chaine_rang', type: 'entier' },
  { nom: 'id', type: 'entier' },
  { nom: 'action', type: 'texte' },
  { nom: 'aidant_id', type: 'entier' },
  { nom: 'structure_id', type: 'entier' },
  { nom: 'usager_id', type: 'entier' },
  { nom: 'mandat_id', type: 'entier' },
  { nom: 'demarche', type: 'texte' },
  { nom: 'duree', type: 'entier' },
  { nom: 'access_token', type: 'texte' },
  { nom: 'autorisation_id', type: 'entier' },
  { nom: 'attestation_hash', type: 'texte' },
  { nom: 'additional_information', type: 'texte' },
  { nom: 'is_remote_mandat', type: 'booleen' },
  { nom: 'user_phone', type: 'texte' },
  { nom: 'consent_request_id', type: 'uuid' },
  { nom: 'remote_consent_method', type: 'texte' },
  { nom: 'idempotency_key', type: 'texte' },
  { nom: 'created_at', type: 'horodatage' },
  { nom: 'oidc_client_id', type: 'texte' },
  { nom: 'consent_sms_id', type: 'entier' },
  { nom: 'chaine_forme', type: 'entier' },
];

/** The previous hash of a lane's first row. */
export const HASH_INITIAL = '0'.repeat(64);

/** One transaction-level advisory lock serialised the chain's writers before lanes (ASCII of "journal"; migration 011). */
export const VERROU_CHAINE_JOURNAL = 0x6a6f75726e616cn;

/** The lanes of the chain since migration 020 (0 to NOMBRE_VOIES_JOURNAL - 1). */
export const NOMBRE_VOIES_JOURNAL = 8;

/** A lane's transaction-level advisory lock is (VERROU_VOIES_JOURNAL, lane) (ASCII of "jour"). */
export const VERROU_VOIES_JOURNAL = 0x6a6f7572;

/** SQL giving a column's value as the text the canonical form uses (NULL stays NULL). */
export function sqlValeurTexte(colonne: ColonneChaine, ligne: string): string {
  const ref = `${ligne}.${colonne.nom}`;
  switch (colonne.type) {
    case 'texte':
      return ref;
    case 'entier':
    case 'uuid':
      return `${ref}::text`;
    case 'voie':
      return `nullif(${ref}, 0)::text`;
    case 'booleen':
      return `case when ${ref} then 'true' when not ${ref} then 'false' end`;
    case 'horodatage':
      return `to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  }
}

/**
 * SQL of the canonical form of the row `ligne` (NEW in the trigger). A NULL value makes its whole piece NULL,
 * and concat() leaves NULL pieces out: one call rather than a coalesce per column, a smaller expression that
 * PL/pgSQL prepares again in every transaction (the trigger's cost per single-row transaction, `npm run bench`).
 * octet_length counts the bytes of the database's encoding: UTF-8 (the migrations refuse any other).
 */
export function sqlTexteCanonique(colonnes: readonly ColonneChaine[], ligne: string): string {
  // concat() takes at most 100 arguments (PostgreSQL's FUNC_MAX_ARGS).
  if (colonnes.length > 100) throw new Error('forme canonique de plus de 100 colonnes');
  const pieces = colonnes.map((c) => {
    const v = sqlValeurTexte(c, ligne);
    return `'${c.nom}=' || octet_length(${v})::text || ':' || ${v} || E'\\n'`;
  });
  return `concat(${pieces.join(', ')})`;
}

/** The canonical form from the values as text (null when NULL), in COLONNES_CHAINE_JOURNAL's order. */
export function texteCanonique(valeurs: Record<string, string | null>, colonnes: readonly ColonneChaine[] = COLONNES_CHAINE_JOURNAL): string {
  let texte = '';
  for (const c of colonnes) {
    const v = valeurs[c.nom];
    if (v === null || v === undefined) continue;
    texte += `${c.nom}=${Buffer.byteLength(v, 'utf8')}:${v}\n`;
  }
  return texte;
}

/** The same from a row read as an array, the columns' values from `debut` on (the verifier's hot loop). */
export function texteCanoniqueTableau(ligne: readonly unknown[], debut: number, colonnes: readonly ColonneChaine[] = COLONNES_CHAINE_JOURNAL): string {
  let texte = '';
  for (let i = 0; i < colonnes.length; i++) {
    const v = ligne[debut + i] as string | null;
    if (v === null || v === undefined) continue;
    texte += `${colonnes[i].nom}=${Buffer.byteLength(v, 'utf8')}:${v}\n`;
  }
  return texte;
}

/** The form migration 022's trigger writes (`chaine_forme`); NULL is form 1. */
export const FORME_CHAINE_JOURNAL = 2;

/** Form 2's values, in order: chaine_forme first, then COLONNES_CHAINE_JOURNAL's order. */
export const COLONNES_FORME_2: readonly ColonneChaine[] = [
  { nom: 'chaine_forme', type: 'entier' },
  ...COLONNES_CHAINE_JOURNAL.filter((c) => c.nom !== 'chaine_forme'),
];

/** SQL of form 2 of the row `ligne` (NEW in the trigger): its values in one row literal, trailing NULLs cut. */
export function sqlTexteForme2(ligne: string): string {
  const valeurs = COLONNES_FORME_2.map((c) =>
    c.type === 'horodatage' || c.type === 'uuid' ? sqlValeurTexte(c, ligne) : `${ligne}.${c.nom}`);
  return `rtrim(row(${valeurs.join(', ')})::text, ',)')`;
}

/** One value as record_out writes it (PostgreSQL's rowtypes.c): quoted when empty or holding a special character. */
function valeurLigne(v: string | null): string {
  if (v === null) return '';
  if (v !== '' && !/["\\(),\t\n\v\f\r ]/.test(v)) return v;
  return `"${v.replace(/["\\]/g, (c) => c + c)}"`;
}

/** Form 2 from the values as text (null when NULL) in COLONNES_FORME_2's order, booleans `t`/`f`. */
export function texteForme2(valeurs: readonly (string | null)[]): string {
  let fin = valeurs.length;
  while (fin > 0 && valeurs[fin - 1] === null) fin--;
  let texte = '(';
  for (let i = 0; i < fin; i++) texte += (i ? ',' : '') + valeurLigne(valeurs[i]);
  return texte;
}

/**
 * Form 2 from a row read by the verifier: its lane (raw), rank (raw), then the columns of COLONNES_CHAINE_JOURNAL
 * from `debut` on as sqlValeurTexte gives them (booleans `true`/`false`, lane 0 as NULL), rewritten as form 2 has them.
 */
export function texteForme2Tableau(ligne: readonly unknown[], debut: number, voie: number, rang: number): string {
  const valeurs: (string | null)[] = [String(FORME_CHAINE_JOURNAL), String(voie), String(rang)];
  for (let i = 0; i < COLONNES_CHAINE_JOURNAL.length; i++) {
    const c = COLONNES_CHAINE_JOURNAL[i];
    if (c.nom === 'chaine_voie' || c.nom === 'chaine_rang' || c.nom === 'chaine_forme') continue;
    const v = (ligne[debut + i] ?? null) as string | null;
    valeurs.push(c.type === 'booleen' && v !== null ? (v === 'true' ? 't' : 'f') : v);
  }
  return texteForme2(valeurs);
}

export function hashLigne(hashPrecedent: string, canonique: string): string {
  return createHash('sha256').update(`${hashPrecedent}\n${canonique}`, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// The daily anchor: what an administrator archives outside the database (a file under DATA_DIR and a log line).

/** A lane's last row. */
export interface TeteVoie {
  voie: number;
  rang: number;
  hash: string;
}

export interface AncreJournal {
  /** The day it was written for (YYYY-MM-DD, UTC). */
  date: string;
  /** Rows in the chain at that moment (the sum of the lanes' ranks). */
  lignes: number;
  /** The root of the lanes' heads (racineChaine; 64 zeros for an empty journal). */
  hash: string;
  /** Each non-empty lane's head, by lane. An anchor written before lanes has none: lane 0's head was `hash` at rank `lignes`. */
  voies: TeteVoie[];
  ecriteA: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * One hash for the heads of all lanes: 64 zeros for an empty journal, lane 0's head hash when it is the only
 * lane (the chain as it was before lanes), otherwise SHA-256 of `<lane>:<rank>:<hash>\n` for each lane in order.
 */
export function racineChaine(voies: readonly TeteVoie[]): string {
  const triees = [...voies].sort((a, b) => a.voie - b.voie);
  if (triees.length === 0) return HASH_INITIAL;
  if (triees.length === 1 && triees[0].voie === 0) return triees[0].hash;
  return createHash('sha256').update(triees.map((v) => `${v.voie}:${v.rang}:${v.hash}\n`).join(''), 'utf8').digest('hex');
}

/** Reads an anchor file's text; an explicit French message when it is not one. */
export function lireAncre(texte: string): AncreJournal {
  let v: unknown;
  try {
    v = JSON.parse(texte);
  } catch {
    throw new Error('le fichier d’ancre n’est pas du JSON');
  }
  const a = v as Partial<AncreJournal>;
  if (!a || typeof a !== 'object' || typeof a.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(a.date)
    || !Number.isSafeInteger(a.lignes) || (a.lignes as number) < 0 || typeof a.hash !== 'string' || !HEX64.test(a.hash)) {
    throw new Error('le fichier d’ancre doit contenir date (AAAA-MM-JJ), lignes (entier ≥ 0) et hash (64 caractères hexadécimaux)');
  }
  const lignes = a.lignes as number;
  // An anchor written before lanes: the head of lane 0, the only one then.
  const voies = a.voies === undefined ? (lignes > 0 ? [{ voie: 0, rang: lignes, hash: a.hash }] : []) : a.voies;
  const voieValide = (t: unknown): t is TeteVoie => {
    const x = t as TeteVoie;
    return !!x && typeof x === 'object' && Number.isInteger(x.voie) && x.voie >= 0 && x.voie < NOMBRE_VOIES_JOURNAL
      && Number.isSafeInteger(x.rang) && x.rang > 0 && typeof x.hash === 'string' && HEX64.test(x.hash);
  };
  if (!Array.isArray(voies) || !voies.every(voieValide) || new Set(voies.map((t) => t.voie)).size !== voies.length) {
    throw new Error(`le fichier d’ancre doit donner dans voies la tête de chaque voie (voie de 0 à ${NOMBRE_VOIES_JOURNAL - 1}, rang ≥ 1, hash), une fois chacune`);
  }
  const tetes = voies.map((t) => ({ voie: t.voie, rang: t.rang, hash: t.hash })).sort((x, y) => x.voie - y.voie);
  if (tetes.reduce((n, t) => n + t.rang, 0) !== lignes || racineChaine(tetes) !== a.hash) {
    throw new Error('le fichier d’ancre n’est pas cohérent : lignes doit être la somme des rangs des voies, et hash leur racine');
  }
  return { date: a.date, lignes, hash: a.hash, voies: tetes, ecriteA: typeof a.ecriteA === 'string' ? a.ecriteA : '' };
}

/** The anchor of a verified chain's state, for the day `date`. */
export function ancreDeLEtat(date: string, etat: EtatChaine, ecriteA: string): AncreJournal {
  return { date, lignes: etat.lignes, hash: etat.racine, voies: etat.voies.map(({ voie, rang, hash }) => ({ voie, rang, hash })), ecriteA };
}

export function nomFichierAncre(date: string): string {
  return `ancre-journal-${date}.json`;
}

// ---------------------------------------------------------------------------------------------------------
// The verification's verdict, shared by the command, the staff page and the tests.

export type RaisonRupture =
  /** The row's content no longer gives its hash (altered in place). */
  | 'contenu'
  /** The row does not follow the previous one (a row deleted or moved before it, or the chain forked). */
  | 'lien'
  /** Ranks do not follow each other (a row deleted before it). */
  | 'rang'
  /** The row at the anchor's rank does not carry the anchor's hash (the chain was rewritten). */
  | 'ancre'
  /** The journal has fewer rows than the anchor counted (rows deleted at the end). */
  | 'ancre_absente';

export interface RuptureChaine {
  raison: RaisonRupture;
  /** The first broken row, in the order of lanes then ranks (null when rows are missing at the end, reason `ancre_absente`). */
  id: number | null;
  rang: number | null;
  /** Its lane (for `ancre_absente`, the lane that lost rows). */
  voie: number | null;
}

/** The chain's state: its rows, each lane's head (its last row) and their root. */
export interface EtatChaine {
  lignes: number;
  racine: string;
  voies: (TeteVoie & { id: number })[];
}

/** The breaks a verdict lists (the first ones, in the order of lanes then ranks); the others are only counted. */
export const RUPTURES_LISTEES = 100;

export interface VerdictChaine {
  ok: boolean;
  /** Rows read: all of them, the check going on past a break (each row is checked against the one before it). */
  lignes: number;
  /** Rows read before the first break (all of them when ok). */
  intactesAvant: number;
  /** The lanes' heads when ok. */
  etat: EtatChaine | null;
  /** The first break. */
  rupture: RuptureChaine | null;
  /** Every break, up to RUPTURES_LISTEES: a break planted early cannot hide a later one. */
  ruptures: RuptureChaine[];
  /** How many breaks there are in all. */
  nombreRuptures: number;
  /** The anchor checked, when one was given. */
  ancre: AncreJournal | null;
  dureeMs: number;
}

export function messageRupture(r: RuptureChaine): string {
  const ligne = `la ligne n°\u00a0${r.id} (${r.voie ? `voie ${r.voie}, ` : ''}rang ${r.rang})`;
  switch (r.raison) {
    case 'contenu':
      return `${ligne} a été modifiée : son contenu ne correspond plus à son empreinte`;
    case 'lien':
      return `${ligne} ne suit plus la ligne précédente : une ligne a été supprimée, déplacée ou réécrite avant elle`;
    case 'rang':
      return `${ligne} ne suit pas le rang précédent : une ligne a été supprimée avant elle`;
    case 'ancre':
      return `${ligne} ne porte pas l’empreinte de l’ancre archivée : la chaîne a été réécrite`;
    case 'ancre_absente':
      return `le journal compte moins de lignes${r.voie ? ` dans la voie ${r.voie}` : ''} que l’ancre archivée : des lignes ont été supprimées`;
  }
}
