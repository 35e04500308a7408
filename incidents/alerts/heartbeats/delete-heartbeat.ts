import { and, eq } from 'drizzle-orm';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../../../platform/index.ts';
import { forgetHeartbeats } from './hear-heartbeats.ts';
import { disarmHeartbeat } from './heartbeat-timer.ts';
import type { HeartbeatView } from './list-heartbeats.ts';
import { getHeartbeat } from './list-heartbeats.ts';
import { heartbeats } from './schema/heartbeats.ts';

/**
 * Removes a heartbeat (audited): it is no longer waited for, and its alert is ingested like any other
 * again. An incident its silence opened stays, for people to close.
 */
export async function deleteHeartbeat(ctx: ActionContext, idOrName: string): Promise<HeartbeatView> {
  assertPermission(ctx.actor, 'heartbeats:write');
  const current = await getHeartbeat(ctx.db, idOrName);
  if (current.origin === 'file')
    throw new ConflictError(`Heartbeat "${current.name}" comes from HEARTBEATS_FILE; remove it there.`, 'heartbeat_from_file');
  await ctx.db.transaction(async (tx) => {
    await tx.delete(heartbeats).where(and(eq(heartbeats.id, current.id), eq(heartbeats.origin, 'api')));
    await disarmHeartbeat(tx, current.id);
    await recordAudit(tx, ctx, {
      action: 'alerts.heartbeat.delete',
      targetType: 'heartbeat',
      targetId: current.id,
      details: { name: current.name, matchers: current.matchers },
    });
  });
  forgetHeartbeats(ctx.db);
  return current;
}
