import { Counter, Gauge, Histogram } from 'prom-client';
import { defineMetric, metricsRegistry } from '../platform/index.ts';

export const deliveryAttempts = defineMetric(
  'firebreak_notifier_delivery_attempts_total',
  () =>
    new Counter({
      name: 'firebreak_notifier_delivery_attempts_total',
      help: 'Outbox delivery attempts, by channel and outcome (delivered, retry, rate_limited, dead).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [metricsRegistry],
    }),
);

export const deliveryLatency = defineMetric(
  'firebreak_notifier_delivery_latency_seconds',
  () =>
    new Histogram({
      name: 'firebreak_notifier_delivery_latency_seconds',
      help: 'Time from a message entering the outbox to its delivery, by channel.',
      labelNames: ['channel'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800],
      registers: [metricsRegistry],
    }),
);

export const outboxMessageCount = defineMetric(
  'firebreak_notifier_outbox_messages',
  () =>
    new Gauge({
      name: 'firebreak_notifier_outbox_messages',
      help: 'Undelivered outbox messages, by channel and status (pending, failed, dead).',
      labelNames: ['channel', 'status'] as const,
      registers: [metricsRegistry],
    }),
);
