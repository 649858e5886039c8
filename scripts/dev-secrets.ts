// Development keys kept in DATA_DIR (like the session secret): generated once, mode 600, reused by
// `npm start`, `npm run seed` and the other commands. Production sets SECRETS_KEYS itself.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecretsKey } from '../db/secrets.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export function dataDir(): string {
  return process.env.DATA_DIR ?? join(ROOT, '.data');
}

/** SECRETS_KEYS from the environment, else the development keys of DATA_DIR (created on first use). */
export function ensureSecretsKeysEnv(): string {
  if (process.env.SECRETS_KEYS) return process.env.SECRETS_KEYS;
  // A production database sealed with a key nobody else has would be lost: never generate one there.
  if (process.env.NODE_ENV === 'production') {
    console.error('ERREUR : SECRETS_KEYS doit être défini en production (README, « Sécurité »).');
    process.exit(1);
  }
  const file = join(dataDir(), 'secrets-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir(), { recursive: true });
    writeFileSync(file, `${generateSecretsKey('dev1')}\n`, { mode: 0o600 });
  }
  process.env.SECRETS_KEYS = readFileSync(file, 'utf8').trim();
  return process.env.SECRETS_KEYS;
}
