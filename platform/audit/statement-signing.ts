import type { KeyObject } from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, hkdfSync, sign, verify } from 'node:crypto';
import { secretKeysFrom } from '../auth/secret-box.ts';
import type { Config } from '../config.ts';

type KeyConfig = Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;

// The PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The install's statement key: Ed25519, so that anyone holding the public key can verify a statement and nobody without FIREBREAK_SECRET_KEY can make one. */
export interface StatementKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SHA-256 of the public key (SubjectPublicKeyInfo DER), hex: what to compare when handed a PEM. */
  fingerprint: string;
}

/** Derives the statement key from FIREBREAK_SECRET_KEY (or DATA_DIR/secret.key) with HKDF under its own label. */
export function statementKeyFrom(config: KeyConfig): StatementKey {
  const seed = Buffer.from(hkdfSync('sha256', secretKeysFrom(config).current, Buffer.alloc(0), 'firebreak signed statements v1', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex');
}

/** The Ed25519 signature of the bytes. */
export function signStatement(bytes: Buffer, key: StatementKey): Buffer {
  return sign(null, bytes, key.privateKey);
}

/** Whether the signature is the public key's over exactly these bytes. */
export function verifyStatement(bytes: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}
