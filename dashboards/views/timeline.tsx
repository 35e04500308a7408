import type { TimelineEvent } from '../../incidents/index.ts';
import { Time } from './layout.tsx';

const str = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;
const words = (value: unknown): string => (str(value) ?? '?').replaceAll('_', ' ');

// Identifiers and links that make a timeline harder to read; the API and the report keep them.
const NOISY_KEYS = new Set(['generatorUrl', 'fingerprint', 'dueLocal', 'notice', 'noticeId', 'obligationId', 'itemId', 'eventId']);

/** One line a person reads for an event: "Phase: containment → eradication". */
export function describeEvent(event: TimelineEvent): { what: string; detail: string | null } {
  const data = event.data;
  switch (event.type) {
    case 'incident.opened':
      return { what: `Incident opened (${words(data.severity)}, from ${words(data.source)})`, detail: str(data.title) };
    case 'incident.acknowledged':
      return { what: `Acknowledged${str(data.via) ? ` via ${words(data.via)}` : ''}`, detail: null };
    case 'phase.changed':
      return {
        what: `Phase: ${words(data.from)} → ${words(data.to)}${data.override ? ' (checklist overridden)' : ''}`,
        detail: str(data.reason),
      };
    case 'severity.changed':
      return { what: `Severity: ${words(data.from)} → ${words(data.to)}`, detail: str(data.reason) };
    case 'role.assigned':
      return { what: `${words(data.name)} is ${words(data.role)}`, detail: null };
    case 'role.handed_over':
      return { what: `${words(data.role)} handed over to ${words(data.name)}`, detail: null };
    case 'role.released':
      return { what: `${words(data.name)} is no longer ${words(data.role)}`, detail: null };
    case 'note.added':
      return { what: 'Note', detail: str(data.text) };
    case 'checklist.item_added':
      return { what: `Checklist item added (${words(data.phase)})`, detail: str(data.text) };
    case 'checklist.item_completed':
      return { what: 'Checklist item done', detail: str(data.text) };
    case 'checklist.item_reopened':
      return { what: 'Checklist item reopened', detail: str(data.text) };
    case 'alert.fired':
    case 'alert.refired':
    case 'alert.resolved': {
      const verb = event.type === 'alert.fired' ? 'fired' : event.type === 'alert.refired' ? 'fired again' : 'resolved';
      return {
        what: `Alert ${str(data.alertname) ?? str(data.fingerprint) ?? ''} ${verb}${str(data.severity) ? ` (${words(data.severity)})` : ''}`,
        detail: str(data.summary),
      };
    }
    case 'rca.started':
    case 'rca.updated':
      return {
        what: `Analysis ${event.type === 'rca.started' ? 'started' : 'edited'}`,
        detail: Array.isArray(data.fields) ? data.fields.join(', ') : null,
      };
    case 'rca.approved': {
      const sentTo = Array.isArray(data.distributedTo) ? data.distributedTo.map(String).join(', ') : '';
      const written = str(data.authorName) ? `written by ${str(data.authorName)}` : null;
      return { what: 'Analysis approved', detail: [written, sentTo && `sent to ${sentTo}`].filter(Boolean).join('; ') || null };
    }
    case 'incident.updated': {
      const changes = (data.changes ?? {}) as Record<string, { to?: unknown }>;
      const shown = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value ?? '')).slice(0, 300);
      return {
        what: `Incident edited: ${Object.keys(changes).join(', ') || 'nothing changed'}`,
        detail:
          Object.entries(changes)
            .map(([field, change]) => `${field}: ${shown(change.to)}`)
            .join('\n') || null,
      };
    }
    case 'evidence.added':
      return {
        what: `Evidence: ${str(data.title) ?? ''}`,
        detail: [str(data.url), str(data.sha256) && `sha256 ${str(data.sha256)}`].filter(Boolean).join('\n') || null,
      };
    case 'action_item.created':
      return {
        what: `Action item: ${str(data.title) ?? ''}`,
        detail: `owner ${str(data.ownerName) ?? '?'}${str(data.dueAt) ? `, due ${str(data.dueAt)?.slice(0, 10)}` : ''}`,
      };
    case 'action_item.updated': {
      const changes = (data.changes ?? {}) as Record<string, { to?: unknown }>;
      return {
        what: `Action item ${changes.status?.to === 'done' ? 'done' : 'changed'}: ${str(data.title) ?? ''}`,
        detail:
          Object.entries(changes)
            .map(([field, change]) => `${field}: ${String(change.to ?? '—').slice(0, 160)}`)
            .join('\n') || null,
      };
    }
    case 'action_item.overdue':
      return {
        what: `Action item overdue: ${str(data.title) ?? ''}`,
        detail: `owner ${str(data.ownerName) ?? '?'} reminded${str(data.remindedVia) ? ` by ${words(data.remindedVia)}` : ''}`,
      };
    case 'incident.closed':
      return { what: 'Incident closed', detail: str(data.reason) };
    case 'breach.deadline_warning':
      return {
        what: `Breach deadline: ${str(data.label) ?? 'warning'}`,
        detail: [str(data.recipient) && `to ${str(data.recipient)}`, str(data.regime)].filter(Boolean).join(' · ') || null,
      };
    default: {
      // Alerts, notifications, deadlines and what later parts add: the type, and the data's plain facts.
      const facts = Object.entries(data)
        .filter(([key, value]) => ['string', 'number', 'boolean'].includes(typeof value) && !NOISY_KEYS.has(key))
        .slice(0, 5)
        .map(([key, value]) => `${key}: ${String(value).slice(0, 160)}`)
        .join('\n');
      return {
        what: event.type
          .replaceAll('.', ' ')
          .replaceAll('_', ' ')
          .replace(/^./, (first) => first.toUpperCase()),
        detail: facts || null,
      };
    }
  }
}

export function TimelineItem({ event }: { event: TimelineEvent }) {
  const { what, detail } = describeEvent(event);
  return (
    <li id={`event-${event.id}`} data-event-id={event.id} data-type={event.type}>
      <div class="what">{what}</div>
      {detail ? <div class="detail">{detail}</div> : null}
      <div class="meta">
        <Time at={event.occurredAt} /> · {event.actorName}
      </div>
    </li>
  );
}
