import type { TimelineEvent } from '../../incidents/index.ts';

const str = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : null;
const words = (value: unknown): string => (str(value) ?? '?').replaceAll('_', ' ');
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

// Identifiers and links that make a timeline harder to read; the API and the report keep them.
const NOISY_KEY = /(^id$|Id$|Url$|^fingerprint$|^dueLocal$|^notice$)/;

/** The filters of the timeline: which event types each shows (by prefix or whole type). */
export const TIMELINE_FILTERS = {
  notes: { label: 'Notes', types: ['note.'] },
  alerts: { label: 'Alerts', types: ['alert.', 'alerts.', 'evidence.'] },
  phases: { label: 'Phases', types: ['phase.', 'incident.', 'severity.', 'role.'] },
  breach: { label: 'Breach', types: ['breach.'] },
  messages: { label: 'Messages', types: ['breach.notice_sent', 'breach.deadline_warning', 'action_item.overdue'] },
} as const;
export type TimelineFilter = keyof typeof TIMELINE_FILTERS;

export interface TimelinePage {
  events: TimelineEvent[];
  nextBefore: number | null;
  /** Set when this page is an older one (not the live head). */
  before: number | null;
  /** Set when the page shows one kind of entry only. */
  filter?: TimelineFilter | null;
}

// Labels that tell one alert of a group from the others, most telling first.
const IDENTIFYING_LABELS = ['instance', 'pod', 'host', 'node', 'container', 'service', 'job', 'endpoint', 'route'];

/** What tells this alert apart: "api-1:9100", or its fingerprint when no label does. */
export function alertIdentity(data: Record<string, unknown>): string {
  const labels = (data.labels && typeof data.labels === 'object' ? data.labels : {}) as Record<string, unknown>;
  for (const name of IDENTIFYING_LABELS) {
    const value = str(labels[name]);
    if (value) return value;
  }
  return str(data.alertname) ?? str(data.fingerprint)?.slice(0, 12) ?? 'an alert';
}

type Changes = Record<string, { to?: unknown }>;
const changesOf = (data: Record<string, unknown>): Changes =>
  data.changes && typeof data.changes === 'object' ? (data.changes as Changes) : {};
const shownValue = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value ?? '—')).slice(0, 300);
/** "summary: …" lines for what an edit changed, or null when it says nothing. */
const describeChanges = (changes: Changes): string | null =>
  Object.entries(changes)
    .map(([field, change]) => `${field}: ${shownValue(change.to)}`)
    .join('\n') || null;

const ALERT_VERBS: Record<string, string> = {
  'alert.fired': 'fired',
  'alert.refired': 'fired again',
  'alert.resolved': 'resolved',
  'alert.expired': 'expired: its source went silent, no resolution received',
};

