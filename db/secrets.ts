// Secrets at rest (TOTP secrets, card seeds, the secret part of an outbox message, an app being enrolled):
// sealed with AES-256-GCM under a key from configuration, never stored in clear.
//
// SECRETS_KEYS="<id>:<32 bytes in base64>[,<id>:<key>…]": the first key seals, every key listed unseals.
// A sealed value reads `s1.<key id>.<base64url(iv | ciphertext | tag)>`, and names what it is for (the
// `purpose`, authenticated with it): a sealed card seed cannot be passed off as a TOTP secret. Rotation: put
// the new key first, keep the old ones, run `npm run rechiffrer` (re-seals everything under the new key),
// then remove the old keys (README, « Sécurité »).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type SecretPurpose = 'totp_devices.secret' | 'totp_cards.seed' | 'outbox.secrets' | 'session.enrolment' | 'session.franceconnect';

interface Keyring {
  currentId: string;
  keys: Map<string, Buffer>;
}

export class SecretsConfigError extends Error {}

const PREFIX = 's1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function parseSecretsKeys(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let currentId = '';
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(':');
    const id = part.slice(0, i);
    const key = Buffer.from(part.slice(i + 1), 'base64');
    if (i < 1 || !KEY_ID.test(id)) throw new SecretsConfigError(`SECRETS_KEYS : identifiant de clé invalide (« ${id} »), attendu lettres, chiffres, - ou _`);
    if (key.length !== 32) throw new SecretsConfigError(`SECRETS_KEYS : la clé « ${id} » doit faire 32 octets en base64 (elle en fait ${key.length})`);
    if (keys.has(id)) throw new SecretsConfigError(`SECRETS_KEYS : la clé « ${id} » est listée deux fois`);
    keys.set(id, key);
    currentId ||= id;
  }
  if (!currentId) throw new SecretsConfigError('SECRETS_KEYS est vide');
  return { currentId, keys };
}

/** A new key spec for development and tests: `<id>:<random 32 bytes>`. */
export function generateSecretsKey(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

let configured: Keyring | null = null;

/** Uses these keys from now on (tests; processes read SECRETS_KEYS on first use). */
export function configureSecrets(spec: string): void {
  configured = parseSecretsKeys(spec);
}

function keyring(): Keyring {
  if (configured) return configured;
  const spec = process.env.SECRETS_KEYS;
  if (!spec) throw new SecretsConfigError('SECRETS_KEYS n’est pas défini : la clé qui chiffre les secrets au repos est obligatoire (README, « Sécurité »).');
  configured = parseSecretsKeys(spec);
  return configured;
}

/** Fails early (at process start) when no usable key is configured. */
export function requireSecretsKeys(): void {
  keyring();
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${PREFIX}.`) && value.split('.').length === 3;
}

export function sealedKeyId(value: string): string | null {
  return isSealed(value) ? value.split('.')[1] : null;
}

export function currentKeyId(): string {
  return keyring().currentId;
}

export function seal(purpose: SecretPurpose, plaintext: string): string {
  const { currentId, keys } = keyring();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.get(currentId)!, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}.${currentId}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

export class UnsealError extends Error {}

export function unseal(purpose: SecretPurpose, sealed: string): string {
  if (!isSealed(sealed)) throw new UnsealError(`${purpose} : valeur non chiffrée`);
  const [, id, data] = sealed.split('.');
  const key = keyring().keys.get(id);
  if (!key) throw new UnsealError(`${purpose} : clé « ${id} » absente de SECRETS_KEYS`);
  const raw = Buffer.from(data, 'base64url');
  if (raw.length < 28) throw new UnsealError(`${purpose} : valeur chiffrée tronquée`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new UnsealError(`${purpose} : valeur chiffrée altérée ou clé erronée`);
  }
}

/** Re-seals under the current key (rotation); returns the value unchanged when it already uses it. */
export function reseal(purpose: SecretPurpose, sealed: string): string {
  return sealedKeyId(sealed) === currentKeyId() ? sealed : seal(purpose, unseal(purpose, sealed));
}
