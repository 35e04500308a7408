import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../../../platform/index.ts';
import { getIncidentForUpdate } from '../../get-incident.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { getRegime } from '../regimes/index.ts';
import { recomputeObligations } from './recompute-obligations.ts';
import { breachIncidentRegimes } from './schema/breach-incident-regimes.ts';
import { breachObligations } from './schema/breach-obligations.ts';

export const ApplyRegimeInput = z.strictObject({ regimeId: z.string().min(1).max(63) });
export type ApplyRegimeInput = z.infer<typeof ApplyRegimeInput>;

/**
 * Puts an incident under a regime: one obligation per obligation of the regime (a copy of the
 * definition travels with it), due times from the current facts, warnings scheduled.
 */
export async function applyRegime(ctx: ActionContext, incidentIdOrReference: string, input: ApplyRegimeInput) {
  assertPermission(ctx.actor, 'breach:assess');
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncidentForUpdate(tx, incidentIdOrReference);
    const { definition } = await getRegime(tx, input.regimeId);
    const [application] = await tx
      .insert(breachIncidentRegimes)
      .values({ incidentId: incident.id, regimeId: definition.id, definition, appliedBy: ctx.actor.name })
      .onConflictDoNothing()
      .returning();
    if (!application) throw new ConflictError(`Regime "${definition.id}" already applies to this incident.`, 'regime_already_applied');
    await tx.insert(breachObligations).values(
      definition.obligations.map((obligation) => ({
        incidentId: incident.id,
        incidentRegimeId: application.id,
        regimeId: definition.id,
        key: obligation.key,
        title: obligation.title,
        recipient: obligation.recipient,
        status: 'assessing' as const,
      })),
    );
    // A fresh row has no due time, so the recomputation below sets every due time and schedules every warning.
    const obligations = (await recomputeObligations(tx, incident.id)).filter(
      (obligation) => obligation.incidentRegimeId === application.id,
    );
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'breach.regime_applied',
      data: { regime: definition.id, name: definition.name },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.regime.apply',
      targetType: 'incident',
      targetId: incident.id,
      details: { regime: definition.id },
    });
    return { regime: definition.id, obligations };
  });
}
