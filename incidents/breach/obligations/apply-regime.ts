import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext, Database } from '../../../platform/index.ts';
import { assertPermission, ConflictError, cancelTimers, NotFoundError, recordAudit } from '../../../platform/index.ts';
import { getIncidentForUpdate } from '../../get-incident.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { getRegime } from '../regimes/index.ts';
import { recomputeObligations } from './recompute-obligations.ts';
import { WARNING_TIMER_KIND } from './schedule-warnings.ts';
import { breachIncidentRegimes } from './schema/breach-incident-regimes.ts';
import type { BreachObligation } from './schema/breach-obligations.ts';
import { breachObligations } from './schema/breach-obligations.ts';

export const ApplyRegimeInput = z.strictObject({ regimeId: z.string().min(1).max(63) });
export type ApplyRegimeInput = z.infer<typeof ApplyRegimeInput>;

/**
 * Puts an incident (whose row the caller holds) under a regime in the caller's transaction: one
 * obligation per obligation of the regime (a copy of the definition travels with it), due times from
 * the current facts, warnings scheduled. Answers null when the regime applies already (the unique
 * index decides, so concurrent callers apply it once).
 */
export async function applyRegimeInTransaction(
  tx: Database,
  ctx: ActionContext,
  incidentId: string,
  regimeId: string,
  options: { automatic: boolean },
): Promise<{ regime: string; obligations: BreachObligation[] } | null> {
  const { definition } = await getRegime(tx, regimeId);
  const [application] = await tx
    .insert(breachIncidentRegimes)
    .values({ incidentId, regimeId: definition.id, definition, appliedBy: ctx.actor.name, automatic: options.automatic })
    .onConflictDoNothing()
    .returning();
  if (!application) return null;
  await tx.insert(breachObligations).values(
    definition.obligations.map((obligation) => ({
      incidentId,
      incidentRegimeId: application.id,
      regimeId: definition.id,
      key: obligation.key,
      title: obligation.title,
      recipient: obligation.recipient,
      status: 'assessing' as const,
    })),
  );
  // A fresh row has no due time, so the recomputation below sets every due time and schedules every warning.
  const obligations = (await recomputeObligations(tx, incidentId)).filter((obligation) => obligation.incidentRegimeId === application.id);
  await appendTimelineEvent(tx, ctx.actor, {
    incidentId,
    type: 'breach.regime_applied',
    data: { regime: definition.id, name: definition.name, automatic: options.automatic },
  });
  await recordAudit(tx, ctx, {
    action: 'breach.regime.apply',
    targetType: 'incident',
    targetId: incidentId,
    details: { regime: definition.id, automatic: options.automatic },
  });
  return { regime: definition.id, obligations };
}

/** Puts an incident under a regime a person chose. */
export async function applyRegime(ctx: ActionContext, incidentIdOrReference: string, input: ApplyRegimeInput) {
  assertPermission(ctx.actor, 'breach:assess');
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncidentForUpdate(tx, incidentIdOrReference);
    const applied = await applyRegimeInTransaction(tx, ctx, incident.id, input.regimeId, { automatic: false });
    if (!applied)
      throw new ConflictError(`Regime "${input.regimeId}" already applies to this incident (or was withdrawn).`, 'regime_already_applied');
    return applied;
  });
}

/**
 * Applies BREACH_DEFAULT_REGIMES in the caller's transaction; the caller calls it once, when the
 * incident has just become a breach. A regime id the catalog does not know is skipped and named on
 * the timeline rather than refusing the breach.
 */
export async function applyDefaultRegimes(tx: Database, ctx: ActionContext, incidentId: string): Promise<string[]> {
  const applied: string[] = [];
  const unknown: string[] = [];
  for (const regimeId of ctx.config.BREACH_DEFAULT_REGIMES) {
    try {
      if (await applyRegimeInTransaction(tx, ctx, incidentId, regimeId, { automatic: true })) applied.push(regimeId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      unknown.push(regimeId);
    }
  }
  if (unknown.length) {
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId,
      type: 'breach.default_regimes_unknown',
      data: { regimes: unknown, setting: 'BREACH_DEFAULT_REGIMES' },
    });
  }
  return applied;
}

export const WithdrawRegimeInput = z.strictObject({
  regimeId: z.string().min(1).max(63),
  reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(2000),
});
export type WithdrawRegimeInput = z.infer<typeof WithdrawRegimeInput>;

/**
 * Withdraws a regime from one incident, with a reason: its open obligations no longer apply (their
 * warnings are cancelled by the recomputation); submitted ones stay as the record of what was sent.
 */
export async function withdrawRegime(ctx: ActionContext, incidentIdOrReference: string, rawInput: WithdrawRegimeInput) {
  assertPermission(ctx.actor, 'breach:assess');
  const input = WithdrawRegimeInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncidentForUpdate(tx, incidentIdOrReference);
    const now = new Date();
    const [withdrawn] = await tx
      .update(breachIncidentRegimes)
      .set({ withdrawnAt: now, withdrawnBy: ctx.actor.name, withdrawalReason: input.reason })
      .where(
        and(
          eq(breachIncidentRegimes.incidentId, incident.id),
          eq(breachIncidentRegimes.regimeId, input.regimeId),
          isNull(breachIncidentRegimes.withdrawnAt),
        ),
      )
      .returning();
    if (!withdrawn) throw new NotFoundError(`Regime "${input.regimeId}" does not apply to this incident (or was withdrawn already).`);
    const open = await tx.select().from(breachObligations).where(eq(breachObligations.incidentRegimeId, withdrawn.id)).for('update');
    for (const obligation of open.filter((row) => row.status === 'assessing' || row.status === 'applicable')) {
      await tx
        .update(breachObligations)
        .set({
          status: 'not_applicable',
          notApplicableBy: ctx.actor.name,
          notApplicableReason: `Regime withdrawn: ${input.reason}`,
          version: obligation.version + 1,
          updatedAt: now,
        })
        .where(eq(breachObligations.id, obligation.id));
      await cancelTimers(tx, WARNING_TIMER_KIND, `${obligation.id}:`);
    }
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'breach.regime_withdrawn',
      data: { regime: input.regimeId, name: withdrawn.definition.name, reason: input.reason },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.regime.withdraw',
      targetType: 'incident',
      targetId: incident.id,
      details: { regime: input.regimeId, reason: input.reason },
    });
    return { regime: input.regimeId, withdrawnAt: now };
  });
}
