import type { Alert } from '../../incidents/index.ts';
import { Time } from './layout.tsx';

export type AlertState = 'firing' | 'resolved' | 'expired';

/**
 * What a person should read of an alert: firing; resolved (its sender said so); or expired (its sender
 * went quiet and its end time passed, which is not the same as recovering).
 */
export function alertState(alert: Alert, now: Date = new Date()): AlertState {
  // A firing alert whose end passed is expired already, though the expiry job has not marked it yet.
  if (alert.status === 'firing') return alert.endsAt && alert.endsAt.getTime() <= now.getTime() ? 'expired' : 'firing';
  return alert.status;
}

export function AlertStateBadge({ alert }: { alert: Alert }) {
  const state = alertState(alert);
  const badge = (
    <span class={`badge alert-${state}`}>
      {state === 'firing' ? '● firing' : state === 'resolved' ? '✓ resolved' : '◌ expired — source silent'}
    </span>
  );
  if (!alert.flappingSince) return badge;
  return (
    <>
      {badge}{' '}
      <span
        class="badge alert-flapping"
        title="It changes state too often: its messages and pages are held to one per flap window until it settles."
      >
        ↯ flapping
      </span>
    </>
  );
}

/** "firing since <time>", or "fired from <time> to <time>" once it resolved or expired. */
export function FiredSpan({ alert }: { alert: Alert }) {
  if (alertState(alert) === 'firing')
    return (
      <>
        firing since <Time at={alert.startsAt} />
      </>
    );
  return (
    <>
      fired from <Time at={alert.startsAt} /> to <Time at={alert.resolvedAt ?? alert.endsAt} />
    </>
  );
}

/** The labels whose values differ between the alerts (what tells one from the next); all but alertname for a single alert. */
export function distinguishingLabels(alerts: Alert[]): Set<string> {
  const names = new Set(alerts.flatMap((alert) => Object.keys(alert.labels)));
  names.delete('alertname');
  if (alerts.length <= 1) return names;
  return new Set([...names].filter((name) => new Set(alerts.map((alert) => alert.labels[name] ?? '')).size > 1));
}

/** Alertmanager matchers that pick exactly this alert: every label, equal. */
export function matchersOf(alert: Alert): string {
  return Object.entries(alert.labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
}

/** " · silence": the silences page with a new silence for exactly this alert. */
export function SilenceLink({ alert }: { alert: Alert }) {
  return (
    <>
      {' · '}
      <a href={`/silences?matchers=${encodeURIComponent(matchersOf(alert))}#form-silence`}>silence</a>
    </>
  );
}
