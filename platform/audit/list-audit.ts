import type { SQL } from 'drizzle-orm';
import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../database/index.ts';
import type { AuditEntry } from '../schema/audit-entries.ts';
import { auditEntries } from '../schema/audit-entries.ts';

export const AuditQuery = z.object({
  actorId: z.string().max(200).optional(),
  action: z.string().max(200).optional(),
  targetType: z.string().max(200).optional(),
  targetId: z.string().max(200).optional(),
  /** Position to continue below (newest first). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** Newest entries first, filtered, with the position to pass as `before` for the next page. */
export async function listAuditEntries(db: Database, query: AuditQuery): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const filters: SQL[] = [];
  if (query.actorId) filters.push(eq(auditEntries.actorId, query.actorId));
  if (query.action) filters.push(eq(auditEntries.action, query.action));
  if (query.targetType) filters.push(eq(auditEntries.targetType, query.targetType));
  if (query.targetId) filters.push(eq(auditEntries.targetId, query.targetId));
  if (query.before) filters.push(lt(auditEntries.position, query.before));
  const entries = await db
    .select()
    .from(auditEntries)
    .where(and(...filters))
    .orderBy(desc(auditEntries.position))
    .limit(query.limit);
  const last = entries.at(-1);
  return { entries, nextBefore: entries.length === query.limit && last ? last.position : null };
}
