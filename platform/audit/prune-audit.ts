import { createHmac } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import { queryRows } from '../database/index.ts';
import type { RetentionClass } from '../retention/retention-class.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import type { AuditPruneAnchor } from '../schema/audit-prune-anchors.ts';
import { auditPruneAnchors } from '../schema/audit-prune-anchors.ts';
import type { AuditKey } from './audit-key.ts';
import { auditKeysFrom } from './audit-key.ts';
import { canonicalJson } from './canonical-json.ts';
import { recordAudit } from './record-audit.ts';

const FORMAT = 'firebreak-audit-prune/1';

/** The signature of a prune anchor under one audit key. */
export function signPruneAnchor(
  anchor: Pick<AuditPruneAnchor, 'prunedThrough' | 'hash' | 'entries' | 'at' | 'keyId'>,
  key: AuditKey,
): string {
  const { prunedThrough, hash, entries, at, keyId } = anchor;
  return createHmac('sha256', key.key)
    .update(canonicalJson({ format: FORMAT, prunedThrough, hash, entries, at: at.toISOString(), keyId }))
    .digest('hex');
}

/** The latest prune anchor: where the kept chain starts. */
export async function latestPruneAnchor(db: Database): Promise<AuditPruneAnchor | null> {
  const [anchor] = await db.select().from(auditPruneAnchors).orderBy(desc(auditPruneAnchors.prunedThrough)).limit(1);
  return anchor ?? null;
}

/**
 * The audit trail as a retention class (AUDIT_RETENTION_DAYS): deletes the oldest entries written
 * before the cutoff, a prefix of the chain at a time. Each prune first appends an `audit.trail.prune`
 * entry (so the trail itself says what was cut, and its head is never what gets deleted) and a signed
 * anchor with the last deleted entry's hash, from which `audit verify` checks the entries kept.
 */
export function auditRetention(
  config: Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>,
): RetentionClass {
  return {
    name: 'audit_trail',
    async oldestRowAt(db) {
      const [oldest] = await db.select({ at: auditEntries.at }).from(auditEntries).orderBy(asc(auditEntries.position)).limit(1);
      return oldest?.at ?? null;
    },
    async deleteBatch(tx, cutoff, limit, now) {
      // Positions and times rise together (appends are serialized), but a clock step back could break
      // that: only the unbroken run of old entries at the start of the chain is cut.
      const oldest = await tx
        .select({ position: auditEntries.position, hash: auditEntries.hash, at: auditEntries.at })
        .from(auditEntries)
        .orderBy(asc(auditEntries.position))
        .limit(limit);
      const prefix = [];
      for (const entry of oldest) {
        if (entry.at >= cutoff) break;
        prefix.push(entry);
      }
      const last = prefix.at(-1);
      const first = prefix[0];
      if (!last || !first) return 0;
      await recordAudit(
        tx,
        { actor: SYSTEM_ACTOR, requestId: null, sourceAddress: null, config },
        {
          action: 'audit.trail.prune',
          targetType: 'audit_trail',
          details: { from: first.position, through: last.position, entries: prefix.length, writtenBefore: cutoff.toISOString() },
        },
      );
      const key = auditKeysFrom(config).current;
      const anchor = { prunedThrough: last.position, hash: last.hash, entries: prefix.length, at: now, keyId: key.id };
      await tx.insert(auditPruneAnchors).values({ ...anchor, signature: signPruneAnchor(anchor, key) });
      // The function runs as the tables' owner (a runtime role has no DELETE on the trail) and deletes
      // no further than the anchor just recorded; see installGuards in platform/database/migrate.ts.
      const [deleted] = await queryRows<{ count: string }>(tx, sql`select firebreak_prune_audit_entries(${last.position}) as count`);
      return Number(deleted?.count ?? 0);
    },
  };
}
