import { asc, gt } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import { GENESIS_HASH, hashAuditEntry } from './record-audit.ts';

export interface AuditProblem {
  position: number;
  kind: 'changed' | 'removed' | 'reordered';
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  problems: AuditProblem[];
}

const PAGE = 1000;

/** Walks the whole chain and reports every entry that was changed, removed or reordered. */
export async function verifyAuditChain(db: Database): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedPosition = 1;
  let previousHash = GENESIS_HASH;
  let entries = 0;
  let after = 0;
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
      if (hashAuditEntry(entry) !== entry.hash) {
        problems.push({ position: entry.position, kind: 'changed', message: `entry ${entry.position} was changed after it was written` });
      }
      expectedPosition = entry.position + 1;
      previousHash = entry.hash;
      after = entry.position;
    }
    if (page.length < PAGE) break;
  }
  return { ok: problems.length === 0, entries, problems };
}
