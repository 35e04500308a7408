import { z } from 'zod';
import type { ReceivedAlert } from '../../incidents/index.ts';
import {
  Annotations,
  acceptAnnotations,
  acceptLabels,
  GeneratorUrl,
  isGeneratorUrl,
  isPlainObject,
  isTimestamp,
  Labels,
  parseTimestamp,
  Timestamp,
  withFastPath,
} from './wire-types.ts';

const PostableAlert = z
  .object({
    labels: Labels,
    annotations: Annotations.default({}),
    startsAt: Timestamp.optional(),
    endsAt: Timestamp.optional(),
    generatorURL: GeneratorUrl.optional(),
  })
  .refine((alert) => endsNotBeforeStarts(alert.startsAt, alert.endsAt), { message: 'endsAt is before startsAt', path: ['endsAt'] });
type PostableAlert = z.infer<typeof PostableAlert>;

/** Alertmanager API v2 `postableAlerts`: what Prometheus sends to POST /api/v2/alerts. */
export const PostableAlerts = withFastPath(z.array(PostableAlert), acceptPostableAlerts);
export type PostableAlerts = z.infer<typeof PostableAlerts>;

function endsNotBeforeStarts(startsAt: string | undefined, endsAt: string | undefined): boolean {
  const starts = parseTimestamp(startsAt);
  const ends = parseTimestamp(endsAt);
  return !starts || !ends || ends.getTime() >= starts.getTime();
}

/**
 * PostableAlerts by hand, for the batches Prometheus sends (zod took a quarter of a request's CPU): the value
 * the schema returns, or undefined for anything it is not sure of, which the schema then decides.
 */
export function acceptPostableAlerts(value: unknown): PostableAlert[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const alerts: PostableAlert[] = [];
  for (const item of value) {
    if (!isPlainObject(item)) return undefined;
    const labels = acceptLabels(item.labels);
    const annotations = item.annotations === undefined ? {} : acceptAnnotations(item.annotations);
    const { startsAt, endsAt, generatorURL } = item;
    if (!labels || !annotations) return undefined;
    if ((startsAt !== undefined && !isTimestamp(startsAt)) || (endsAt !== undefined && !isTimestamp(endsAt))) return undefined;
    if (generatorURL !== undefined && !isGeneratorUrl(generatorURL)) return undefined;
    if (startsAt !== undefined && endsAt !== undefined && !inOrder(startsAt, endsAt)) return undefined;
    // Keys in the schema's order; an optional key is there when the input has it, as zod does.
    const alert: PostableAlert = { labels, annotations };
    if (startsAt !== undefined || 'startsAt' in item) alert.startsAt = startsAt;
    if (endsAt !== undefined || 'endsAt' in item) alert.endsAt = endsAt;
    if (generatorURL !== undefined || 'generatorURL' in item) alert.generatorURL = generatorURL;
    alerts.push(alert);
  }
  return alerts;
}

/**
 * endsNotBeforeStarts, without two Dates in the common case. In UTC timestamps (checked by isTimestamp) the
 * first 19 characters are the second, and two of the same length have every field in the same place, so their
 * text compares as their times do (Date only cuts both to milliseconds, which keeps the order).
 */
function inOrder(startsAt: string, endsAt: string): boolean {
  if (startsAt.endsWith('Z') && endsAt.endsWith('Z')) {
    if (startsAt.length === endsAt.length ? endsAt >= startsAt : endsAt.slice(0, 19) > startsAt.slice(0, 19)) return true;
  }
  return endsNotBeforeStarts(startsAt, endsAt);
}

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
