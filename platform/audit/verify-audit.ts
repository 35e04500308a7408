import { asc, gt } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import type { AuditKey } from './audit-key.ts';
import { auditKeysFrom } from './audit-key.ts';
import type { AuditCheckpoint } from './checkpoint.ts';
import { latestPruneAnchor, signPruneAnchor } from './prune-audit.ts';
import { GENESIS_HASH, hashAuditEntry, KEYED_HASH_PREFIX } from './record-audit.ts';

export interface AuditProblem {
  position: number;
  /** unverifiable: keyed with a key this configuration does not have (FIREBREAK_SECRET_KEY changed without PREVIOUS). */
  kind: 'changed' | 'removed' | 'reordered' | 'unverifiable';
  message: string;
}

export interface VerifyOptions {
  /** A checkpoint taken before (parseAuditCheckpoint): its entries must all still be there, unchanged. */
  checkpoint?: AuditCheckpoint;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  problems: AuditProblem[];
  /** The time of the checkpoint verified against, if one was given. */
  checkpointAt?: string;
  /** Entries 1..prunedThrough were deleted by retention; the chain was verified from the next one. */
  prunedThrough?: number;
}

const PAGE = 1000;

/**
 * Walks the whole chain and reports every entry that was changed, removed or reordered. Entries are
 * keyed (HMAC under the audit key); unkeyed ones are accepted only before the first keyed one, where
 * the chain was when it was keyed. With a checkpoint, also every entry up to it that is missing or
 * differs, which the chain alone cannot tell when its last entries were dropped. After retention cut
 * the start of the chain, the walk starts at the latest signed prune anchor: the oldest kept entry must
 * follow it, with the hash of the last entry deleted as its previous hash.
 */
export async function verifyAuditChain(
  db: Database,
  config: Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  const keys = auditKeysFrom(config).all;
  const checkpoint = options.checkpoint;
  const unknownKeys = new Set<string>();
  let keyed = false;
  const problems: AuditProblem[] = [];
  let expectedPosition = 1;
  let previousHash = GENESIS_HASH;
  let entries = 0;
  let after = 0;
  const anchor = await latestPruneAnchor(db);
  if (anchor) {
    const key = keys.find((candidate) => candidate.id === anchor.keyId);
    if (!key || signPruneAnchor(anchor, key) !== anchor.signature) {
      problems.push({
        position: anchor.prunedThrough,
        kind: key ? 'changed' : 'unverifiable',
        message: key
          ? `the record that entries 1..${anchor.prunedThrough} were pruned does not carry the audit key's signature`
          : `the record that entries 1..${anchor.prunedThrough} were pruned is signed with audit key ${anchor.keyId}, which this configuration does not have`,
      });
    }
    expectedPosition = anchor.prunedThrough + 1;
    previousHash = anchor.hash;
    after = anchor.prunedThrough;
  }
  for (;;) {
    const page = await db
      .select()
      .from(auditEntries)
      .where(gt(auditEntries.position, after))
      .orderBy(asc(auditEntries.position))
      .limit(PAGE);
    for (const entry of page) {
      entries++;
      if (entry.position !== expectedPosition) {
        problems.push({
          position: entry.position,
          kind: 'removed',
          message: `entries ${expectedPosition}..${entry.position - 1} are missing before entry ${entry.position}`,
        });
      } else if (entry.previousHash !== previousHash) {
        problems.push({
          position: entry.position,
          kind: 'reordered',
          message: `entry ${entry.position} does not follow the entry stored before it`,
        });
      }
      const key = keyOf(entry.hash, keys);
      if (key === 'unknown') {
        const keyId = entry.hash.split(':')[1] ?? '';
        if (!unknownKeys.has(keyId)) {
          unknownKeys.add(keyId);
          problems.push({
            position: entry.position,
            kind: 'unverifiable',
            message: `entry ${entry.position} is keyed with audit key ${keyId}, which is neither FIREBREAK_SECRET_KEY's nor in FIREBREAK_SECRET_KEY_PREVIOUS`,
          });
        }
      } else if ((key === null && keyed) || hashAuditEntry(entry, key) !== entry.hash) {
        problems.push({ position: entry.position, kind: 'changed', message: `entry ${entry.position} was changed after it was written` });
      }
      keyed ||= key !== null;
      if (checkpoint && entry.position === checkpoint.position && entry.hash !== checkpoint.hash) {
        problems.push({
          position: entry.position,
          kind: 'changed',
          message: `entry ${entry.position} differs from the checkpoint of ${checkpoint.at}`,
        });
      }
      expectedPosition = entry.position + 1;
      previousHash = entry.hash;
      after = entry.position;
    }
    if (page.length < PAGE) break;
  }
  if (checkpoint && after < checkpoint.position) {
    problems.push({
      position: after + 1,
      kind: 'removed',
      message: `entries ${after + 1}..${checkpoint.position} of the checkpoint of ${checkpoint.at} are missing`,
    });
  }
  return {
    ok: problems.length === 0,
    entries,
    problems,
    ...(checkpoint ? { checkpointAt: checkpoint.at } : {}),
    ...(anchor ? { prunedThrough: anchor.prunedThrough } : {}),
  };
}

/** The key an entry's hash names: null for an unkeyed hash, 'unknown' for a key this configuration does not have. */
function keyOf(hash: string, keys: readonly AuditKey[]): AuditKey | null | 'unknown' {
  if (!hash.startsWith(KEYED_HASH_PREFIX)) return null;
  const keyId = hash.slice(KEYED_HASH_PREFIX.length).split(':')[0];
  return keys.find((key) => key.id === keyId) ?? 'unknown';
}
