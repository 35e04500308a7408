import { createHmac, hkdfSync } from 'node:crypto';
import { secretKeysFrom } from '../auth/secret-box.ts';
import type { Config } from '../config.ts';

/** A key of the audit chain: derived from one secret key, named by a fingerprint that gives nothing away. */
export interface AuditKey {
  id: string;
  key: Buffer;
}

/** The keys that sign and verify the audit chain: the current one first, then those of rotated-out secret keys. */
export interface AuditKeys {
  current: AuditKey;
  all: readonly AuditKey[];
}

type KeyConfig = Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;

function derive(secret: Buffer): AuditKey {
  // HKDF-SHA256 with its own label, so the audit key is independent of the key that seals secrets.
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'firebreak audit chain v1', 32));
  return { id: createHmac('sha256', key).update('firebreak audit key id').digest('hex').slice(0, 16), key };
}

// Deriving reads DATA_DIR/secret.key when FIREBREAK_SECRET_KEY is unset: once per configuration.
const derived = new WeakMap<object, AuditKeys>();

/** The audit keys of a configuration: HKDF from FIREBREAK_SECRET_KEY (or DATA_DIR/secret.key) and its previous keys. */
export function auditKeysFrom(config: KeyConfig): AuditKeys {
  const known = derived.get(config);
  if (known) return known;
  const secrets = secretKeysFrom(config);
  const current = derive(secrets.current);
  const keys = { current, all: [current, ...secrets.previous.map(derive)] };
  derived.set(config, keys);
  return keys;
}
