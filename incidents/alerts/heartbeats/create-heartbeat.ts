import { eq } from 'drizzle-orm';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../../../platform/index.ts';
import { forgetHeartbeats } from './hear-heartbeats.ts';
import type { HeartbeatInput } from './heartbeat-input.ts';
import { heartbeatValues } from './heartbeat-input.ts';
import { armHeartbeat, silentAfter } from './heartbeat-timer.ts';
import type { HeartbeatView } from './list-heartbeats.ts';
import { getHeartbeat } from './list-heartbeats.ts';
import { heartbeats } from './schema/heartbeats.ts';

/** Adds a heartbeat (audited); it is waited for from now: missed after interval plus grace unheard. */
export async function createHeartbeat(ctx: ActionContext, rawInput: HeartbeatInput): Promise<HeartbeatView> {
  assertPermission(ctx.actor, 'heartbeats:write');
  const input = heartbeatValues(rawInput);
  const id = await ctx.db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: heartbeats.id }).from(heartbeats).where(eq(heartbeats.name, input.name));
    if (clash) throw new ConflictError(`A heartbeat named "${input.name}" exists already; change it instead.`, 'heartbeat_exists');
    const [created] = await tx
      .insert(heartbeats)
      .values({
        ...input,
        origin: 'api',
      })
      .onConflictDoNothing({ target: heartbeats.name })
      .returning();
    if (!created) throw new ConflictError(`A heartbeat named "${input.name}" exists already; change it instead.`, 'heartbeat_exists');
    await armHeartbeat(tx, created.id, silentAfter(created));
    await recordAudit(tx, ctx, {
      action: 'alerts.heartbeat.create',
      targetType: 'heartbeat',
      targetId: created.id,
      details: { name: created.name, source: created.source, intervalSeconds: created.intervalSeconds, graceSeconds: created.graceSeconds },
    });
    return created.id;
  });
  forgetHeartbeats(ctx.db);
  return getHeartbeat(ctx.db, id);
}
