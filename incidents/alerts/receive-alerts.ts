import { Counter } from 'prom-client';
import type { ActionContext, Actor } from '../../platform/index.ts';
import { defineMetric, metricsRegistry, redactorFrom } from '../../platform/index.ts';
import type { AlertSettings } from './alert-settings.ts';
import { alertSettingsFrom, boundedGroupKey, groupKeyOf, severityOf } from './alert-settings.ts';
import { alertFingerprint } from './fingerprint.ts';
import { hearHeartbeats, takeHeartbeats } from './heartbeats/index.ts';
import { summarize } from './ingest-outcomes.ts';
import { queueOf } from './ingest-queue.ts';
import type { Incoming, ReceivedAlert, ReceiveOptions, ReceiveSummary } from './ingest-shapes.ts';
import type { Delivery } from './merge-alert.ts';
import { redactAlerts } from './redact-alerts.ts';

const alertsReceived = defineMetric(
  'firebreak_alerts_received_total',
  () =>
    new Counter({
      name: 'firebreak_alerts_received_total',
      help: 'Alerts received, by source and what they changed (created, updated, unchanged, resolved, refired, silenced, inhibited).',
      labelNames: ['source', 'outcome'] as const,
      registers: [metricsRegistry],
    }),
);

function toIncoming(
  alerts: readonly ReceivedAlert[],
  actor: Actor,
  options: ReceiveOptions,
  settings: AlertSettings,
): Map<string, Incoming> {
  const byFingerprint = new Map<string, Incoming>();
  const groupBy = options.groupBy ?? settings.groupBy;
  for (const alert of alerts) {
    const fingerprint = alertFingerprint(alert.labels);
    const delivery: Delivery = {
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      endsAtIsTimeout: alert.endsAtIsTimeout ?? false,
      annotations: alert.annotations,
      generatorUrl: alert.generatorUrl ?? null,
      severity: severityOf(alert.labels, settings),
    };
    const earlier = byFingerprint.get(fingerprint);
    // The same alert twice in one request (HA senders merged upstream): the earliest start stays.
    if (earlier && earlier.delivery.startsAt.getTime() < delivery.startsAt.getTime()) delivery.startsAt = earlier.delivery.startsAt;
    byFingerprint.set(fingerprint, {
      fingerprint,
      labels: alert.labels,
      delivery,
      groupKey: options.groupKey !== undefined ? boundedGroupKey(options.groupKey) : groupKeyOf(alert.labels, groupBy),
      actor,
      source: options.source ?? 'api',
    });
  }
  return byFingerprint;
}

/**
 * Takes in a batch of alerts in one transaction: upserts them by fingerprint (Alertmanager's merge
 * rules), correlates firing ones into incidents by group key (correlation.ts), records joins,
 * resolutions and re-fires on the incidents' timelines and tells the notifier. A repeated delivery
 * writes nothing. Sensitive values in labels and annotations are redacted first (redact-alerts.ts).
 * Requests arriving together share a transaction (ingest-queue.ts); what one does is
 * in ingest-transaction.ts. The alerts are judged with the settings of ctx.config (ALERT_*) unless
 * options.settings says otherwise; ctx.actor is who delivered them. Alerts matching a heartbeat are
 * taken as heartbeats (heartbeats/), beside the ingest transaction, and not stored as alerts.
 */
export async function receiveAlerts(
  ctx: ActionContext,
  received: readonly ReceivedAlert[],
  options: ReceiveOptions = {},
): Promise<ReceiveSummary> {
  const settings = options.settings ?? alertSettingsFrom(ctx.config);
  const redactor = redactorFrom(ctx.config);
  const source = options.source ?? 'api';
  const now = options.now ?? new Date();
  const redacted = redactor ? redactAlerts(received, redactor) : received;
  const { heard, alerts } = await takeHeartbeats(ctx.db, redacted, source, now);
  const incoming = toIncoming(alerts, ctx.actor, options, settings);
  const [summary] = await Promise.all([
    // A delivery of heartbeats alone (Alertmanager's Watchdog route) needs no ingest transaction.
    incoming.size === 0 && heard.length > 0
      ? summarize(incoming, received.length, new Map())
      : queueOf(ctx.db).submit({ incoming, settings, config: ctx.config, now: options.now ?? null, received: received.length }),
    hearHeartbeats(ctx, heard, now),
  ]);
  for (const outcome of ['created', 'updated', 'unchanged', 'resolved', 'refired', 'silenced', 'inhibited'] as const) {
    if (summary[outcome] > 0) alertsReceived.inc({ source, outcome }, summary[outcome]);
  }
  return summary;
}
