// The `sessions` table behind express-session (api/session-store.ts): sessions survive restarts and are
// shared by every web instance behind a load balancer. A page's session is read with its account in one
// query, as a named prepared statement (README « Fournisseur d’identité de FranceConnect », issue 19).
import { requetePreparee, type Db } from '../connection.ts';
import { COLONNES_COMPTE_DE_LA_SESSION, compteDeLaLigne, type CompteDeLaSession } from './authentification.ts';

export interface SessionLue {
  sess: unknown;
  /** The row's expiry as stored (the session store writes it again only when it moves on: api/session-store.ts). */
  expiresAt: Date;
  /** The account of `sess.aidantId`, read with it (undefined: none, or no such account). */
  compte: CompteDeLaSession | undefined;
}

const SESSION_ET_COMPTE = `select s.sess, s.expires_at as session_expires_at, c.*
  from sessions as s
  left join lateral (select ${COLONNES_COMPTE_DE_LA_SESSION} from aidants as a
    where jsonb_typeof(s.sess->'aidantId') = 'number' and a.id = (s.sess->>'aidantId')::bigint) as c on true
  where s.sid = $1 and s.expires_at > now()`;

export async function lireSession(db: Db, sid: string): Promise<SessionLue | null> {
  const [ligne] = await requetePreparee<{ sess: unknown; session_expires_at: Date } & Parameters<typeof compteDeLaLigne>[0] & object>(db, 'session_et_compte', SESSION_ET_COMPTE, [sid]);
  if (!ligne) return null;
  const { sess, session_expires_at, ...compte } = ligne;
  return { sess, expiresAt: session_expires_at, compte: compteDeLaLigne(compte) };
}

export async function ecrireSession(db: Db, sid: string, sess: unknown, expiresAt: Date): Promise<void> {
  await requetePreparee(db, 'ecrire_session',
    `insert into sessions (sid, sess, expires_at) values ($1, $2, $3) on conflict (sid) do update set sess = excluded.sess, expires_at = excluded.expires_at`,
    [sid, JSON.stringify(sess), expiresAt]);
}

export async function prolongerSession(db: Db, sid: string, expiresAt: Date): Promise<void> {
  await db('sessions').where({ sid }).update({ expires_at: expiresAt });
}

export async function supprimerSession(db: Db, sid: string): Promise<void> {
  await db('sessions').where({ sid }).delete();
}

/** Removes expired sessions. */
export async function purgerSessionsExpirees(db: Db): Promise<number> {
  return db('sessions').where('expires_at', '<=', db.fn.now()).delete();
}
