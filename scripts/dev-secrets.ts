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
  const file = join(dataDir(), 'secrets-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir(), { recursive: true });
    writeFileSync(file, `${generateSecretsKey('dev1')}\n`, { mode: 0o600 });
  }
  process.env.SECRETS_KEYS = readFileSync(file, 'utf8').trim();
  return process.env.SECRETS_KEYS;
}
