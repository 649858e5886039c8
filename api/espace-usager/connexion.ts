// The usager logs in to their espace with FranceConnect (issue 21 §1): the same client as at mandat creation
// (FranceConnect's `sub` is per client), the espace's own callback. `state` and `nonce` are drawn per attempt
// and used once whatever the outcome; the client checks the code exchange, the ID token (signature, iss, aud,
// exp, nonce, acr = eidas1) and the pivot identity (api/franceconnect/client.ts). The usager is found by the
// salted `sub` (db/domain/usager.ts): a person with no mandat is told so, and nothing is written about them.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.ts';
import { hashSaltFromEnv, subUsager } from '../../db/domain/usager.ts';
import { journaliser } from '../../db/queries/journal.ts';
import { usagerAvecMandatParSub } from '../../db/queries/espace-usager.ts';
import { logger } from '../../db/platform/logger.ts';
import { FranceConnectError, type CodeErreurFranceConnect, type FranceConnectClient } from '../franceconnect/index.ts';

const log = logger.child({ component: 'espace-usager' });

/** A login started more than 30 minutes ago is not finished (FranceConnect's own session lasts as long). */
export const DELAI_CONNEXION_USAGER_MS = 30 * 60 * 1000;

/** The sentences shown to the usager (the client's own are written for the aidant at mandat creation). */
export const MESSAGES_CONNEXION_USAGER: Record<CodeErreurFranceConnect | 'identite_differente', string> = {
  access_denied: 'Vous avez annulé la connexion avec FranceConnect. Vous pouvez recommencer quand vous le souhaitez.',
  state_invalide: 'Cette réponse de FranceConnect n’est plus valable (déjà utilisée, expirée ou modifiée) : vous n’êtes pas connecté. Recommencez la connexion.',
  jeton_invalide: 'La réponse de FranceConnect n’a pas pu être vérifiée : vous n’êtes pas connecté. Recommencez la connexion ; si cela se reproduit, contactez l’équipe Aidants Connect.',
  identite_invalide: 'L’identité transmise par FranceConnect est incomplète ou mal formée : vous n’êtes pas connecté. Contactez l’équipe Aidants Connect.',
  indisponible: 'FranceConnect ne répond pas correctement pour le moment. Réessayez dans quelques minutes.',
  identite_differente: 'L’identité transmise par FranceConnect ne correspond pas à celle de vos mandats : vous n’êtes pas connecté. Contactez la structure qui vous accompagne.',
};

export interface ConnexionEnCours {
  state: string;
  nonce: string;
  at: number;
}

/** 64 hex characters, as FranceConnect's own. */
const alea = () => randomBytes(32).toString('hex');

export async function commencerConnexionUsager(client: FranceConnectClient): Promise<{ url: string; attendu: ConnexionEnCours }> {
  const attendu = { state: alea(), nonce: alea(), at: Date.now() };
  return { url: await client.authorizationUrl(attendu), attendu };
}

export type IssueConnexion =
  | { ok: true; usagerId: number; idToken: string }
  | { ok: false; raison: 'aucun-mandat'; idToken: string }
  | { ok: false; raison: 'erreur'; status: number; message: string };

const erreur = (code: keyof typeof MESSAGES_CONNEXION_USAGER, status = 400): IssueConnexion => ({ ok: false, raison: 'erreur', status, message: MESSAGES_CONNEXION_USAGER[code] });

/**
 * FranceConnect's answer at the espace's callback. `attendu` is the login this browser started (already
 * removed from its session by the caller: one use). Writes only `connect_usager` for a known usager.
 */
export async function terminerConnexionUsager(db: Db, client: FranceConnectClient, attendu: ConnexionEnCours | undefined, url: URL): Promise<IssueConnexion> {
  if (!attendu || Date.now() - attendu.at > DELAI_CONNEXION_USAGER_MS) {
    log.warn('retour FranceConnect sans connexion en cours dans ce navigateur');
    return erreur('state_invalide');
  }
  let resultat: Awaited<ReturnType<FranceConnectClient['callback']>>;
  try {
    resultat = await client.callback(url, attendu);
  } catch (err) {
    if (!(err instanceof FranceConnectError)) throw err;
    log.warn({ code: err.code, detail: err.detail }, 'connexion FranceConnect de l’usager refusée');
    return erreur(err.code, err.code === 'indisponible' ? 503 : 400);
  }
  const usager = await usagerAvecMandatParSub(db, subUsager(resultat.fcSub, hashSaltFromEnv()));
  if (!usager) return { ok: false, raison: 'aucun-mandat', idToken: resultat.idToken };
  // The same person as at mandat creation: the pivot identity does not change under a stable `sub`.
  if (usager.birthdate !== resultat.identite.birthdate || usager.gender !== resultat.identite.gender || usager.birthcountry !== resultat.identite.birthcountry) {
    log.warn({ usagerId: usager.id }, 'identité pivot différente de celle des mandats : connexion refusée');
    return erreur('identite_differente');
  }
  await journaliser(db, { action: 'connect_usager', usager_id: usager.id });
  return { ok: true, usagerId: usager.id, idToken: resultat.idToken };
}

/** The end-session address that ends the usager's FranceConnect session too; null when FranceConnect is unreachable. */
export async function urlDeconnexionFranceConnect(client: FranceConnectClient, idToken: string, state: string): Promise<string | null> {
  try {
    return await client.logoutUrl({ idToken, state });
  } catch (err) {
    log.warn({ err }, 'déconnexion FranceConnect impossible');
    return null;
  }
}

export const aleaDeconnexion = alea;
