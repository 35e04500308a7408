import type { Severity } from '../../platform/index.ts';
import type { AlertStatus } from './schema/alerts.ts';

/** What an alert is, as far as merging deliveries is concerned. */
export interface AlertState {
  status: AlertStatus;
  startsAt: Date;
  /** null: firing until a later delivery resolves it (Alertmanager webhooks). */
  endsAt: Date | null;
  endsAtIsTimeout: boolean;
  annotations: Record<string, string>;
  generatorUrl: string | null;
  severity: Severity;
}

/** One delivery of an alert, already normalised (a missing endsAt already turned into the resolve timeout). */
export type Delivery = Omit<AlertState, 'status'>;

export type AlertEvent =
  /** A new alert fires. */
  | { type: 'fired' }
  /** The episode ended: its sender resolved it (endsAt is its end). */
  | { type: 'resolved'; at: Date }
  /** The episode ended without a resolution: its sender stopped refreshing it and endsAt passed. */
  | { type: 'expired'; at: Date }
  /** A resolved alert fires again; `previousEnd` is when its last episode ended. */
  | { type: 'refired'; previousEnd: Date };

export interface MergeResult {
  next: AlertState;
  /** unchanged: nothing to write; refresh: new values, same episode; transition: it fired, resolved or re-fired. */
  change: 'unchanged' | 'refresh' | 'transition';
  events: AlertEvent[];
}

export function isFiring(endsAt: Date | null, now: Date): boolean {
  return endsAt === null || endsAt.getTime() > now.getTime();
}

const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);
const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}

function sameState(a: AlertState, b: AlertState): boolean {
  return (
    a.status === b.status &&
    sameTime(a.startsAt, b.startsAt) &&
    sameTime(a.endsAt, b.endsAt) &&
    a.endsAtIsTimeout === b.endsAtIsTimeout &&
    a.generatorUrl === b.generatorUrl &&
    a.severity === b.severity &&
    sameRecord(a.annotations, b.annotations)
  );
}

/**
 * Merges a delivery into the stored alert the way Alertmanager's store does (types.Alert.Merge and
 * the overlap rule of provider/mem): within one episode the earliest startsAt stays and the later
 * endsAt wins unless it only came from the resolve timeout; a resolution ends the episode; a firing
 * delivery after the episode ended starts a new one.
 */
export function mergeAlert(existing: AlertState | undefined, delivery: Delivery, now: Date): MergeResult {
  const firing = isFiring(delivery.endsAt, now);
  const content = { annotations: delivery.annotations, generatorUrl: delivery.generatorUrl, severity: delivery.severity };
  if (!existing) {
    const next: AlertState = {
      status: firing ? 'firing' : 'resolved',
      startsAt: delivery.startsAt,
      endsAt: delivery.endsAt,
      endsAtIsTimeout: delivery.endsAtIsTimeout,
      ...content,
    };
    // An alert first seen already resolved is recorded, but nothing happened that anyone must hear of.
    return { next, change: 'transition', events: firing ? [{ type: 'fired' }] : [] };
  }

  // A firing row whose endsAt passed is over, even if the expiry job has not marked it yet.
  const lapsed = existing.status === 'firing' && existing.endsAt !== null && !isFiring(existing.endsAt, now);
  // An expired alert that fires again is a re-fire, even within the episode that expired: its sender
  // went silent and came back (an Alertmanager restarted re-sends what it held with the same startsAt).
  const episodeOver =
    existing.status !== 'firing' || (lapsed && existing.endsAt !== null && delivery.startsAt.getTime() > existing.endsAt.getTime());

  if (firing && episodeOver) {
    const previousEnd = existing.endsAt ?? now;
    const next: AlertState = {
      status: 'firing',
      startsAt: delivery.startsAt,
      endsAt: delivery.endsAt,
      endsAtIsTimeout: delivery.endsAtIsTimeout,
      ...content,
    };
    const events: AlertEvent[] =
      existing.status === 'firing'
        ? [
            // Nobody resolved it: the sender let it lapse, and now sends a new episode.
            { type: 'expired', at: previousEnd },
            { type: 'refired', previousEnd },
          ]
        : [{ type: 'refired', previousEnd }];
    return { next, change: 'transition', events };
  }

  const startsAt = earlier(existing.startsAt, delivery.startsAt);
  if (firing) {
    // Same episode: the later endsAt wins, unless the stored one only came from the resolve timeout.
    let endsAt = delivery.endsAt;
    let endsAtIsTimeout = delivery.endsAtIsTimeout;
    if (
      delivery.endsAt !== null &&
      existing.endsAt !== null &&
      !existing.endsAtIsTimeout &&
      existing.endsAt.getTime() > delivery.endsAt.getTime()
    ) {
      endsAt = existing.endsAt;
      endsAtIsTimeout = false;
    }
    const next: AlertState = { status: existing.status, startsAt, endsAt, endsAtIsTimeout, ...content };
    return { next, change: sameState(existing, next) ? 'unchanged' : 'refresh', events: [] };
  }

  // The delivery is a resolution.
  const endsAt = delivery.endsAt ?? now;
  if (existing.status === 'resolved') {
    const later = existing.endsAt !== null && existing.endsAt.getTime() > endsAt.getTime() ? existing.endsAt : endsAt;
    const next: AlertState = { status: 'resolved', startsAt, endsAt: later, endsAtIsTimeout: false, ...content };
    return { next, change: sameState(existing, next) ? 'unchanged' : 'refresh', events: [] };
  }
  if (endsAt.getTime() < existing.startsAt.getTime()) {
    // A late resolution of an earlier episode: the current one still fires.
    return { next: existing, change: 'unchanged', events: [] };
  }
  // A firing alert resolves; an expired one whose silent sender is back and says it is over recovers now.
  const next: AlertState = { status: 'resolved', startsAt, endsAt, endsAtIsTimeout: false, ...content };
  return { next, change: 'transition', events: [{ type: 'resolved', at: endsAt }] };
}
