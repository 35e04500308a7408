import { createHash } from 'node:crypto';
import type { IncidentChange } from './incident-change.ts';

/**
 * The facts the key digests: what tells a change from another of its kind at the same moment. They
 * keep the shape and key order the change's untyped `details` had, so that a change gets the key it
 * got before the kinds were typed. Deadline warnings digest their typed facts instead; their keys
 * changed form once, which is safe because a warning is notified only by the transaction that records
 * it as sent (breach_warnings, the action item's reminder count): none is notified twice, whatever its key.
 */
function digestedFacts(change: IncidentChange): object {
  switch (change.kind) {
    case 'opened':
      return {};
    case 'acknowledged':
      return { via: change.via };
    case 'phase_changed':
      return { from: change.from, to: change.to, reason: change.reason, override: change.override };
    case 'severity_changed':
      return { from: change.from, to: change.to, reason: change.reason };
    case 'roles_changed':
      return change.released
        ? { role: change.role, name: change.name, userId: change.userId, released: true }
        : { role: change.role, name: change.name, userId: change.userId, previous: change.previous };
    case 'alert_joined': {
      const first = change.alerts[0];
      return { alertname: first?.alertname ?? null, fingerprint: first?.fingerprint ?? null, count: change.count, alerts: change.alerts };
    }
    case 'resolved':
      if (change.via === 'heartbeat') return { via: change.via, heartbeat: change.heartbeat };
      return change.via === 'alerts' ? { via: change.via, alerts: change.alerts } : { via: change.via };
    case 'signals_expired':
      return { count: change.count, alerts: change.alerts };
    case 'reopened':
      return { alerts: change.alerts };
    case 'alert_settled':
      return { state: change.state, incidentResolved: change.incidentResolved, alerts: change.alerts };
    case 'closed':
      return { reason: change.reason };
    case 'deadline_warning':
      return change.deadline;
    case 'note_added':
      return { noteId: change.noteId, text: change.text, source: change.source };
  }
}

/** The start of the idempotency keys of a change's messages: the same change always gets the same one. */
export function changeKey(change: IncidentChange): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(digestedFacts(change)))
    .digest('hex')
    .slice(0, 12);
  return `incident:${change.incident.id}:${change.kind}:${change.at.toISOString()}:${digest}`;
}
