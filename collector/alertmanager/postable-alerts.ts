import { z } from 'zod';
import type { ReceivedAlert } from '../../incidents/index.ts';
import { Annotations, GeneratorUrl, Labels, Timestamp, parseTimestamp } from './wire-types.ts';

const PostableAlert = z
  .object({
    labels: Labels,
    annotations: Annotations.default({}),
    startsAt: Timestamp.optional(),
    endsAt: Timestamp.optional(),
    generatorURL: GeneratorUrl.optional(),
  })
  .refine(
    (alert) => {
      const startsAt = parseTimestamp(alert.startsAt);
      const endsAt = parseTimestamp(alert.endsAt);
      return !startsAt || !endsAt || endsAt.getTime() >= startsAt.getTime();
    },
    { message: 'endsAt is before startsAt', path: ['endsAt'] },
  );

/** Alertmanager API v2 `postableAlerts`: what Prometheus sends to POST /api/v2/alerts. */
export const PostableAlerts = z.array(PostableAlert);
export type PostableAlerts = z.infer<typeof PostableAlerts>;

/**
 * Alertmanager's defaults (api/v2 postAlertsHandler): a missing startsAt is endsAt, or now; a missing endsAt is
 * now plus the resolve timeout, and marked as such so that a sender's own endsAt later overrides it.
 */
export function postableAlerts(list: PostableAlerts, now: Date, resolveTimeoutMs: number): ReceivedAlert[] {
  return list.map((alert) => {
    const endsAt = parseTimestamp(alert.endsAt);
    return {
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: parseTimestamp(alert.startsAt) ?? endsAt ?? now,
      endsAt: endsAt ?? new Date(now.getTime() + resolveTimeoutMs),
      endsAtIsTimeout: endsAt === null,
      ...(alert.generatorURL ? { generatorUrl: alert.generatorURL } : {}),
    };
  });
}
