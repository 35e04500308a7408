import type { Child } from 'hono/jsx';
import type { Incident, Phase } from '../../incidents/index.ts';
import { PHASES } from '../../incidents/index.ts';
import type { Severity } from '../../platform/index.ts';
import { SEVERITIES } from '../../platform/index.ts';
import { Countdown } from './countdown.tsx';
import { PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import { GettingStarted } from './getting-started.tsx';
import type { Viewer } from './layout.tsx';
import { can, Flash, Layout, Time } from './layout.tsx';
import { SilentSourceBadge } from './silent-source.tsx';

export interface ListFilters {
  status: 'open' | 'closed' | 'all';
  phase?: Phase;
  severity?: Severity;
  service?: string;
  commander?: string;
  q?: string;
  breach?: 'true' | 'false';
}

/** One page of the list, and the links to the next one and back to the first. */
export interface ListPage {
  rows: ListedIncident[];
  nextHref: string | null;
  firstHref: string | null;
  /** No incident exists at all (not merely none matching the filters). */
  empty: boolean;
}

/** A row of the list: the incident and its soonest breach deadline, if a clock runs. */
export interface ListedIncident {
  incident: Incident;
  reference: string;
  deadline: { dueAt: Date; warnAt: Date | null; label: string } | null;
  /** How many of its alerts expired, when none fires any more (their source went silent). */
  silentAlerts?: number;
}

const words = (value: string) => value.replaceAll('_', ' ');

/** How long an incident has been open (or was, once closed): "3d 4h", "2h 5m", "7m". */
export function openFor(incident: Pick<Incident, 'detectedAt' | 'closedAt'>, now: Date): string {
  const minutes = Math.max(0, Math.floor(((incident.closedAt ?? now).getTime() - incident.detectedAt.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m`;
}

/** A cell that names its column on a phone, where the table stacks into cards (the header is then hidden). */
function Cell({ label, children }: { label: string; children: Child }) {
  return (
    <td>
      <span class="cell-label" aria-hidden="true">
        {label}
      </span>
      <div class="cell-value">{children}</div>
    </td>
  );
}

export function IncidentRows({ rows, now = new Date() }: { rows: ListedIncident[]; now?: Date }) {
  if (rows.length === 0) {
    return (
      <tr>
        <td colspan={8}>No incidents match these filters.</td>
      </tr>
    );
  }
  return (
    <>
      {rows.map(({ incident, reference, deadline, silentAlerts }) => (
        <tr data-incident={reference}>
          <Cell label="Incident">
            <a href={`/incidents/${reference}`}>
              <strong>{reference}</strong> {incident.title}
            </a>
          </Cell>
          <Cell label="Severity">
            <span class={`badge sev-${incident.severity}`}>{incident.severity.toUpperCase()}</span>
          </Cell>
          <Cell label="Phase">
            {incident.closedAt ? 'closed' : words(incident.phase)}
            <SilentSourceBadge expired={silentAlerts} />
            {incident.closedAt && deadline ? (
              <div>
                <span class="badge breach" data-owes="true">
                  obligations still open
                </span>
              </div>
            ) : null}
          </Cell>
          <Cell label="Services">{incident.services.join(', ') || <span class="muted">—</span>}</Cell>
          <Cell label="Deadline">
            {deadline ? (
              <>
                <span class="muted">{deadline.label}: </span>
                <Countdown dueAt={deadline.dueAt} warnAt={deadline.warnAt} />
              </>
            ) : incident.isBreach ? (
              <span class="badge breach">breach</span>
            ) : (
              <span class="muted">—</span>
            )}
          </Cell>
          <Cell label="Acknowledged">{incident.acknowledgedAt ? 'yes' : <strong>no</strong>}</Cell>
          <Cell label="Open for">
            <span data-open-for>{openFor(incident, now)}</span>
            {incident.closedAt ? <span class="muted"> (closed)</span> : null}
          </Cell>
          <Cell label="Detected">
            <Time at={incident.detectedAt} />
          </Cell>
        </tr>
      ))}
    </>
  );
}

function Select({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: readonly string[] }) {
  return (
    <div>
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name}>
        <option value="">any</option>
        {options.map((option) => (
          <option value={option} selected={value === option}>
            {words(option)}
          </option>
        ))}
      </select>
    </div>
  );
}

function DeclareForm({ viewer, open }: { viewer: Viewer; open: boolean }) {
  return (
    <details class="card" open={open || useRefused('declare')}>
      <summary>Declare an incident</summary>
      <PageForm id="declare" action="/incidents" viewer={viewer}>
        <TextField form="declare" name="title" label="Title" required maxlength={300} />
        <SelectField
          form="declare"
          name="severity"
          label="Severity"
          value="sev3"
          options={SEVERITIES.map((severity) => ({ value: severity, label: severity.toUpperCase() }))}
        />
        <TextField form="declare" name="services" label="Services" hint="Comma-separated, such as checkout, payments" />
        <TextAreaField form="declare" name="summary" label="What is happening" maxlength={20000} />
        <p>
          <button type="submit">Declare</button>
        </p>
      </PageForm>
    </details>
  );
}

function TextFilter({ name, label, value, hint }: { name: string; label: string; value: string | undefined; hint?: string }) {
  return (
    <div>
      <label for={`filter-${name}`}>{label}</label>
      <input id={`filter-${name}`} name={name} type="search" value={value ?? ''} maxlength={200} placeholder={hint} />
    </div>
  );
}

export function IncidentListPage({
  viewer,
  page,
  filters,
  liveUrl,
  publicUrl,
  declareOpen = false,
  error,
}: {
  viewer: Viewer;
  page: ListPage;
  filters: ListFilters;
  liveUrl: string;
  publicUrl: string;
  declareOpen?: boolean;
  error?: string | null;
}) {
  return (
    <Layout title="Incidents" viewer={viewer} section="incidents">
      <h1>Incidents</h1>
      <Flash error={error} />
      {can(viewer, 'incidents:declare') ? <DeclareForm viewer={viewer} open={declareOpen} /> : null}
      {page.empty ? <GettingStarted viewer={viewer} publicUrl={publicUrl} /> : null}
      <form class="card filters" method="get" action="/incidents" role="search" aria-label="Search and filter incidents">
        <div class="wide">
          <label for="filter-q">Search</label>
          <input
            id="filter-q"
            name="q"
            type="search"
            value={filters.q ?? ''}
            maxlength={200}
            placeholder="title, INC-42, team=payments"
            aria-describedby="filter-q-hint"
          />
          <span class="hint" id="filter-q-hint">
            Title, reference, service or label
          </span>
        </div>
        <div>
          <label for="filter-status">Status</label>
          <select id="filter-status" name="status">
            {(['open', 'closed', 'all'] as const).map((status) => (
              <option value={status} selected={filters.status === status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <Select name="phase" label="Phase" value={filters.phase} options={PHASES} />
        <Select name="severity" label="Severity" value={filters.severity} options={SEVERITIES} />
        <TextFilter name="service" label="Service" value={filters.service} hint="part of a name" />
        <TextFilter name="commander" label="Commander" value={filters.commander} hint="part of a name" />
        <div>
          <label for="filter-breach">Breach</label>
          <select id="filter-breach" name="breach">
            <option value="">any</option>
            <option value="true" selected={filters.breach === 'true'}>
              breach
            </option>
            <option value="false" selected={filters.breach === 'false'}>
              not a breach
            </option>
          </select>
        </div>
        <div>
          <button type="submit">Search</button>
        </div>
      </form>
      <p id="live-status" class="live-status" role="status" aria-live="polite">
        {filters.status === 'open'
          ? 'Most urgent first: breaches (the soonest deadline first), then severity, then the longest open.'
          : 'Newest first.'}
      </p>
      <table class="responsive incident-list">
        <caption class="visually-hidden">Incidents</caption>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Severity</th>
            <th scope="col">Phase</th>
            <th scope="col">Services</th>
            <th scope="col">Deadline</th>
            <th scope="col">Acknowledged</th>
            <th scope="col">Open for</th>
            <th scope="col">Detected</th>
          </tr>
        </thead>
        <tbody id="incident-rows" data-live={liveUrl}>
          <IncidentRows rows={page.rows} />
        </tbody>
      </table>
      {page.nextHref || page.firstHref ? (
        <nav class="pager" aria-label="Incident pages">
          {page.firstHref ? <a href={page.firstHref}>← First page</a> : <span></span>}
          {page.nextHref ? (
            <a href={page.nextHref} rel="next">
              Next page →
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}
