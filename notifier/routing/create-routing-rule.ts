import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../../platform/index.ts';
import type { RoutingRule } from '../schema/routing-rules.ts';
import { routingRules } from '../schema/routing-rules.ts';
import type { RoutingRuleInput } from './routing-rule-input.ts';

/** Adds a routing rule (which severities and services go to which Slack channel and PagerDuty key). */
export async function createRoutingRule(ctx: ActionContext, input: RoutingRuleInput): Promise<RoutingRule> {
  assertPermission(ctx.actor, 'routing:write');
  return ctx.db.transaction(async (tx) => {
    const [rule] = await tx.insert(routingRules).values(input).onConflictDoNothing({ target: routingRules.name }).returning();
    if (!rule) throw new ConflictError(`A routing rule named "${input.name}" already exists.`);
    await recordAudit(tx, ctx, {
      action: 'notifier.routing_rule.create',
      targetType: 'routing_rule',
      targetId: rule.id,
      details: { ...input, ...redactKeys(input) },
    });
    return rule;
  });
}

/** Routing keys are credentials of a sort: the audit trail keeps their last four characters. */
export function redactKeys(input: Pick<RoutingRuleInput, 'pagerdutyRoutingKey' | 'escalationRoutingKeys'>) {
  const mask = (key: string) => `…${key.slice(-4)}`;
  return {
    pagerdutyRoutingKey: input.pagerdutyRoutingKey ? mask(input.pagerdutyRoutingKey) : null,
    escalationRoutingKeys: input.escalationRoutingKeys.map(mask),
  };
}
