import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A captured Alertmanager webhook delivery (test/fixtures/alertmanager-webhook/<name>.json). */
export function webhookFixture(name: string): WebhookFixture {
  return JSON.parse(readFileSync(path.join(folder, 'alertmanager-webhook', `${name}.json`), 'utf8')) as WebhookFixture;
}

/** A captured Prometheus batch for POST /api/v2/alerts (test/fixtures/prometheus-v2/<name>.json). */
export function prometheusFixture(name: string): PrometheusAlert[] {
  return JSON.parse(readFileSync(path.join(folder, 'prometheus-v2', `${name}.json`), 'utf8')) as PrometheusAlert[];
}

export interface WebhookFixture {
  version: string;
  groupKey: string;
  status: string;
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    fingerprint: string;
  }[];
  [field: string]: unknown;
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/**
 * The batch with every timestamp moved by the same amount, so that `reference` (a moment of the
 * capture) becomes `now`: Prometheus's heartbeats carry absolute endsAt values that were in the
 * future only when captured.
 */
export function shiftedToNow(batch: PrometheusAlert[], reference: string, now: Date = new Date()): PrometheusAlert[] {
  const offset = now.getTime() - new Date(reference).getTime();
  const shift = (value: string) => new Date(new Date(value).getTime() + offset).toISOString();
  return batch.map((alert) => ({ ...alert, startsAt: shift(alert.startsAt), endsAt: shift(alert.endsAt) }));
}
