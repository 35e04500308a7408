import { eq } from 'drizzle-orm';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, NotFoundError, recordAudit } from '../../platform/index.ts';
import type { RoutingRule } from '../schema/routing-rules.ts';
import { routingRules } from '../schema/routing-rules.ts';
import { redactKeys } from './create-routing-rule.ts';
import type { RoutingRuleInput } from './routing-rule-input.ts';

/** Replaces a routing rule; incidents opened from now on are routed by the new version. */
export async function updateRoutingRule(ctx: ActionContext, id: string, input: RoutingRuleInput): Promise<RoutingRule> {
  assertPermission(ctx.actor, 'routing:write');
  return ctx.db.transaction(async (tx) => {
    const [clash] = await tx.select({ id: routingRules.id }).from(routingRules).where(eq(routingRules.name, input.name));
    if (clash && clash.id !== id) throw new ConflictError(`A routing rule named "${input.name}" already exists.`);
    const [rule] = await tx
      .update(routingRules)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(routingRules.id, id))
      .returning();
    if (!rule) throw new NotFoundError(`No routing rule ${id}.`);
    await recordAudit(tx, ctx, {
      action: 'notifier.routing_rule.update',
      targetType: 'routing_rule',
      targetId: id,
      details: { ...input, ...redactKeys(input) },
    });
    return rule;
  });
}
