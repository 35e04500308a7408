import { and, eq, ne } from 'drizzle-orm';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../../../platform/index.ts';
import { forgetHeartbeats } from './hear-heartbeats.ts';
import type { HeartbeatInput } from './heartbeat-input.ts';
import { heartbeatValues } from './heartbeat-input.ts';
import { armHeartbeat, disarmHeartbeat, silentAfter } from './heartbeat-timer.ts';
import type { HeartbeatView } from './list-heartbeats.ts';
import { getHeartbeat } from './list-heartbeats.ts';
import { heartbeats } from './schema/heartbeats.ts';

/** Replaces a heartbeat's matchers, path, interval, grace and severity (audited); one from HEARTBEATS_FILE is changed there. */
export async function updateHeartbeat(ctx: ActionContext, idOrName: string, rawInput: HeartbeatInput): Promise<HeartbeatView> {
  assertPermission(ctx.actor, 'heartbeats:write');
  const input = heartbeatValues(rawInput);
  const current = await getHeartbeat(ctx.db, idOrName);
  if (current.origin === 'file')
    throw new ConflictError(`Heartbeat "${current.name}" comes from HEARTBEATS_FILE; change it there.`, 'heartbeat_from_file');
  await ctx.db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ id: heartbeats.id })
      .from(heartbeats)
      .where(and(eq(heartbeats.name, input.name), ne(heartbeats.id, current.id)));
    if (clash) throw new ConflictError(`A heartbeat named "${input.name}" exists already.`, 'heartbeat_exists');
    const [updated] = await tx
      .update(heartbeats)
      .set({
        ...input,
        updatedAt: new Date(),
      })
      .where(and(eq(heartbeats.id, current.id), eq(heartbeats.origin, 'api')))
      .returning();
    if (!updated) throw new ConflictError(`Heartbeat "${current.name}" changed meanwhile; try again.`);
    // The next check follows the new interval; a missed one stays missed until it is heard.
    await disarmHeartbeat(tx, updated.id);
    if (!updated.incidentId) await armHeartbeat(tx, updated.id, silentAfter(updated));
    await recordAudit(tx, ctx, {
      action: 'alerts.heartbeat.update',
      targetType: 'heartbeat',
      targetId: updated.id,
      details: { name: updated.name, source: updated.source, intervalSeconds: updated.intervalSeconds, graceSeconds: updated.graceSeconds },
    });
  });
  forgetHeartbeats(ctx.db);
  return getHeartbeat(ctx.db, current.id);
}
