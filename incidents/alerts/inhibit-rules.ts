import { desc, eq } from 'drizzle-orm';
import type { ActionContext, Database } from '../../platform/index.ts';
import { assertPermission, ConflictError, NotFoundError, recordAudit } from '../../platform/index.ts';
import type { InhibitRuleInput } from './inhibit-rule-input.ts';
import { InhibitRuleInput as InhibitRuleSchema, toInhibitRule } from './inhibit-rule-input.ts';
import { formatMatcher } from './matchers.ts';
import type { InhibitRule } from './schema/inhibit-rules.ts';
import { inhibitRules } from './schema/inhibit-rules.ts';

/** A rule as the API and the page show it: its fields and its matchers in Alertmanager notation. */
export function presentInhibitRule(rule: InhibitRule) {
  return {
    ...rule,
    sourceMatchersText: rule.sourceMatchers.map(formatMatcher).join(', '),
    targetMatchersText: rule.targetMatchers.map(formatMatcher).join(', '),
  };
}

/** Every inhibition rule, newest first. */
export async function listInhibitRules(db: Database): Promise<InhibitRule[]> {
  return db.select().from(inhibitRules).orderBy(desc(inhibitRules.createdAt), desc(inhibitRules.id));
}

export async function getInhibitRule(db: Database, id: string): Promise<InhibitRule> {
  const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const [rule] = valid ? await db.select().from(inhibitRules).where(eq(inhibitRules.id, id)) : [];
  if (!rule) throw new NotFoundError(`inhibition rule ${id} not found`);
  return rule;
}

/** Adds an inhibition rule (admin, or routing:write); audited. It mutes alerts that arrive from now on. */
export async function createInhibitRule(ctx: ActionContext, rawInput: InhibitRuleInput): Promise<InhibitRule> {
  assertPermission(ctx.actor, 'routing:write');
  const spec = toInhibitRule(InhibitRuleSchema.parse(rawInput));
  return ctx.db.transaction(async (tx) => {
    const [rule] = await tx
      .insert(inhibitRules)
      .values({ ...spec, origin: 'api', createdBy: ctx.actor.name })
      .returning();
    if (!rule) throw new Error('inhibition rule insert returned no row');
    await recordAudit(tx, ctx, {
      action: 'alerts.inhibit_rule.create',
      targetType: 'inhibit_rule',
      targetId: rule.id,
      details: auditOf(rule),
    });
    return rule;
  });
}

/** Removes an inhibition rule made through the API or the page; one from INHIBIT_RULES_FILE is changed in the file. */
export async function deleteInhibitRule(ctx: ActionContext, id: string): Promise<InhibitRule> {
  assertPermission(ctx.actor, 'routing:write');
  return ctx.db.transaction(async (tx) => {
    const rule = await getInhibitRule(tx, id);
    if (rule.origin === 'file') throw new ConflictError(`inhibition rule ${id} comes from INHIBIT_RULES_FILE: change the file instead.`);
    const [deleted] = await tx.delete(inhibitRules).where(eq(inhibitRules.id, id)).returning();
    if (!deleted) throw new NotFoundError(`inhibition rule ${id} not found`);
    await recordAudit(tx, ctx, { action: 'alerts.inhibit_rule.delete', targetType: 'inhibit_rule', targetId: id, details: auditOf(rule) });
    return deleted;
  });
}

function auditOf(rule: InhibitRule) {
  const shown = presentInhibitRule(rule);
  return { source: shown.sourceMatchersText, target: shown.targetMatchersText, equal: rule.equal, comment: rule.comment };
}
