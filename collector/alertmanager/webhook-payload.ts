import { z } from 'zod';
import type { ReceivedAlert } from '../../incidents/index.ts';
import {
  Annotations,
  acceptAnnotations,
  acceptLabels,
  GeneratorUrl,
  isGeneratorUrl,
  isPlainObject,
  isPlainRecord,
  isTimestamp,
  Labels,
  parseTimestamp,
  Timestamp,
  withFastPath,
} from './wire-types.ts';

const WebhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Annotations.default({}),
  startsAt: Timestamp,
  endsAt: Timestamp.optional(),
  generatorURL: GeneratorUrl.default(''),
  fingerprint: z.string().max(64).optional(),
});
type WebhookAlert = z.infer<typeof WebhookAlert>;

const LabelMap = z.record(z.string().max(256), z.string().max(65_536));

const WebhookPayloadSchema = z.object({
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
/** Alertmanager's webhook_config payload, version 4 (as sent by Alertmanager 0.25 and later). */
export const WebhookPayload = withFastPath(WebhookPayloadSchema, acceptWebhookPayload);
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

/** WebhookPayload by hand, as PostableAlerts: the value the schema returns, or undefined for anything it is not sure of. */
export function acceptWebhookPayload(value: unknown): WebhookPayload | undefined {
  if (!isPlainObject(value)) return undefined;
  const { version, groupKey, truncatedAlerts = 0, status, receiver, externalURL = '', notification_reason: reason } = value;
  if (version !== '4' || typeof groupKey !== 'string' || groupKey.length < 1 || groupKey.length > 8192) return undefined;
  if (typeof truncatedAlerts !== 'number' || !Number.isSafeInteger(truncatedAlerts) || truncatedAlerts < 0) return undefined;
  if ((status !== 'firing' && status !== 'resolved') || typeof receiver !== 'string' || receiver.length > 1024) return undefined;
  if (typeof externalURL !== 'string' || externalURL.length > 8192) return undefined;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 256)) return undefined;
  const groupLabels = value.groupLabels === undefined ? {} : acceptLabelMap(value.groupLabels);
  const commonLabels = value.commonLabels === undefined ? {} : acceptLabelMap(value.commonLabels);
  const commonAnnotations = value.commonAnnotations === undefined ? {} : acceptLabelMap(value.commonAnnotations);
  const routeLabels = value.routeLabels === undefined ? undefined : acceptLabelMap(value.routeLabels);
  if (!groupLabels || !commonLabels || !commonAnnotations || (value.routeLabels !== undefined && !routeLabels)) return undefined;
  if (!Array.isArray(value.alerts)) return undefined;
  const alerts: WebhookAlert[] = [];
  for (const item of value.alerts) {
    const alert = acceptWebhookAlert(item);
    if (!alert) return undefined;
    alerts.push(alert);
  }
  // Keys in the schema's order; an optional key is there when the input has it, as zod does.
  const payload: WebhookPayload = {
    version,
    groupKey,
    truncatedAlerts,
    status,
    receiver,
    groupLabels,
    commonLabels,
    commonAnnotations,
    externalURL,
    alerts,
  };
  if ('notification_reason' in value) payload.notification_reason = reason;
  if ('routeLabels' in value) payload.routeLabels = routeLabels;
  return payload;
}

function acceptWebhookAlert(item: unknown): WebhookAlert | undefined {
  if (!isPlainObject(item)) return undefined;
  const { status, startsAt, endsAt, generatorURL = '', fingerprint } = item;
  const labels = acceptLabels(item.labels);
  const annotations = item.annotations === undefined ? {} : acceptAnnotations(item.annotations);
  if ((status !== 'firing' && status !== 'resolved') || !labels || !annotations) return undefined;
  if (!isTimestamp(startsAt) || (endsAt !== undefined && !isTimestamp(endsAt)) || !isGeneratorUrl(generatorURL)) return undefined;
  if (fingerprint !== undefined && (typeof fingerprint !== 'string' || fingerprint.length > 64)) return undefined;
  const alert: WebhookAlert =
    'endsAt' in item
      ? { status, labels, annotations, startsAt, endsAt, generatorURL }
      : { status, labels, annotations, startsAt, generatorURL };
  if ('fingerprint' in item) alert.fingerprint = fingerprint;
  return alert;
}

/** Twin of LabelMap: names and values of any characters, only their lengths limited. */
function acceptLabelMap(value: unknown): Record<string, string> | undefined {
  if (!isPlainRecord(value)) return undefined;
  const record = { ...value };
  for (const name of Object.keys(record)) {
    const text = record[name];
    // zod's records drop a `__proto__` key: left to zod.
    if (name.length > 256 || name === '__proto__' || typeof text !== 'string' || text.length > 65_536) return undefined;
  }
  return record as Record<string, string>;
}

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
