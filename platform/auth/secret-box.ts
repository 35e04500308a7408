import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

/**
 * Secrets Firebreak must read back (the TOTP seeds of the dashboard's users) are stored sealed:
 * AES-256-GCM under FIREBREAK_SECRET_KEY, each bound to what it belongs to (the user's id) so that a
 * sealed value copied onto another row does not open. A database dump alone gives no seed away.
 * Keys rotate: values sealed under the keys in FIREBREAK_SECRET_KEY_PREVIOUS still open, and startup
 * seals them again under the current key.
 */
export interface SecretBox {
  seal(plain: string, boundTo: string): string;
  /** The plain value; a value stored before sealing existed (no version prefix) is returned as it is. */
  open(stored: string, boundTo: string): string;
  /** Whether a stored value is sealed under the current key (not plain, not under a previous key). */
  isCurrent(stored: string, boundTo: string): boolean;
}

const PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;
export const SECRET_KEY_FILE = 'secret.key';

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

function openWith(key: Buffer, bytes: Buffer, boundTo: string): string | null {
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function sealedBytes(stored: string): Buffer {
  const bytes = Buffer.from(stored.slice(PREFIX.length), 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('a sealed secret is truncated');
  return bytes;
}

/** A box sealing under `key` and opening under it or any of `previousKeys` (newest first). */
export function createSecretBox(key: Buffer, previousKeys: readonly Buffer[] = []): SecretBox {
  for (const candidate of [key, ...previousKeys]) {
    if (candidate.length !== SECRET_KEY_BYTES)
      throw new SecretBoxError(`a secret key is ${SECRET_KEY_BYTES} bytes, not ${candidate.length}`);
  }
  return {
    seal(plain, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
    },
    open(stored, boundTo) {
      if (!stored.startsWith(PREFIX)) return stored;
      const bytes = sealedBytes(stored);
      for (const candidate of [key, ...previousKeys]) {
        const plain = openWith(candidate, bytes, boundTo);
        if (plain !== null) return plain;
      }
      throw new SecretBoxError(
        'a sealed secret does not open: it was sealed under a key that is neither FIREBREAK_SECRET_KEY (or secret.key in DATA_DIR) nor in FIREBREAK_SECRET_KEY_PREVIOUS, or altered',
      );
    },
    isCurrent: (stored, boundTo) => stored.startsWith(PREFIX) && openWith(key, sealedBytes(stored), boundTo) !== null,
  };
}

/** A 32-byte key written as 64 hex digits or in base64 (`openssl rand -base64 32`); null if it is neither. */
export function parseSecretKey(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) return Buffer.from(text, 'base64');
  return null;
}

type KeyConfig = Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;

/**
 * The secret keys of this configuration, current first: FIREBREAK_SECRET_KEY when set (replicas must
 * share it), otherwise a key made once in DATA_DIR/secret.key (readable by its owner only), which suits
 * one instance with its data directory; then those in FIREBREAK_SECRET_KEY_PREVIOUS.
 */
export function secretKeysFrom(config: KeyConfig): { current: Buffer; previous: Buffer[] } {
  const previous = (config.FIREBREAK_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((value) => value.trim() !== '')
    .map((value) => {
      const key = parseSecretKey(value);
      if (!key)
        throw new SecretBoxError('FIREBREAK_SECRET_KEY_PREVIOUS must list 32-byte keys, each 64 hex digits or base64, separated by commas');
      return key;
    });
  if (config.FIREBREAK_SECRET_KEY) {
    const key = parseSecretKey(config.FIREBREAK_SECRET_KEY);
    if (!key) throw new SecretBoxError('FIREBREAK_SECRET_KEY must be 32 bytes: 64 hex digits, or base64 (openssl rand -base64 32)');
    return { current: key, previous };
  }
  const file = path.join(config.dataDirectory, SECRET_KEY_FILE);
  mkdirSync(config.dataDirectory, { recursive: true });
  try {
    writeFileSync(file, randomBytes(SECRET_KEY_BYTES).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = parseSecretKey(readFileSync(file, 'utf8'));
  if (!key) throw new SecretBoxError(`${file} does not hold a 32-byte key in base64`);
  return { current: key, previous };
}

/** The box for this configuration's keys (secretKeysFrom). */
export function secretBoxFrom(config: KeyConfig): SecretBox {
  const keys = secretKeysFrom(config);
  return createSecretBox(keys.current, keys.previous);
}
