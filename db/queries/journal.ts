// Writing to the append-only journal, and checking its hash chain. An idempotency key makes a retried writer add the entry only once.
import type { Db } from '../connection.ts';
import type { ActionJournal } from '../domain/statuts.ts';
import {
  COLONNES_CHAINE_JOURNAL,
  HASH_INITIAL,
  NOMBRE_VOIES_JOURNAL,
  hashLigne,
  racineChaine,
  sqlValeurTexte,
  texteCanoniqueTableau,
  texteForme2Tableau,
  FORME_CHAINE_JOURNAL,
  RUPTURES_LISTEES,
  type AncreJournal,
  type EtatChaine,
  type RuptureChaine,
  type VerdictChaine,
} from '../domain/chaine-journal.ts';

export interface EntreeJournal {
  action: ActionJournal;
  aidant_id?: number | null;
  structure_id?: number | null;
  usager_id?: number | null;
  mandat_id?: number | null;
  demarche?: string | null;
  duree?: number | null;
  autorisation_id?: number | null;
  /** SHA-256 of the access token a `use_autorisation` answered (never the token itself). */
  access_token?: string | null;
  /** The OpenID Connect client (FranceConnect) of a `use_autorisation`. */
  oidc_client_id?: string | null;
  additional_information?: string;
  idempotency_key?: string;
  /** The proof hash of a `create_attestation` (db/queries/preuves.ts). */
  attestation_hash?: string;
  /** A remote mandat's `create_attestation`: the SMS consent it comes from. */
  is_remote_mandat?: boolean;
  remote_consent_method?: string;
  consent_request_id?: string;
}

export async function journaliser(db: Db, entree: EntreeJournal): Promise<void> {
  const q = db('journal').insert(entree);
  if (entree.idempotency_key) await q.onConflict('idempotency_key').ignore();
  else await q;
}

/**
 * The latest deactivation of an aidant's account, from the row written when it happened: a référent's
 * (`aidant_deactivation`, written by api/referent/lifecycle.ts with `aidant.id=<id>, raison=<reason>`) in one of
 * `structureIds`, or the inactivity watch's (`inactivity_deactivation`, activities/inactivite.ts).
 */
export async function derniereDesactivation(db: Db, structureIds: number[], aidantId: number): Promise<{ le: Date; raison: string | null; par: string | null; inactivite: boolean } | null> {
  const row = await db('journal as j')
    .leftJoin('aidants as a', 'a.id', 'j.aidant_id')
    .where((q) => q
      .where((r) => r.where('j.action', 'aidant_deactivation').whereIn('j.structure_id', structureIds)
        .where((s) => s.where('j.additional_information', `aidant.id=${aidantId}`).orWhere('j.additional_information', 'like', `aidant.id=${aidantId}, %`)))
      .orWhere((r) => r.where({ 'j.action': 'inactivity_deactivation', 'j.aidant_id': aidantId })))
    .orderBy('j.created_at', 'desc').orderBy('j.id', 'desc')
    .first('j.action', 'j.created_at', 'j.additional_information', db.raw(`a.first_name || ' ' || a.last_name as par`));
  if (!row) return null;
  if (row.action === 'inactivity_deactivation') return { le: row.created_at, raison: row.additional_information ?? null, par: null, inactivite: true };
  const raison = /, raison=(.*)$/s.exec(row.additional_information ?? '')?.[1] ?? null;
  return { le: row.created_at, raison, par: row.par ?? null, inactivite: false };
}

// ---------------------------------------------------------------------------------------------------------
// The hash chain (db/domain/chaine-journal.ts): its lanes' heads, and the verification of the whole chain, read
// in batches of `taille` rows by lane then rank (keyset on the unique index journal_chaine_rang), so that memory
// stays flat whatever the journal's size. The hashes are recomputed here, in Node, from the raw values: nothing
// in the database (not even its function journal_texte_canonique) is trusted to vouch for a row.