/** One sentence a person reads for an event ("api-1:9100 resolved"), and the detail under it. */
export function describeEvent(event: TimelineEvent): { what: string; detail: string | null } {
  const data = event.data;
  switch (event.type) {
    case 'incident.opened':
      return { what: `Incident opened as ${words(data.severity).toUpperCase()} (${words(data.source)})`, detail: str(data.title) };
    case 'incident.acknowledged':
      return { what: `${event.actorName} acknowledged${str(data.via) ? ` (via ${words(data.via)})` : ''}`, detail: null };
    case 'incident.updated': {
      const changes = changesOf(data);
      const fields = Object.keys(changes);
      return {
        what: `${event.actorName} edited the ${fields.length ? fields.join(' and ') : 'incident'}`,
        detail: describeChanges(changes),
      };
    }
    case 'incident.closed':
      return { what: `${event.actorName} closed the incident`, detail: str(data.reason) };
    case 'phase.changed':
      return {
        what: `Moved from ${words(data.from)} to ${words(data.to)}${data.override ? ', checklist overridden' : ''}`,
        detail: str(data.reason),
      };
    case 'severity.changed':
      return {
        what: `Severity changed from ${words(data.from).toUpperCase()} to ${words(data.to).toUpperCase()}`,
        detail: str(data.reason),
      };
    case 'role.assigned':
      return { what: `${words(data.name)} is ${words(data.role)}`, detail: null };
    case 'role.handed_over':
      return { what: `${words(data.role)} handed over to ${words(data.name)}`, detail: null };
    case 'role.released':
      return { what: `${words(data.name)} is no longer ${words(data.role)}`, detail: null };
    case 'note.added':
      return { what: `${event.actorName} wrote`, detail: str(data.text) };
    case 'note.edited':
      return { what: `${event.actorName} edited a note`, detail: str(data.text) };
    case 'checklist.item_added':
      return { what: `Checklist item added for ${words(data.phase)}`, detail: str(data.text) };
    case 'checklist.item_completed':
      return { what: `${event.actorName} ticked off a checklist item`, detail: str(data.text) };
    case 'checklist.item_reopened':
      return { what: `${event.actorName} reopened a checklist item`, detail: str(data.text) };
    case 'alert.fired':
    case 'alert.refired':
    case 'alert.resolved':
    case 'alert.expired': {
      const name = str(data.alertname);
      const identity = alertIdentity(data);
      const subject = name && name !== identity ? `${name} on ${identity}` : identity;
      return {
        what: `${subject} ${ALERT_VERBS[event.type]}${str(data.severity) && event.type !== 'alert.resolved' && event.type !== 'alert.expired' ? ` (${words(data.severity).toUpperCase()})` : ''}`,
        detail: str(data.summary),
      };
    }
    case 'alerts.changed':
      return { what: str(data.text) ?? 'Alerts changed', detail: null };
    case 'escalation.held':
      return { what: str(data.text) ?? 'Escalation held', detail: null };
    case 'escalation.resumed':
      return { what: str(data.text) ?? 'Escalation resumes', detail: null };
    case 'evidence.added':
      return {
        what: `${event.actorName} added evidence: ${str(data.title) ?? 'untitled'}`,
        detail: [str(data.description), str(data.url), str(data.sha256) && `sha256 ${str(data.sha256)}`].filter(Boolean).join('\n') || null,
      };
    case 'rca.started':
    case 'rca.updated':
      return {
        what: `${event.actorName} ${event.type === 'rca.started' ? 'started' : 'edited'} the root-cause analysis`,
        detail: Array.isArray(data.fields) ? `Changed: ${data.fields.join(', ')}` : null,
      };
    case 'rca.approved': {
      const sentTo = Array.isArray(data.distributedTo) ? data.distributedTo.map(String).join(', ') : '';
      const written = str(data.authorName) ? `written by ${str(data.authorName)}` : null;
      return {
        what: `${event.actorName} approved the analysis`,
        detail: [written, sentTo && `sent to ${sentTo}`].filter(Boolean).join('; ') || null,
      };
    }
    case 'action_item.created':
      return {
        what: `Action item for ${words(data.ownerName)}: ${str(data.title) ?? ''}`,
        detail: str(data.dueAt) ? `due ${str(data.dueAt)?.slice(0, 10)}` : null,
      };
    case 'action_item.updated': {
      const changes = changesOf(data);
      return {
        what: `${event.actorName} ${changes.status?.to === 'done' ? 'marked done' : 'updated'} an action item${str(data.title) ? `: ${str(data.title)}` : ''}`,
        detail: describeChanges(changes),
      };
    }
    case 'action_item.overdue':
      return {
        what: `Reminder sent to ${words(data.ownerName)}${str(data.remindedVia) ? ` by ${words(data.remindedVia)}` : ''}: action item overdue${str(data.title) ? `: ${str(data.title)}` : ''}`,
        detail: null,
      };
    case 'breach.deadline_warning':
      return {
        what: `Warning sent: ${str(data.label) ?? 'breach deadline'}`,
        detail: [str(data.recipient) && `to ${str(data.recipient)}`, str(data.regime)].filter(Boolean).join(' · ') || null,
      };
    case 'breach.facts_recorded':
      return { what: `${event.actorName} recorded the breach facts`, detail: str(data.note) };
    case 'breach.regime_applied':
      return { what: `${str(data.name) ?? words(data.regime)} applies`, detail: null };
    case 'breach.notice_drafted':
      return { what: `${event.actorName} drafted a notice to ${plural(Number(data.recipients ?? 0), 'recipient')}`, detail: null };
    case 'breach.notice_approved':
      return { what: `${event.actorName} approved a notice`, detail: null };
    case 'breach.notice_sent':
      return {
        what: `Notice sent to ${plural(Number(data.recipients ?? 0), 'recipient')}`,
        detail: str(data.obligation) ? words(data.obligation) : null,
      };
    case 'breach.obligation_submitted':
      return {
        what: `${words(data.obligation)} submitted${str(data.via) ? ` via ${words(data.via)}` : ''}${data.late ? ', late' : ''}`,
        detail: str(data.reference),
      };
    case 'breach.obligation_not_applicable':
      return { what: `${words(data.obligation)} does not apply`, detail: str(data.reason) };
    case 'breach.obligation_suspended':
      return {
        what: `${words(data.obligation)} suspended until ${str(data.until)?.slice(0, 16).replace('T', ' ') ?? '?'} UTC`,
        detail: str(data.reason),
      };
    case 'heartbeat.missed':
      return {
        what: `Heartbeat ${words(data.heartbeat)} missed: the alerting pipeline is silent`,
        detail: `Nothing matching {${str(data.matchers) ?? ''}} arrived for ${Number(data.intervalSeconds) + Number(data.graceSeconds)} s; last heard ${str(data.lastHeardAt) ?? 'never'}.`,
      };
    case 'heartbeat.heard':
      return { what: `Heartbeat ${words(data.heartbeat)} heard again: the alerting pipeline delivers`, detail: null };
    case 'breach.delay_reason_recorded':
      return { what: `Reason for the delay of ${words(data.obligation)} recorded`, detail: str(data.reason) };
    default: {
      // What later parts add: the type in words, and its plain facts without ids and links.
      const facts = Object.entries(data)
        .filter(([key, value]) => ['string', 'number', 'boolean'].includes(typeof value) && !NOISY_KEY.test(key))
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

const utc = (at: Date) => `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19)} UTC`;

/** The event's own time (one clock for the whole timeline); when it was received, on hover. */
function EventTime({ event, href }: { event: TimelineEvent; href: string }) {
  const received =
    Math.abs(event.recordedAt.getTime() - event.occurredAt.getTime()) >= 1000 ? `received ${utc(event.recordedAt)}` : undefined;
  return (
    <a class="permalink" href={href} title={received ?? 'Link to this entry'}>
      <time datetime={event.occurredAt.toISOString()}>{utc(event.occurredAt)}</time>
    </a>
  );
}

const permalink = (reference: string, event: TimelineEvent) => `/incidents/${reference}?before=${event.id + 1}#event-${event.id}`;

export function TimelineItem({ event, reference }: { event: TimelineEvent; reference: string }) {
  const { what, detail } = describeEvent(event);
  return (
    <li id={`event-${event.id}`} data-event-id={event.id} data-at={event.occurredAt.getTime()} data-type={event.type}>
      <div class="what">{what}</div>
      {detail ? <div class="detail">{detail}</div> : null}
      <div class="meta">
        <EventTime event={event} href={permalink(reference, event)} /> · {event.actorName}
        {event.type === 'alerts.changed' ? <DeliveryLink event={event} /> : null}
      </div>
    </li>
  );
}

/** The alerts behind a delivery's entry, on the alerts page. */
function DeliveryLink({ event }: { event: TimelineEvent }) {
  const count = ['joined', 'refired', 'resolved', 'expired'].reduce((sum, kind) => sum + (Number(event.data[kind]) || 0), 0);
  return (
    <>
      {' · '}
      <a href={`/alerts?status=all&event=${event.id}`}>{count === 1 ? 'the alert' : `the ${count} alerts`}</a>
    </>
  );
}

/** How many alike alert entries in a row make a storm, shown as one expandable entry. */
const STORM_SIZE = 3;

type Entry = { kind: 'one'; event: TimelineEvent } | { kind: 'storm'; type: string; events: TimelineEvent[] };

/** Runs of the same alert event (37 alerts joining at once) become one entry; everything else stays as it is. */
export function groupStorms(events: TimelineEvent[]): Entry[] {
  const entries: Entry[] = [];
  let run: TimelineEvent[] = [];
  const flush = () => {
    const first = run[0];
    if (first && run.length >= STORM_SIZE) entries.push({ kind: 'storm', type: first.type, events: run });
    else for (const event of run) entries.push({ kind: 'one', event });
    run = [];
  };
  for (const event of events) {
    if (event.type in ALERT_VERBS && run[0]?.type === event.type) run.push(event);
    else {
      flush();
      if (event.type in ALERT_VERBS) run = [event];
      else entries.push({ kind: 'one', event });
    }
  }
  flush();
  return entries;
}

const STORM_VERBS: Record<string, string> = {
  'alert.fired': 'joined',
  'alert.refired': 'fired again',
  'alert.resolved': 'resolved',
  'alert.expired': 'expired (source silent)',
};

function StormItem({ type, events, reference }: { type: string; events: TimelineEvent[]; reference: string }) {
  const names = [...new Set(events.map((event) => alertIdentity(event.data)))];
  const shown = names.slice(0, 3).join(', ');
  const newest = events[0];
  if (!newest) return null;
  return (
    <li id={`event-${newest.id}`} data-event-id={newest.id} data-at={newest.occurredAt.getTime()} data-type={type} class="storm">
      <details>
        <summary>
          <span class="what">
            {events.length} alerts {STORM_VERBS[type]}: {shown}
            {names.length > 3 ? `, and ${names.length - 3} more` : ''}
          </span>
        </summary>
        <ol class="timeline">
          {events.map((event) => (
            <TimelineItem event={event} reference={reference} />
          ))}
        </ol>
      </details>
      <div class="meta">
        <EventTime event={newest} href={permalink(reference, newest)} /> · {newest.actorName}
      </div>
    </li>
  );
}

/** The timeline's entries newest first by when they happened (one clock), storms folded. */
export function TimelineEntries({ events, reference }: { events: TimelineEvent[]; reference: string }) {
  const ordered = [...events].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || b.id - a.id);
  return (
    <>
      {groupStorms(ordered).map((entry) =>
        entry.kind === 'one' ? (
          <TimelineItem event={entry.event} reference={reference} />
        ) : (
          <StormItem type={entry.type} events={entry.events} reference={reference} />
        ),
      )}
    </>
  );
}

function FilterLinks({ reference, filter }: { reference: string; filter: TimelineFilter | null }) {
  return (
    <nav class="timeline-filters" aria-label="Show in the timeline">
      <a href={`/incidents/${reference}#timeline-title`} aria-current={filter === null ? 'true' : undefined}>
        All
      </a>
      {(Object.keys(TIMELINE_FILTERS) as TimelineFilter[]).map((key) => (
        <a href={`/incidents/${reference}?show=${key}#timeline-title`} aria-current={filter === key ? 'true' : undefined}>
          {TIMELINE_FILTERS[key].label}
        </a>
      ))}
    </nav>
  );
}

/** The incident's timeline: filters, entries, and the pages before. Live only on the newest, unfiltered page. */
export function TimelineSection({ reference, page }: { reference: string; page: TimelinePage }) {
  const filter = page.filter ?? null;
  const live = !page.before && !filter;
  const show = filter ? `&show=${filter}` : '';
  return (
    <section class="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <FilterLinks reference={reference} filter={filter} />
      <p id="live-status" class="live-status" role="status" aria-live="polite">
        {filter
          ? `${TIMELINE_FILTERS[filter].label} only (not live).`
          : page.before
            ? 'Older events (not live).'
            : 'Newest first, by when each happened.'}
      </p>
      <ol id="timeline" class="timeline" data-live={live ? `/incidents/${reference}/live` : undefined} aria-live="off">
        <TimelineEntries events={page.events} reference={reference} />
      </ol>
      {page.events.length === 0 ? <p class="muted">Nothing of this kind yet.</p> : null}
      <nav class="pager" aria-label="Timeline pages">
        {page.before ? <a href={`/incidents/${reference}?${show.slice(1)}#timeline-title`}>Newest events</a> : <span></span>}
        {page.nextBefore ? <a href={`/incidents/${reference}?before=${page.nextBefore}${show}#timeline-title`}>Older events</a> : null}
      </nav>
    </section>
  );
}
