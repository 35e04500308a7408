import { eq } from 'drizzle-orm';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, NotFoundError, recordAudit } from '../../platform/index.ts';
import { routingRules } from '../schema/routing-rules.ts';

export async function deleteRoutingRule(ctx: ActionContext, id: string): Promise<{ deleted: string }> {
  assertPermission(ctx.actor, 'routing:write');
  return ctx.db.transaction(async (tx) => {
    const [rule] = await tx.delete(routingRules).where(eq(routingRules.id, id)).returning({ id: routingRules.id, name: routingRules.name });
    if (!rule) throw new NotFoundError(`No routing rule ${id}.`);
    await recordAudit(tx, ctx, {
      action: 'notifier.routing_rule.delete',
      targetType: 'routing_rule',
      targetId: id,
      details: { name: rule.name },
    });
    return { deleted: rule.id };
  });
}
