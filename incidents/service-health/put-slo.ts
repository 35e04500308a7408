import { and, eq, sql } from 'drizzle-orm';
import type { ActionContext, Database } from '../../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../../platform/index.ts';
import type { Slo } from './schema/slos.ts';
import { slos } from './schema/slos.ts';
import { SloInput } from './slo-input.ts';

/** Creates or replaces an SLO in the caller's transaction (the API and the config file both come here). */
export async function storeSlo(tx: Database, input: SloInput, source: Slo['source']): Promise<{ slo: Slo; created: boolean }> {
  const values = {
    service: input.service,
    name: input.name,
    indicator: input.indicator,
    objective: input.objective,
    thresholdMs: input.thresholdMs ?? null,
    spanKind: input.spanKind,
    operation: input.operation,
    description: input.description,
    source,
  };
  const [existing] = await tx
    .select()
    .from(slos)
    .where(and(eq(slos.service, input.service), eq(slos.name, input.name)))
    .for('update');
  if (existing && existing.source === 'file' && source === 'api') {
    throw new ConflictError(
      `SLO "${input.name}" of service "${input.service}" comes from SLO_CONFIG_FILE; change it there.`,
      'slo_from_file',
    );
  }
  if (!existing) {
    const [slo] = await tx.insert(slos).values(values).returning();
    if (!slo) throw new Error('slo insert returned no row');
    return { slo, created: true };
  }
  const [slo] = await tx
    .update(slos)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(slos.id, existing.id))
    .returning();
  if (!slo) throw new Error('slo update returned no row');
  return { slo, created: false };
}

/** PUT /api/slos: creates or replaces an SLO of a service (permission slos:write). */
export async function putSlo(ctx: ActionContext, rawInput: SloInput): Promise<{ slo: Slo; created: boolean }> {
  assertPermission(ctx.actor, 'slos:write');
  const input = SloInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const result = await storeSlo(tx, input, 'api');
    await recordAudit(tx, ctx, {
      action: result.created ? 'services.slo.create' : 'services.slo.update',
      targetType: 'slo',
      targetId: result.slo.id,
      details: { ...input },
    });
    return result;
  });
}
