import { z } from 'zod';
import type { ActionContext, Database } from '../../platform/index.ts';
import { assertPermission, recordAudit } from '../../platform/index.ts';
import { getIncidentForUpdate } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { markIncidentBreach } from '../incident-writes.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { applyDefaultRegimes } from './obligations/index.ts';

export const BREACH_MARK_SOURCES = ['web', 'slack', 'api', 'facts'] as const;

export const MarkBreachInput = z.strictObject({
  /** Suspected (not yet confirmed): the clocks start all the same. */
  suspected: z.boolean().default(true),
  note: z.string().trim().max(2000).optional(),
  via: z.enum(BREACH_MARK_SOURCES).default('api'),
});
export type MarkBreachInput = z.input<typeof MarkBreachInput>;

/**
 * What becoming a breach entails, in the caller's transaction: the mark, then (by whichever caller set
 * it, once) the timeline entry, the audit record and BREACH_DEFAULT_REGIMES. Answers the regimes
 * applied, or null when the incident was a breach already.
 */
export async function becomeBreach(
  tx: Database,
  ctx: ActionContext,
  incidentId: string,
  how: { suspected: boolean; via: (typeof BREACH_MARK_SOURCES)[number]; note?: string | undefined },
): Promise<string[] | null> {
  if (!(await markIncidentBreach(tx, incidentId))) return null;
  const data = { suspected: how.suspected, via: how.via, note: how.note ?? null };
  await appendTimelineEvent(tx, ctx.actor, { incidentId, type: 'breach.marked', data });
  await recordAudit(tx, ctx, { action: 'breach.mark', targetType: 'incident', targetId: incidentId, details: data });
  return applyDefaultRegimes(tx, ctx, incidentId);
}

/** Marks an incident a (suspected) breach from the web, Slack or the API; marking it again changes nothing. */
export async function markBreach(ctx: ActionContext, incidentIdOrReference: string, rawInput: MarkBreachInput = {}) {
  assertPermission(ctx.actor, 'breach:assess');
  const input = MarkBreachInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncidentForUpdate(tx, incidentIdOrReference);
    const applied = await becomeBreach(tx, ctx, incident.id, input);
    return {
      incidentId: incident.id,
      reference: incidentReference(incident),
      marked: applied !== null,
      regimesApplied: applied ?? [],
    };
  });
}
