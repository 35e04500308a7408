import { createPublicKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Config, StatementKey } from '../../platform/index.ts';
import { publicKeyFingerprint, signStatement, statementKeyFrom, verifyStatement } from '../../platform/index.ts';

/** What a purge deleted, when and by whom, and which export preceded it. */
export interface PurgeStatement {
  format: 'firebreak-purge-statement/1';
  organisation: string;
  purgedAt: string;
  purgedBy: string;
  firebreakVersion: string;
  database: { kind: 'pglite' | 'postgres'; tables: { table: string; rows: number }[]; rowsDeleted: number };
  backups: { directory: string; files: { name: string; bytes: number }[] };
  export: { directory: string; manifestSha256: string; startedAt: string; completedAt: string };
  /** SHA-256 of the public key whose signature is in the .sig file. */
  publicKeyFingerprint: string;
}

/** The three files of a statement: the JSON that is signed, its Ed25519 signature, the public key. */
export function statementFiles(file: string): { statement: string; signature: string; publicKey: string } {
  const base = file.replace(/\.json$/, '');
  return { statement: file, signature: `${file}.sig`, publicKey: `${base}.pub.pem` };
}

/** Writes the statement, its detached signature (raw Ed25519, as `openssl pkeyutl -verify -rawin` reads it) and the public key. */
export async function writeSignedStatement(file: string, statement: PurgeStatement, key: StatementKey): Promise<void> {
  const files = statementFiles(file);
  const bytes = Buffer.from(`${JSON.stringify(statement, null, 2)}\n`, 'utf8');
  await writeFile(files.statement, bytes, { mode: 0o644 });
  await writeFile(files.signature, signStatement(bytes, key), { mode: 0o644 });
  await writeFile(files.publicKey, key.publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644 });
}

export interface StatementCheck {
  ok: boolean;
  /** Which key it was checked against. */
  keyFingerprint: string;
  message: string;
}

/**
 * Checks a statement's signature against a public key (a PEM file the operator kept), or without one
 * against this install's own statement key (derived from FIREBREAK_SECRET_KEY). The PEM beside the
 * statement is not trusted on its own: whoever edits a statement could replace it too.
 */
export async function checkPurgeStatement(
  file: string,
  config: Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>,
  publicKeyFile?: string,
): Promise<StatementCheck> {
  const files = statementFiles(file);
  const bytes = await readFile(files.statement);
  const signature = await readFile(files.signature);
  const publicKey = publicKeyFile ? createPublicKey(await readFile(publicKeyFile, 'utf8')) : statementKeyFrom(config).publicKey;
  const keyFingerprint = publicKeyFingerprint(publicKey);
  const ok = verifyStatement(bytes, signature, publicKey);
  return {
    ok,
    keyFingerprint,
    message: ok
      ? `statement signature valid (key ${keyFingerprint.slice(0, 16)})`
      : `statement signature INVALID for key ${keyFingerprint.slice(0, 16)}: the statement or its signature was changed, or another key signed it`,
  };
}