/** Each non-empty lane's last row, the rows counted as the sum of the lanes' ranks, and their root. */
export async function etatChaine(db: Db): Promise<EtatChaine> {
  // One index probe per lane (a lane's last rank), rather than a scan of the journal.
  const { rows } = await db.raw(`select t.id, t.chaine_voie as voie, t.chaine_rang as rang, t.hash
    from generate_series(0, ${NOMBRE_VOIES_JOURNAL - 1}) v
    cross join lateral (select id, chaine_voie, chaine_rang, hash from journal where chaine_voie = v order by chaine_rang desc limit 1) t
    order by t.chaine_voie`);
  const voies = (rows as { id: number; voie: number; rang: string | number; hash: string }[]).map((r) => ({ voie: r.voie, id: r.id, rang: Number(r.rang), hash: r.hash }));
  return { lignes: voies.reduce((n, v) => n + v.rang, 0), racine: racineChaine(voies), voies };
}

/**
 * What chains the journal at insert (README « Journal infalsifiable » → « Déclencheur en C »): the trigger in C,
 * the one in PL/pgSQL, or nothing — a database restored without the C library, where every journal write is
 * refused (the chain's columns are NOT NULL).
 */
export async function declencheurChaine(db: Db): Promise<'c' | 'plpgsql' | null> {
  const { rows } = await db.raw(`select l.lanname as langage from pg_trigger t
    join pg_proc p on p.oid = t.tgfoid join pg_language l on l.oid = p.prolang
    where t.tgname = 'journal_chaine' and t.tgrelid = to_regclass('public.journal') and t.tgenabled <> 'D'`);
  const langage = (rows as { langage: string }[])[0]?.langage;
  return langage === 'c' || langage === 'plpgsql' ? langage : null;
}

/** Selected columns: id, lane, rank, previous hash, hash, then the hashed columns as text (COLONNES_CHAINE_JOURNAL). */
const SELECTION_CHAINE = ['j.id', 'j.chaine_voie', 'j.chaine_rang', 'j.hash_precedent', 'j.hash', ...COLONNES_CHAINE_JOURNAL.map((c) => sqlValeurTexte(c, 'j'))].join(', ');
const PREMIERE_VALEUR = 5;
/** Where the row's form is in a row read (chaine_forme among the hashed columns): NULL for form 1. */
const FORME = PREMIERE_VALEUR + COLONNES_CHAINE_JOURNAL.findIndex((c) => c.nom === 'chaine_forme');

type LigneLue = [number, number, number, string, string, ...(string | null)[]];

interface ConnexionPg {
  query(q: { text: string; values: unknown[]; rowMode: 'array' }): Promise<{ rows: LigneLue[] }>;
}

export interface OptionsVerification {
  /** An archived anchor: the row at each of its lanes' rank must carry its hash. */
  ancre?: AncreJournal | null;
  taille?: number;
  /** After each batch (progress of the command). */
  apresLot?: (lignesLues: number) => void;
}

/**
 * The chain as of one snapshot (a read-only REPEATABLE READ transaction: rows appended meanwhile are left for the
 * next check), read through a cursor in lane then rank order: each lane must run from rank 1 on, each row
 * following the previous one of its lane and carrying the hash of its own content. A break does not end the
 * check: the next row is checked against the broken one as it is stored, so that every place where the journal
 * was touched is named, and a break planted on purpose cannot hide a later one (README « Journal infalsifiable »).
 * Only the index's order is allowed to the planner: with statistics lagging behind a journal that grew fast, it
 * could otherwise sort the whole table, formatting every row first. Rows come as arrays; the next batch is asked
 * for before the current one is hashed, so PostgreSQL reads while Node hashes.
 */
