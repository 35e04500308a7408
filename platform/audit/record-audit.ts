import { createHash, createHmac } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import type { ActionContext } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { AuditEntry } from '../schema/audit-entries.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import type { AuditKey } from './audit-key.ts';
import { auditKeysFrom } from './audit-key.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * What an audit entry records of the action: who acted, and from which request and address; and the
 * configuration whose FIREBREAK_SECRET_KEY keys the chain.
 */
export type AuditContext = Pick<ActionContext, 'actor' | 'requestId' | 'sourceAddress'> & {
  config: Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;
};

export const GENESIS_HASH = '0'.repeat(64);

// Serializes appends so that each entry chains onto the one committed before it.
const AUDIT_CHAIN_LOCK = 4_201_108;

export interface AuditInput {
  /** Verb in the form "part.thing.verb", e.g. "tokens.token.create". */
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

type HashedFields = Omit<AuditEntry, 'hash'>;

/** Keyed hashes name their algorithm and key: `hmac-sha256:<key id>:<hex>`. Unkeyed ones are bare hex. */
export const KEYED_HASH_PREFIX = 'hmac-sha256:';

/**
 * The hash of an entry over the previous hash and the entry's canonical content: HMAC-SHA256 under
 * the audit key, so that nobody without FIREBREAK_SECRET_KEY can recompute the chain after changing
 * it. `key` null gives the plain SHA-256 of entries written before the chain was keyed.
 */
export function hashAuditEntry(entry: HashedFields, key: AuditKey | null): string {
  const content = canonicalJson({
    position: entry.position,
    at: entry.at.toISOString(),
    actorType: entry.actorType,
    actorId: entry.actorId,
    actorName: entry.actorName,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    requestId: entry.requestId,
    sourceAddress: entry.sourceAddress,
    details: entry.details,
  });
  if (!key) return createHash('sha256').update(entry.previousHash).update('\n').update(content).digest('hex');
  const mac = createHmac('sha256', key.key).update(entry.previousHash).update('\n').update(content).digest('hex');
  return `${KEYED_HASH_PREFIX}${key.id}:${mac}`;
}

/**
 * Appends an entry to the audit trail. Call it inside the transaction of the change it records:
 * the entry commits with the change or not at all.
 */
export async function recordAudit(tx: Database, ctx: AuditContext, input: AuditInput): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ position: auditEntries.position, hash: auditEntries.hash })
    .from(auditEntries)
    .orderBy(desc(auditEntries.position))
    .limit(1);
  // An action taken under break-glass elevation says so in its entry, whichever action it is.
  const elevation = ctx.actor.elevation;
  const marked = elevation
    ? { ...input.details, elevation: { id: elevation.id, role: ctx.actor.role, fromRole: elevation.fromRole } }
    : (input.details ?? {});
  // A JSON round trip makes the stored details exactly what verification will read back.
  const details = JSON.parse(canonicalJson(marked)) as Record<string, unknown>;
  const entry: HashedFields = {
    position: (last?.position ?? 0) + 1,
    at: new Date(),
    actorType: ctx.actor.kind,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    requestId: ctx.requestId,
    sourceAddress: ctx.sourceAddress,
    details,
    previousHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.insert(auditEntries).values({ ...entry, hash: hashAuditEntry(entry, auditKeysFrom(ctx.config).current) });
}
