import { DateTime } from 'luxon';
import { z } from 'zod';
import { InvalidInputError } from '../../../platform/index.ts';
import type { Anchors, Facts } from './compute-deadlines.ts';
import { computeDeadlines } from './compute-deadlines.ts';
import type { RegimeDefinition } from './regime-definition.ts';
import { ANCHORS, FACT_NAMES } from './regime-definition.ts';

const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time with a zone, e.g. "2026-03-27T12:00:00Z"' });

export const EvaluateInput = z.strictObject({
  anchors: z
    .strictObject(
      Object.fromEntries(ANCHORS.map((anchor) => [anchor, Instant.optional()])) as Record<
        (typeof ANCHORS)[number],
        z.ZodOptional<typeof Instant>
      >,
    )
    .default({}),
  submissions: z.record(z.string().max(63), Instant).default({}),
  facts: z
    .partialRecord(
      z.enum(FACT_NAMES),
      z.union([z.string().max(2000), z.number(), z.boolean(), z.array(z.string().max(200)).max(200), z.null()]),
    )
    .default({}),
});
export type EvaluateInput = z.input<typeof EvaluateInput>;

/** A time in UTC and in the regime's zone, as the API shows both. */
export function localIso(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISO() ?? at.toISOString();
}

export interface RegimeEvaluation {
  regime: string;
  name: string;
  timeZone: string;
  obligations: {
    key: string;
    title: string;
    recipient: string;
    dueAt: string | null;
    dueLocal: string | null;
    basis: string | null;
    applicable: boolean | null;
    warnings: { point: string; label: string; at: string; atLocal: string }[];
    overdueEveryHours: number;
  }[];
}

/** "What if": the regime's obligations with due and warning times for the given moments; touches no incident. */
export function evaluateRegime(regime: RegimeDefinition, rawInput: EvaluateInput): RegimeEvaluation {
  const input = EvaluateInput.parse(rawInput);
  const keys = regime.obligations.map((obligation) => obligation.key);
  const unknown = Object.keys(input.submissions).filter((key) => !keys.includes(key));
  if (unknown.length) {
    throw new InvalidInputError(
      `Invalid request body: submissions: ${unknown.map((key) => `"${key}"`).join(', ')} is not an obligation of "${regime.id}"; there are: ${keys.join(', ')}.`,
    );
  }
  const toDates = (record: Partial<Record<string, string>>) =>
    Object.fromEntries(Object.entries(record).flatMap(([key, value]) => (value ? [[key, new Date(value)]] : [])));
  const deadlines = computeDeadlines(regime, {
    anchors: toDates(input.anchors) as Anchors,
    submissions: toDates(input.submissions),
    facts: input.facts as Facts,
  });
  return {
    regime: regime.id,
    name: regime.name,
    timeZone: regime.timeZone,
    obligations: regime.obligations.map((obligation, index) => {
      const deadline = deadlines[index];
      return {
        key: obligation.key,
        title: obligation.title,
        recipient: obligation.recipient,
        dueAt: deadline?.dueAt?.toISOString() ?? null,
        dueLocal: deadline?.dueAt ? localIso(deadline.dueAt, regime.timeZone) : null,
        basis: deadline?.basis ?? null,
        applicable: deadline?.applicable ?? null,
        warnings: (deadline?.warnings ?? []).map((warning) => ({
          point: warning.point,
          label: warning.label,
          at: warning.at.toISOString(),
          atLocal: localIso(warning.at, regime.timeZone),
        })),
        overdueEveryHours: (obligation.warnings ?? regime.warnings).overdueEveryHours,
      };
    }),
  };
}