export async function verifierChaine(db: Db, opts: OptionsVerification = {}): Promise<VerdictChaine> {
  const debut = performance.now();
  const taille = opts.taille ?? 5000;
  const ancre = opts.ancre ?? null;
  const ancrees = new Map((ancre?.voies ?? []).map((t) => [t.voie, t]));
  const tetes: EtatChaine['voies'] = [];
  let precedent = { voie: -1, rang: 0, hash: HASH_INITIAL, id: 0 };
  let lignes = 0;
  let intactesAvant = -1;
  let nombreRuptures = 0;
  const ruptures: RuptureChaine[] = [];
  const rompre = (r: RuptureChaine) => {
    if (nombreRuptures++ === 0) intactesAvant = lignes;
    if (ruptures.length < RUPTURES_LISTEES) ruptures.push(r);
  };
  /** The lane just read is over: its head is kept, and it must reach the anchor's rank. */
  const finDeVoie = () => {
    if (precedent.voie < 0) return;
    tetes.push({ voie: precedent.voie, id: precedent.id, rang: precedent.rang, hash: precedent.hash });
    const a = ancrees.get(precedent.voie);
    if (a && precedent.rang < a.rang) rompre({ raison: 'ancre_absente', id: null, rang: null, voie: precedent.voie });
  };
  const connexion = (await db.client.acquireConnection()) as ConnexionPg;
  const sql = (text: string) => connexion.query({ text, values: [], rowMode: 'array' });
  let suivant: Promise<{ rows: LigneLue[] }> | null = null;
  try {
    await sql('begin isolation level repeatable read read only');
    await sql('set local enable_seqscan = off; set local enable_bitmapscan = off; set local enable_sort = off');
    await sql(`declare chaine no scroll cursor for select ${SELECTION_CHAINE} from journal j order by j.chaine_voie, j.chaine_rang`);
    const lot = () => sql(`fetch forward ${Number(taille)} from chaine`);
    suivant = lot();
    while (suivant) {
      const { rows }: { rows: LigneLue[] } = await suivant;
      suivant = rows.length === taille ? lot() : null;
      for (const l of rows) {
        const [id, voie, rang, hashPrecedent, hash] = l;
        if (voie !== precedent.voie) {
          finDeVoie();
          precedent = { voie, rang: 0, hash: HASH_INITIAL, id: 0 };
        }
        // Each row in the form it says it has (form 2 hashes that value too: a row cannot change form unseen).
        const forme = l[FORME];
        const texte = forme === null ? texteCanoniqueTableau(l, PREMIERE_VALEUR)
          : forme === String(FORME_CHAINE_JOURNAL) ? texteForme2Tableau(l, PREMIERE_VALEUR, voie, rang) : null;
        const a = ancrees.get(voie);
        // One break per row, the first of its reasons in this order.
        const raison: RuptureChaine['raison'] | null = rang !== precedent.rang + 1 ? 'rang'
          : hashPrecedent !== precedent.hash ? 'lien'
          : texte === null || hashLigne(hashPrecedent, texte) !== hash ? 'contenu'
          : a && rang === a.rang && hash !== a.hash ? 'ancre'
          : null;
        if (raison) rompre({ raison, id, rang, voie });
        precedent = { voie, rang, hash, id };
        lignes++;
      }
      opts.apresLot?.(lignes);
    }
  } finally {
    // A batch asked for ahead is left unread when the check fails: the connection goes back once it is done.
    await suivant?.catch(() => undefined);
    await sql('rollback').catch(() => undefined);
    await db.client.releaseConnection(connexion);
  }
  finDeVoie();
  // A lane of the anchor with no row left at all.
  for (const a of ancrees.values()) {
    if (!tetes.some((t) => t.voie === a.voie)) rompre({ raison: 'ancre_absente', id: null, rang: null, voie: a.voie });
  }
  const ok = nombreRuptures === 0;
  return {
    ok,
    lignes,
    intactesAvant: ok ? lignes : intactesAvant,
    etat: ok ? { lignes, racine: racineChaine(tetes), voies: tetes } : null,
    rupture: ruptures[0] ?? null,
    ruptures,
    nombreRuptures,
    ancre,
    dureeMs: performance.now() - debut,
  };
}
