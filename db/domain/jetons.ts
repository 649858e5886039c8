// The tokens sent by email (login links, first-connection links, demandeur links) rest in the database only
// as this fingerprint, and the identity provider's access tokens are journaled as it (api/oidc/account.ts): whoever reads the tables cannot open a link. One function for every kind of token, so
// the hash written when a link is created is the one looked up when it is opened (issue 17: a second copy
// that drifted would break links silently). Pinned by tests/unit/jetons.test.ts.
import { createHash } from 'node:crypto';

/** SHA-256 of the token, in lowercase hex (64 characters). */
export function empreinteJeton(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
