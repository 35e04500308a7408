import { z } from 'zod';
import type { ActionContext } from '../../../platform/index.ts';
import { assertPermission, InvalidInputError, recordAudit } from '../../../platform/index.ts';
import { getIncidentForUpdate } from '../../get-incident.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { becomeBreach } from '../mark-breach.ts';
import { recomputeObligations } from '../obligations/index.ts';
import { ANCHORS } from '../regimes/index.ts';
import { breachFacts } from './schema/breach-facts.ts';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;

const Text = z.string().trim().min(1).max(5000);
const List = z.array(z.string().trim().min(1).max(200)).max(200);
const Count = z.number().int().min(0).max(10_000_000_000);
const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time with a zone, e.g. "2026-03-27T12:00:00Z"' });

/** Assessment facts; null withdraws a value recorded earlier. */
export const BreachFactsInput = z.strictObject({
  personalData: z.boolean().nullable().optional(),
  dataCategories: List.nullable().optional(),
  peopleAffected: Count.nullable().optional(),
  recordsAffected: Count.nullable().optional(),
  jurisdictions: List.nullable().optional(),
  affectedCustomers: List.nullable().optional(),
  encrypted: z.boolean().nullable().optional(),
  riskLevel: z.enum(RISK_LEVELS).nullable().optional(),
  riskRationale: Text.nullable().optional(),
  natureOfBreach: Text.nullable().optional(),
  likelyConsequences: Text.nullable().optional(),
  measuresTaken: Text.nullable().optional(),
  contactPoint: Text.nullable().optional(),
});

export const RecordFactsInput = z
  .strictObject({
    facts: BreachFactsInput.default({}),
    anchors: z
      .strictObject(
        Object.fromEntries(ANCHORS.map((anchor) => [anchor, Instant.nullable().optional()])) as Record<
          (typeof ANCHORS)[number],
          z.ZodOptional<z.ZodNullable<typeof Instant>>
        >,
      )
      .default({}),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((input) => Object.keys(input.facts).length + Object.keys(input.anchors).length > 0, {
    message: 'give at least one fact or anchor',
  })
  .refine((input) => !input.facts.riskLevel || Boolean(input.facts.riskRationale), {
    message: 'a risk level needs its rationale (facts.riskRationale)',
    path: ['facts', 'riskRationale'],
  });
export type RecordFactsInput = z.input<typeof RecordFactsInput>;

// Clocks may be a little apart; a moment further in the future than this is a mistake.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Records assessment facts and anchor moments (append-only, with their author) and recomputes the
 * incident's obligations and deadline warnings in the same transaction.
 */
export async function recordBreachFacts(ctx: ActionContext, incidentIdOrReference: string, rawInput: RecordFactsInput) {
  assertPermission(ctx.actor, 'breach:assess');
  const input = RecordFactsInput.parse(rawInput);
  const now = new Date();
  for (const [anchor, value] of Object.entries(input.anchors)) {
    if (value && new Date(value).getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      throw new InvalidInputError(`Invalid request body: anchors.${anchor}: ${value} is in the future.`);
    }
  }
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncidentForUpdate(tx, incidentIdOrReference);
    const entries = [
      ...Object.entries(input.facts),
      ...Object.entries(input.anchors).map(([name, value]) => [name, value ? new Date(value).toISOString() : null] as const),
    ].filter(([, value]) => value !== undefined);
    await tx.insert(breachFacts).values(
      entries.map(([name, value]) => ({
        incidentId: incident.id,
        name,
        value: value ?? null,
        note: input.note ?? null,
        actorType: ctx.actor.kind,
        actorId: ctx.actor.id,
        actorName: ctx.actor.name,
      })),
    );
    const recorded = Object.fromEntries(entries);
    const regimesApplied =
      input.facts.personalData === true ? await becomeBreach(tx, ctx, incident.id, { suspected: false, via: 'facts' }) : null;
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'breach.facts_recorded',
      data: { facts: recorded, note: input.note ?? null },
    });
    await recordAudit(tx, ctx, {
      action: 'breach.facts.record',
      targetType: 'incident',
      targetId: incident.id,
      details: { facts: recorded, note: input.note ?? null },
    });
    const obligations = await recomputeObligations(tx, incident.id, now);
    return { incidentId: incident.id, recorded, obligations: obligations.length, regimesApplied: regimesApplied ?? [] };
  });
}
