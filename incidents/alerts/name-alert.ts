import { alertIdentity } from './describe-alert-changes.ts';

/** An alert as a sentence names it: "ClusterDown on eu-1", "HighErrorRate on api-1:9100", "Watchdog". */
export function nameAlert(fingerprint: string, labels: Record<string, string>): string {
  const identity = alertIdentity({ fingerprint, labels });
  // Without an identifying label the identity is a fingerprint: a cluster reads better, or nothing.
  const where = identity === fingerprint.slice(0, 12) ? (labels.cluster ?? '') : identity;
  const name = labels.alertname ?? 'Alert';
  return where ? `${name} on ${where}` : name;
}
