import { eq } from 'drizzle-orm';
import type { ActionContext, Database } from '../../../platform/index.ts';
import { assertPermission, ConflictError, invalidInputFromIssues, recordAudit } from '../../../platform/index.ts';
import { builtInRegime } from './built-in-regimes.ts';
import type { CatalogRegime } from './regime-catalog.ts';
import { RegimeDefinition } from './regime-definition.ts';
import { breachRegimes } from './schema/breach-regimes.ts';

export function parseRegimeDefinition(input: unknown, where = 'regime'): RegimeDefinition {
  const parsed = RegimeDefinition.safeParse(input);
  if (!parsed.success) throw invalidInputFromIssues(where, parsed.error.issues);
  return parsed.data;
}

async function assertWritable(tx: Database, id: string): Promise<void> {
  if (builtInRegime(id))
    throw new ConflictError(`Regime "${id}" is built in and cannot be changed; define your own with another id.`, 'regime_built_in');
  const [row] = await tx.select({ source: breachRegimes.source }).from(breachRegimes).where(eq(breachRegimes.id, id));
  if (row?.source === 'file') throw new ConflictError(`Regime "${id}" comes from the regimes file; change it there.`, 'regime_from_file');
}

/** Creates an operator-defined regime (POST /api/regimes). */
export async function createRegime(ctx: ActionContext, input: unknown): Promise<CatalogRegime> {
  assertPermission(ctx.actor, 'regimes:write');
  const definition = parseRegimeDefinition(input);
  return ctx.db.transaction(async (tx) => {
    await assertWritable(tx, definition.id);
    const [row] = await tx
      .insert(breachRegimes)
      .values({ id: definition.id, definition, source: 'api', updatedBy: ctx.actor.name })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw new ConflictError(`A regime "${definition.id}" exists already; PUT /api/regimes/${definition.id} changes it.`, 'regime_exists');
    await recordAudit(tx, ctx, { action: 'breach.regime.create', targetType: 'regime', targetId: definition.id, details: { definition } });
    return { source: 'api', definition, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
  });
}

/** Replaces an operator-defined regime; incidents it already applies to keep the copy they were given. */
export async function updateRegime(ctx: ActionContext, id: string, input: unknown): Promise<CatalogRegime> {
  assertPermission(ctx.actor, 'regimes:write');
  const definition = parseRegimeDefinition(input);
  if (definition.id !== id) throw invalidInputFromIssues('regime', [{ path: ['id'], message: `must be "${id}", the regime in the path` }]);
  return ctx.db.transaction(async (tx) => {
    await assertWritable(tx, id);
    const [row] = await tx
      .update(breachRegimes)
      .set({ definition, updatedBy: ctx.actor.name, updatedAt: new Date() })
      .where(eq(breachRegimes.id, id))
      .returning();
    if (!row) throw new ConflictError(`No operator-defined regime "${id}" to change; POST /api/regimes creates it.`, 'regime_missing');
    await recordAudit(tx, ctx, { action: 'breach.regime.update', targetType: 'regime', targetId: id, details: { definition } });
    return { source: 'api', definition, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
  });
}

/** Deletes an operator-defined regime (incidents it applies to keep their copy). */
export async function deleteRegime(ctx: ActionContext, id: string): Promise<{ deleted: string }> {
  assertPermission(ctx.actor, 'regimes:write');
  return ctx.db.transaction(async (tx) => {
    await assertWritable(tx, id);
    const deleted = await tx.delete(breachRegimes).where(eq(breachRegimes.id, id)).returning({ id: breachRegimes.id });
    if (deleted.length === 0) throw new ConflictError(`No operator-defined regime "${id}".`, 'regime_missing');
    await recordAudit(tx, ctx, { action: 'breach.regime.delete', targetType: 'regime', targetId: id });
    return { deleted: id };
  });
}
