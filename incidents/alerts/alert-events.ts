import type { Actor, Database, Severity } from '../../platform/index.ts';
import { severityRank } from '../../platform/index.ts';
import { prepareTimelineAppend } from '../timeline/index.ts';
import type { AlertChanges } from './describe-alert-changes.ts';
import { describeAlertChanges } from './describe-alert-changes.ts';
import type { AlertEvent, AlertState } from './merge-alert.ts';

/** Something that happened to an alert of an incident, waiting to be written. */
export interface PendingEvent {
  incidentId: string;
  /** Who delivered the alert (the ingest token); the timeline names them. */
  actor: Actor;
  event: AlertEvent;
  fingerprint: string;
  labels: Record<string, string>;
  state: AlertState;
  /** The alert opened this incident (its opening already notified). */
  joinedNew: boolean;
  /** The alert flaps: this change is told (at most once per window) or held. */
  flap?: 'held' | 'flapping' | null;
  /** Why it changed, when the change came from elsewhere ("no longer inhibited: ClusterDown on eu-1 resolved"). */
  because?: string;
  /**
   * When the change happened, when that is not the alert's own time: a released alert joins when it
   * is released, not at its startsAt (hours before the incident it opens).
   */
  at?: Date;
}

/** The timeline entry type of what one delivery did to an incident's alerts. */
export const ALERTS_CHANGED = 'alerts.changed';

/** What a message says about an alert. */
export function describeAlert(fingerprint: string, labels: Record<string, string>, state: AlertState) {
  return {
    fingerprint,
    alertname: labels.alertname ?? null,
    severity: state.severity,
    summary: state.annotations.summary ?? null,
    labels,
    startsAt: state.startsAt.toISOString(),
    endsAt: state.endsAt?.toISOString() ?? null,
    generatorUrl: state.generatorUrl,
  };
}

/** What one transaction did to one incident's alerts: the sentence, and the alerts behind it. */
export interface IncidentAlertChanges {
  incidentId: string;
  actor: Actor;
  /** When it happened: the earliest of its events. */
  occurredAt: Date;
  changes: AlertChanges;
  /** describeAlertChanges(changes): what the timeline, Slack and the report say. */
  text: string;
  /** The worst severity among the alerts that fire. */
  severity: Severity | null;
}

/**
 * The events of one transaction, per incident. An alert that resolved and fired again in the same
 * delivery (its old episode had ended unseen) is told once, as fired again.
 */
export function alertChangesByIncident(events: readonly PendingEvent[]): Map<string, IncidentAlertChanges> {
  const byIncident = new Map<string, IncidentAlertChanges>();
  const refiredIn = new Set(events.filter((pending) => pending.event.type === 'refired').map((p) => `${p.incidentId}:${p.fingerprint}`));
  for (const pending of events) {
    const at =
      pending.at ?? (pending.event.type === 'resolved' || pending.event.type === 'expired' ? pending.event.at : pending.state.startsAt);
    let entry = byIncident.get(pending.incidentId);
    if (!entry) {
      entry = {
        incidentId: pending.incidentId,
        actor: pending.actor,
        occurredAt: at,
        changes: { joined: [], refired: [], resolved: [], expired: [] },
        text: '',
        severity: null,
      };
      byIncident.set(pending.incidentId, entry);
    }
    if (at.getTime() < entry.occurredAt.getTime()) entry.occurredAt = at;
    const named = { fingerprint: pending.fingerprint, labels: pending.labels };
    if (pending.event.type === 'resolved' || pending.event.type === 'expired') {
      if (!refiredIn.has(`${pending.incidentId}:${pending.fingerprint}`)) entry.changes[pending.event.type].push(named);
      continue;
    }
    entry.changes[pending.event.type === 'fired' ? 'joined' : 'refired'].push(named);
    const severity = pending.state.severity;
    if (entry.severity === null || severityRank(severity) < severityRank(entry.severity)) entry.severity = severity;
  }
  // Per incident: does any of its changes flap, are all of them held, and why did they change?
  const flaps = new Map<string, { any: boolean; allHeld: boolean; reasons: Set<string> }>();
  for (const pending of events) {
    const flap = flaps.get(pending.incidentId) ?? { any: false, allHeld: true, reasons: new Set<string>() };
    flap.any ||= Boolean(pending.flap);
    flap.allHeld &&= pending.flap === 'held';
    if (pending.because) flap.reasons.add(pending.because);
    flaps.set(pending.incidentId, flap);
  }
  for (const [incidentId, entry] of byIncident) {
    entry.text = describeAlertChanges(entry.changes);
    const flap = flaps.get(incidentId);
    const reasons = [...(flap?.reasons ?? [])];
    if (reasons.length > 0) entry.text += ` (${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? '; …' : ''})`;
    if (flap?.any) entry.text += flap.allHeld ? ' (flapping: messages held)' : ' (flapping)';
  }
  return byIncident;
}

/** Every change this transaction made to the incident's alerts is of a flapping alert whose message is held. */
export function isHeld(events: readonly PendingEvent[], incidentId: string): boolean {
  const mine = events.filter((pending) => pending.incidentId === incidentId);
  return mine.length > 0 && mine.every((pending) => pending.flap === 'held');
}

/**
 * Appends one timeline entry per incident for what this transaction did to its alerts ("37 alerts
 * joined: …"), with the fingerprints behind it (the alerts page lists them), in one statement that
 * announces them to live viewers (delivered on commit). A storm is one row, not one per alert.
 */
export async function recordAlertEvents(
  tx: Database,
  events: readonly PendingEvent[],
  /** alertChangesByIncident(events), when the caller has it already. */
  changes: ReadonlyMap<string, IncidentAlertChanges> = alertChangesByIncident(events),
): Promise<void> {
  if (events.length === 0) return;
  // In the column order of appendAlertChanges (a JSON array per entry, read by position).
  const rows = [...changes.values()].map((entry) => [
    entry.incidentId,
    entry.actor.kind,
    entry.actor.id,
    entry.actor.name,
    entry.occurredAt.toISOString(),
    {
      text: entry.text,
      severity: entry.severity,
      joined: entry.changes.joined.length,
      refired: entry.changes.refired.length,
      resolved: entry.changes.resolved.length,
      expired: entry.changes.expired.length,
      fingerprints: {
        joined: entry.changes.joined.map((alert) => alert.fingerprint),
        refired: entry.changes.refired.map((alert) => alert.fingerprint),
        resolved: entry.changes.resolved.map((alert) => alert.fingerprint),
        expired: entry.changes.expired.map((alert) => alert.fingerprint),
      },
    },
  ]);
  const inserted = await appendAlertChanges(tx, JSON.stringify(rows));
  if (inserted !== rows.length) throw new Error(`recordAlertEvents: ${inserted} of ${rows.length} timeline entries were written`);
}

const appendAlertChanges = prepareTimelineAppend<[rows: string]>(`
  select (e.r ->> 0)::uuid as incident_id, '${ALERTS_CHANGED}' as type, e.r ->> 1 as actor_type, e.r ->> 2 as actor_id,
    e.r ->> 3 as actor_name, (e.r ->> 4)::timestamptz as occurred_at, e.r -> 5 as data, e.position
  from jsonb_array_elements($1::text::jsonb) with ordinality as e(r, position)`);
