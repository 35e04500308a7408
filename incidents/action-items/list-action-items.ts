import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { ActionItem } from './schema/action-items.ts';
import { actionItems } from './schema/action-items.ts';

/** An incident's action items, oldest first, each marked overdue when open past its due date. */
export async function listActionItems(
  db: Database,
  incidentId: string,
  now: Date = new Date(),
): Promise<(ActionItem & { overdue: boolean })[]> {
  const rows = await db.select().from(actionItems).where(eq(actionItems.incidentId, incidentId)).orderBy(asc(actionItems.createdAt));
  return rows.map((item) => ({
    ...item,
    overdue: (item.status === 'open' || item.status === 'in_progress') && item.dueAt !== null && item.dueAt <= now,
  }));
}
