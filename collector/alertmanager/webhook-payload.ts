import { z } from 'zod';
import type { ReceivedAlert } from '../../incidents/index.ts';
import { Annotations, GeneratorUrl, Labels, Timestamp, parseTimestamp } from './wire-types.ts';

const WebhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Annotations.default({}),
  startsAt: Timestamp,
  endsAt: Timestamp.optional(),
  generatorURL: GeneratorUrl.default(''),
  fingerprint: z.string().max(64).optional(),
});

const LabelMap = z.record(z.string().max(256), z.string().max(65_536));

/** Alertmanager's webhook_config payload, version 4 (as sent by Alertmanager 0.25 and later). */
export const WebhookPayload = z.object({
  version: z.literal('4', { error: 'only version "4" of the Alertmanager webhook payload is supported' }),
  groupKey: z.string().min(1).max(8192),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1024),
  groupLabels: LabelMap.default({}),
  commonLabels: LabelMap.default({}),
  commonAnnotations: LabelMap.default({}),
  externalURL: z.string().max(8192).default(''),
  alerts: z.array(WebhookAlert),
  // Newer Alertmanagers add these; they change nothing here.
  notification_reason: z.string().max(256).optional(),
  routeLabels: LabelMap.optional(),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/**
 * The payload's alerts as plain values. A firing alert's endsAt is Go's zero time and means "until
 * Alertmanager says it resolved"; a resolved alert ends at its endsAt (never later than now).
 */
export function webhookAlerts(payload: WebhookPayload, now: Date): ReceivedAlert[] {
  return payload.alerts.map((alert) => {
    const endsAt = parseTimestamp(alert.endsAt);
    const resolvedAt = endsAt && endsAt.getTime() < now.getTime() ? endsAt : now;
    return {
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: parseTimestamp(alert.startsAt) ?? now,
      endsAt: alert.status === 'resolved' ? resolvedAt : null,
      ...(alert.generatorURL ? { generatorUrl: alert.generatorURL } : {}),
      ...(alert.fingerprint ? { fingerprint: alert.fingerprint } : {}),
    };
  });
}
