import type { HeartbeatView } from '../../incidents/index.ts';
import { SEVERITIES } from '../../platform/index.ts';
import { PageForm, SelectField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Flash, Layout, Time } from './layout.tsx';

const STATE_TEXT: Record<HeartbeatView['state'], string> = {
  ok: '● heard',
  late: '◐ late',
  waiting: '○ waiting for the first',
  silent: '✕ silent',
};

const PATHS = [
  { value: '', label: 'either path' },
  { value: 'alertmanager', label: 'Alertmanager webhook' },
  { value: 'prometheus', label: 'Prometheus, API v2' },
];

const seconds = (value: number) => (value % 60 === 0 ? `${value / 60} min` : `${value} s`);

/** /heartbeats: the dead man's switches, when each was last heard and is next due; a form to add one, a button to remove one. */
export function HeartbeatsPage({
  viewer,
  heartbeats,
  error,
  notice,
}: {
  viewer: Viewer;
  heartbeats: HeartbeatView[];
  error?: string | null;
  notice?: string | null;
}) {
  const canWrite = can(viewer, 'heartbeats:write');
  return (
    <Layout title="Heartbeats" viewer={viewer} section="heartbeats">
      <h1>Heartbeats</h1>
      <Flash error={error} notice={notice} />
      <p class="muted">
        An always-firing alert (kube-prometheus' <code>Watchdog</code>) that must keep arriving. Missed for its interval plus grace,
        Firebreak opens "alerting pipeline silent" and pages; heard again, that incident resolves. Its alert is not stored as an alert.
      </p>
      {canWrite ? (
        <details class="card" open={useRefused('heartbeat')}>
          <summary>New heartbeat</summary>
          <PageForm id="heartbeat" action="/heartbeats" viewer={viewer}>
            <TextField form="heartbeat" name="name" label="Name" required maxlength={100} hint="prometheus-prod, alertmanager-eu, …" />
            <TextField
              form="heartbeat"
              name="matchers"
              label="Matchers"
              value='alertname="Watchdog"'
              required
              maxlength={2000}
              hint="Alertmanager matchers of the always-firing alert"
            />
            <SelectField form="heartbeat" name="source" label="Path" value="" options={PATHS} />
            <TextField
              form="heartbeat"
              name="interval"
              label="Interval"
              value="1m"
              required
              maxlength={20}
              hint="How often it arrives: Prometheus' resend delay (1m), or the Alertmanager route's repeat_interval"
            />
            <TextField
              form="heartbeat"
              name="grace"
              label="Grace"
              value="1m"
              required
              maxlength={20}
              hint="How late it may be: 90s, 2m, …"
            />
            <SelectField
              form="heartbeat"
              name="severity"
              label="Severity of the incident"
              value="sev2"
              options={SEVERITIES.map((severity) => ({ value: severity, label: severity.toUpperCase() }))}
            />
            <p>
              <button type="submit">Add heartbeat</button>
            </p>
          </PageForm>
        </details>
      ) : null}
      {heartbeats.length === 0 ? (
        <p class="card">
          No heartbeats: nobody would notice if Prometheus or Alertmanager went quiet. docs/alerts.md shows how to add one.
        </p>
      ) : (
        <table class="card heartbeats responsive">
          <thead>
            <tr>
              <th>Heartbeat</th>
              <th>State</th>
              <th>Last heard</th>
              <th>Next due</th>
              <th>Interval + grace</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {heartbeats.map((heartbeat) => (
              <tr id={`heartbeat-${heartbeat.id}`} data-heartbeat={heartbeat.name} data-state={heartbeat.state}>
                <td data-label="Heartbeat">
                  <strong>{heartbeat.name}</strong>
                  <div>
                    <code>{heartbeat.matchers}</code>
                  </div>
                  <div class="muted">
                    {PATHS.find((path) => path.value === (heartbeat.source ?? ''))?.label}
                    {heartbeat.origin === 'file' ? ' · from HEARTBEATS_FILE' : ''}
                  </div>
                </td>
                <td data-label="State">
                  <span class={`badge heartbeat-${heartbeat.state}`}>{STATE_TEXT[heartbeat.state]}</span>
                  {heartbeat.incident ? (
                    <div>
                      <a href={`/incidents/${heartbeat.incident.reference}`}>{heartbeat.incident.reference}</a>
                    </div>
                  ) : null}
                </td>
                <td data-label="Last heard">
                  {heartbeat.lastHeardAt ? <Time at={new Date(heartbeat.lastHeardAt)} /> : <span class="muted">never</span>}
                </td>
                <td data-label="Next due">
                  <Time at={new Date(heartbeat.nextDueAt)} />
                </td>
                <td data-label="Interval + grace">
                  {seconds(heartbeat.intervalSeconds)} + {seconds(heartbeat.graceSeconds)}
                </td>
                <td>
                  {canWrite && heartbeat.origin === 'api' ? (
                    <PageForm id={`remove-${heartbeat.id}`} action={`/heartbeats/${heartbeat.id}/remove`} viewer={viewer}>
                      <button type="submit" class="secondary">
                        Remove
                      </button>
                    </PageForm>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
