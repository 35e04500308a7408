import type { Incident, Phase } from '../../incidents/index.ts';
import { PHASES } from '../../incidents/index.ts';
import type { Severity } from '../../platform/index.ts';
import { SEVERITIES } from '../../platform/index.ts';
import { Countdown } from './countdown.tsx';
import { PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Flash, Layout, Time } from './layout.tsx';

export interface ListFilters {
  status: 'open' | 'closed' | 'all';
  phase?: Phase;
  severity?: Severity;
  service?: string;
  breach?: 'true' | 'false';
}

/** A row of the list: the incident and its soonest breach deadline, if a clock runs. */
export interface ListedIncident {
  incident: Incident;
  reference: string;
  deadline: { dueAt: Date; warnAt: Date | null; label: string } | null;
}

const words = (value: string) => value.replaceAll('_', ' ');

export function IncidentRows({ rows }: { rows: ListedIncident[] }) {
  if (rows.length === 0) {
    return (
      <tr>
        <td colspan={7}>No incidents match these filters.</td>
      </tr>
    );
  }
  return (
    <>
      {rows.map(({ incident, reference, deadline }) => (
        <tr data-incident={reference}>
          <td data-label="Incident">
            <a href={`/incidents/${reference}`}>
              <strong>{reference}</strong> {incident.title}
            </a>
          </td>
          <td data-label="Severity">
            <span class={`badge sev-${incident.severity}`}>{incident.severity.toUpperCase()}</span>
          </td>
          <td data-label="Phase">
            {incident.closedAt ? 'closed' : words(incident.phase)}
            {incident.closedAt && deadline ? (
              <div>
                <span class="badge breach" data-owes="true">
                  obligations still open
                </span>
              </div>
            ) : null}
          </td>
          <td data-label="Services">{incident.services.join(', ') || <span class="muted">—</span>}</td>
          <td data-label="Deadline">
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
          </td>
          <td data-label="Acknowledged">{incident.acknowledgedAt ? 'yes' : <strong>no</strong>}</td>
          <td data-label="Detected">
            <Time at={incident.detectedAt} />
          </td>
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

function DeclareForm({ viewer }: { viewer: Viewer }) {
  return (
    <details class="card" open={useRefused('declare')}>
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

export function IncidentListPage({
  viewer,
  rows,
  filters,
  liveUrl,
  error,
}: {
  viewer: Viewer;
  rows: ListedIncident[];
  filters: ListFilters;
  liveUrl: string;
  error?: string | null;
}) {
  return (
    <Layout title="Incidents" viewer={viewer} section="incidents">
      <h1>Incidents</h1>
      <Flash error={error} />
      {can(viewer, 'incidents:declare') ? <DeclareForm viewer={viewer} /> : null}
      <form class="card filters" method="get" action="/incidents" role="search" aria-label="Filter incidents">
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
        <div>
          <label for="filter-service">Service</label>
          <input id="filter-service" name="service" type="search" value={filters.service ?? ''} />
        </div>
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
          <button type="submit">Filter</button>
        </div>
      </form>
      <p id="live-status" class="live-status" role="status" aria-live="polite">
        Most urgent first: the soonest breach deadline, then severity.
      </p>
      <table class="responsive">
        <caption class="visually-hidden">Incidents, most urgent first</caption>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Severity</th>
            <th scope="col">Phase</th>
            <th scope="col">Services</th>
            <th scope="col">Deadline</th>
            <th scope="col">Acknowledged</th>
            <th scope="col">Detected</th>
          </tr>
        </thead>
        <tbody id="incident-rows" data-live={liveUrl}>
          <IncidentRows rows={rows} />
        </tbody>
      </table>
    </Layout>
  );
}
