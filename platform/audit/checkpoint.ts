import { createHmac, timingSafeEqual } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import type { AuditKey } from './audit-key.ts';
import { auditKeysFrom } from './audit-key.ts';
import { canonicalJson } from './canonical-json.ts';
import { GENESIS_HASH } from './record-audit.ts';

const FORMAT = 'firebreak-audit-checkpoint/1';

type KeyConfig = Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;

/**
 * The head of the audit chain at one moment, signed with the audit key, to keep outside the database:
 * whoever can rewrite the table can drop its last entries, but cannot make a checkpoint taken before
 * agree with the shortened chain.
 */
export const AuditCheckpoint = z.object({
  format: z.literal(FORMAT),
  /** The last entry's position (0 for an empty trail) and hash. */
  position: z.int().min(0),
  hash: z.string(),
  entries: z.int().min(0),
  at: z.iso.datetime(),
  keyId: z.string(),
  signature: z.string(),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;

export class AuditCheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditCheckpointError';
  }
}

function sign(checkpoint: Omit<AuditCheckpoint, 'signature'>, key: AuditKey): string {
  const { format, position, hash, entries, at, keyId } = checkpoint;
  return createHmac('sha256', key.key).update(canonicalJson({ format, position, hash, entries, at, keyId })).digest('hex');
}

/** Signs the chain's current head. */
export async function createAuditCheckpoint(db: Database, config: KeyConfig, now: Date = new Date()): Promise<AuditCheckpoint> {
  const key = auditKeysFrom(config).current;
  // One statement reads both, so the count and the head belong to the same snapshot.
  const [head] = await db
    .select({ position: auditEntries.position, hash: auditEntries.hash, entries: sql<string>`(select count(*) from ${auditEntries})` })
    .from(auditEntries)
    .orderBy(desc(auditEntries.position))
    .limit(1);
  const unsigned = {
    format: FORMAT,
    position: head?.position ?? 0,
    hash: head?.hash ?? GENESIS_HASH,
    entries: head ? Number(head.entries) : 0,
    at: now.toISOString(),
    keyId: key.id,
  } as const;
  return { ...unsigned, signature: sign(unsigned, key) };
}

/** Reads a checkpoint file's text, refusing one that is malformed or not signed by an audit key of this configuration. */
export function parseAuditCheckpoint(text: string, config: KeyConfig): AuditCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  const parsed = AuditCheckpoint.safeParse(value);
  if (!parsed.success)
    throw new AuditCheckpointError('not a Firebreak audit checkpoint (expected the JSON that `audit checkpoint` writes)');
  const checkpoint = parsed.data;
  const key = auditKeysFrom(config).all.find((candidate) => candidate.id === checkpoint.keyId);
  if (!key) {
    throw new AuditCheckpointError(
      `the checkpoint was signed with audit key ${checkpoint.keyId}, which is neither FIREBREAK_SECRET_KEY's nor in FIREBREAK_SECRET_KEY_PREVIOUS`,
    );
  }
  const expected = Buffer.from(sign(checkpoint, key), 'hex');
  const given = Buffer.from(checkpoint.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuditCheckpointError('the checkpoint signature does not match: the file was changed');
  }
  return checkpoint;
}
