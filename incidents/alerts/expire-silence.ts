import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, NotFoundError, recordAudit } from '../../platform/index.ts';
import { formatMatcher } from './matchers.ts';
import type { Silence } from './schema/silences.ts';
import { silences } from './schema/silences.ts';
import { silenceStatus } from './silence-status.ts';

/** Ends a silence now (Alertmanager's expire); expiring an expired one changes nothing. Audited. */
export async function expireSilence(ctx: ActionContext, id: string): Promise<Silence> {
  assertPermission(ctx.actor, 'silences:write');
  if (!z.uuid().safeParse(id).success) throw new NotFoundError(`No silence "${id}".`);
  return ctx.db.transaction(async (tx) => {
    const now = new Date();
    const [current] = await tx.select().from(silences).where(eq(silences.id, id)).for('update');
    if (!current) throw new NotFoundError(`No silence "${id}".`);
    if (silenceStatus(current, now) === 'expired') return current;
    const [expired] = await tx
      .update(silences)
      .set({ endsAt: now, updatedAt: now, ...(current.startsAt.getTime() > now.getTime() ? { startsAt: now } : {}) })
      .where(eq(silences.id, id))
      .returning();
    if (!expired) throw new NotFoundError(`No silence "${id}".`);
    await recordAudit(tx, ctx, {
      action: 'alerts.silence.expire',
      targetType: 'silence',
      targetId: id,
      details: { matchers: current.matchers.map(formatMatcher) },
    });
    return expired;
  });
}
