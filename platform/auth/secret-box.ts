import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

/**
 * Secrets Firebreak must read back (the TOTP seeds of the dashboard's users) are stored sealed:
 * AES-256-GCM under FIREBREAK_SECRET_KEY, each bound to what it belongs to (the user's id) so that a
 * sealed value copied onto another row does not open. A database dump alone gives no seed away.
 */
export interface SecretBox {
  seal(plain: string, boundTo: string): string;
  /** The plain value; a value stored before sealing existed (no version prefix) is returned as it is. */
  open(stored: string, boundTo: string): string;
  /** Whether a stored value is sealed (or still plain, from before). */
  isSealed(stored: string): boolean;
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

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new SecretBoxError(`a secret key is ${SECRET_KEY_BYTES} bytes, not ${key.length}`);
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
      const bytes = Buffer.from(stored.slice(PREFIX.length), 'base64');
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('a sealed secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError(
          'a sealed secret does not open: it was sealed under another FIREBREAK_SECRET_KEY (or secret.key in DATA_DIR), or altered',
        );
      }
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
  };
}

/** A 32-byte key written as 64 hex digits or in base64 (`openssl rand -base64 32`); null if it is neither. */
export function parseSecretKey(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) return Buffer.from(text, 'base64');
  return null;
}

/**
 * The box for this configuration: FIREBREAK_SECRET_KEY when set (replicas must share it), otherwise a
 * key made once in DATA_DIR/secret.key (readable by its owner only), which suits one instance with
 * its data directory.
 */
export function secretBoxFrom(config: Pick<Config, 'FIREBREAK_SECRET_KEY' | 'dataDirectory'>): SecretBox {
  if (config.FIREBREAK_SECRET_KEY) {
    const key = parseSecretKey(config.FIREBREAK_SECRET_KEY);
    if (!key) throw new SecretBoxError('FIREBREAK_SECRET_KEY must be 32 bytes: 64 hex digits, or base64 (openssl rand -base64 32)');
    return createSecretBox(key);
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
  return createSecretBox(key);
}
