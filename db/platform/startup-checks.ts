// What the web and worker processes check before serving: the key that seals secrets at rest is configured,
// and their PostgreSQL role cannot rewrite the journal (db/roles.ts). In production a role that could is a
// configuration error; in development it is only a warning.
import type { Db } from '../connection.ts';
import { journalProtection } from '../roles.ts';
import { requireSecretsKeys } from '../secrets.ts';
import type { Logger } from './logger.ts';

export async function checkStartup(db: Db, log: Logger, production = process.env.NODE_ENV === 'production'): Promise<void> {
  try {
    requireSecretsKeys();
  } catch (err) {
    log.error((err as Error).message);
    process.exit(1);
  }
  let check;
  try {
    check = await journalProtection((sql) => db.raw(sql));
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'rôle PostgreSQL non vérifié (base injoignable ?)');
    return;
  }
  if (check.protected) return;
  const message = `le rôle PostgreSQL « ${check.role} » peut modifier ou vider le journal (propriétaire ou superutilisateur) : ` +
    "DATABASE_URL doit utiliser le rôle de l'application, MIGRATION_DATABASE_URL le rôle propriétaire (README, « Sécurité »).";
  if (production) {
    log.error(message);
    process.exit(1);
  }
  log.warn(message);
}
