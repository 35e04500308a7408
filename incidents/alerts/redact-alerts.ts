import type { Redactor } from '../../platform/index.ts';
import type { ReceivedAlert } from './ingest-shapes.ts';

/**
 * The alerts with card numbers, SSNs, tokens and secrets in their labels and annotations replaced,
 * before anything else sees them: the fingerprint is computed from the redacted labels. Redaction is
 * deterministic, so a refresh of the same alert gets the same fingerprint, and no stored fingerprint
 * is a fast hash of a card number that could be searched back. Untouched alerts stay the same objects.
 */
export function redactAlerts(received: readonly ReceivedAlert[], redactor: Redactor): readonly ReceivedAlert[] {
  let copy: ReceivedAlert[] | null = null;
  for (let index = 0; index < received.length; index++) {
    const alert = received[index] as ReceivedAlert;
    const labels = redactor.record(alert.labels, 'alert_label');
    const annotations = redactor.record(alert.annotations, 'alert_annotation');
    if (labels === alert.labels && annotations === alert.annotations) continue;
    copy ??= [...received];
    copy[index] = { ...alert, labels, annotations };
  }
  return copy ?? received;
}
