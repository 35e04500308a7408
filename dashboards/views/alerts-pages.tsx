import type { Alert, Silence, SilenceStatus } from '../../incidents/index.ts';
import { AlertStateBadge, alertState, FiredSpan, SilenceLink } from './alert-state.tsx';
import { PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Flash, Layout, Time } from './layout.tsx';

export interface AlertFilters {
  status: 'firing' | 'expired' | 'resolved' | 'all';
  filter?: string;
  incident?: string;
  /** A delivery's timeline entry: only the alerts behind it. */
  event?: string;
  /** One alert by its fingerprint (the alert that inhibits another). */
  fingerprint?: string;
}

export interface ListedAlert {
  alert: Alert;
  /** INC-42 of the incident it joined, if any. */
  incident: string | null;
  /** The alertname of the alert that inhibits it, if one does. */
  inhibitor?: string | null;
  /** Its release from inhibition in this episode: why ("no longer inhibited: …") and when. */
  released?: { text: string; at: Date } | null;
}

const query = (values: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  return params.toString();
};

/** /alerts: every alert with its state, labels and incident; filtered by state, Alertmanager matchers and incident. */
export function AlertsPage({
  viewer,
  rows,
  filters,
  nextCursor,
  error,
}: {
  viewer: Viewer;
  rows: ListedAlert[];
  filters: AlertFilters;
  nextCursor: string | null;
  error?: string | null;
}) {
  return (
    <Layout title="Alerts" viewer={viewer} section="alerts">
      <h1>Alerts</h1>
      <Flash error={error} />
      <form class="card filters" method="get" action="/alerts" role="search" aria-label="Search alerts">
        <div class="wide">
          <label for="alerts-filter">Search by labels</label>
          <input
            id="alerts-filter"
            name="filter"
            type="search"
            value={filters.filter ?? ''}
            maxlength={2000}
            placeholder='service="checkout", instance=~"api-.*"'
            aria-describedby="alerts-filter-hint"
          />
          <span class="hint" id="alerts-filter-hint">
            Alertmanager matchers: = != =~ !~, separated by commas
          </span>
        </div>
        <div>
          <label for="alerts-status">State</label>
          <select id="alerts-status" name="status">
            {(['firing', 'expired', 'resolved', 'all'] as const).map((status) => (
              <option value={status} selected={filters.status === status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="alerts-incident">Incident</label>
          <input id="alerts-incident" name="incident" type="search" value={filters.incident ?? ''} placeholder="INC-42" maxlength={100} />
        </div>
        <div>
          {filters.event ? <input type="hidden" name="event" value={filters.event} /> : null}
          <button type="submit">Search</button>
        </div>
      </form>
      {filters.event ? (
        <p class="card delivery-filter">
          The alerts of one delivery (timeline entry {filters.event}).{' '}
          <a href={`/alerts?${query({ ...filters, event: undefined })}`}>Show all alerts</a>
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p class="card">No alerts match.</p>
      ) : (
        <ul class="card evidence alert-list">
          {rows.map(({ alert, incident, inhibitor, released }) => (
            <li id={`alert-${alert.id}`} data-alert-status={alertState(alert)}>
              <div class="what">
                <AlertStateBadge alert={alert} /> {alert.labels.alertname ?? alert.fingerprint}
              </div>
              <div class="labels">
                {Object.entries(alert.labels)
                  .filter(([name]) => name !== 'alertname')
                  .map(([name, value]) => (
                    <code>{`${name}=${value}`}</code>
                  ))}
              </div>
              {alert.annotations.summary ? <div>{alert.annotations.summary}</div> : null}
              <div class="meta">
                <FiredSpan alert={alert} />
                {' · '}
                {incident ? (
                  <a href={`/incidents/${incident}#alert-${alert.id}`}>{incident}</a>
                ) : alert.silenceId ? (
                  <a href={`/silences#silence-${alert.silenceId}`}>silenced</a>
                ) : alert.inhibitedBy && alertState(alert) === 'firing' ? (
                  <a href={`/alerts?status=all&fingerprint=${alert.inhibitedBy}`} class="inhibited">
                    inhibited by {inhibitor ?? alert.inhibitedBy}
                  </a>
                ) : (
                  'no incident'
                )}
                {can(viewer, 'silences:write') && alertState(alert) === 'firing' ? <SilenceLink alert={alert} /> : null}
              </div>
              {released ? (
                <div class="meta released">
                  {released.text}, <Time at={released.at} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {nextCursor ? (
        <nav class="pager" aria-label="Alert pages">
          <span></span>
          <a href={`/alerts?${query({ ...filters, cursor: nextCursor })}`} rel="next">
            Next page →
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}

export interface ListedSilence {
  silence: Silence;
  status: SilenceStatus;
  matchersText: string;
  /** How many firing alerts its matchers pick now. */
  matching: number;
}

const DURATIONS = [
  { value: '1', label: '1 hour' },
  { value: '2', label: '2 hours' },
  { value: '4', label: '4 hours' },
  { value: '8', label: '8 hours' },
  { value: '24', label: '1 day' },
  { value: '168', label: '1 week' },
];

/** /silences: silences with what each mutes now; a form to add one (prefilled from an alert) and a button to expire one. */
export function SilencesPage({
  viewer,
  silences,
  prefill,
  error,
  notice,
}: {
  viewer: Viewer;
  silences: ListedSilence[];
  prefill: string | null;
  error?: string | null;
  notice?: string | null;
}) {
  const canWrite = can(viewer, 'silences:write');
  return (
    <Layout title="Silences" viewer={viewer} section="silences">
      <h1>Silences</h1>
      <Flash error={error} notice={notice} />
      <p class="muted">
        Alerts that match every matcher of an active silence join no incident and page nobody. A firing alert can also mute others: see the{' '}
        <a href="/inhibit-rules">inhibition rules</a>.
      </p>
      {canWrite ? (
        <details class="card" open={Boolean(prefill) || useRefused('silence')}>
          <summary>New silence</summary>
          <PageForm id="silence" action="/silences" viewer={viewer}>
            <TextField
              form="silence"
              name="matchers"
              label="Matchers"
              value={prefill ?? ''}
              required
              maxlength={10000}
              hint='Alertmanager matchers, such as service="checkout", instance=~"api-.*"'
            />
            <SelectField form="silence" name="hours" label="For" value="2" options={DURATIONS} />
            <TextAreaField form="silence" name="comment" label="Why" required maxlength={2000} rows={2} />
            <p>
              <button type="submit">Silence</button>
            </p>
          </PageForm>
        </details>
      ) : null}
      {silences.length === 0 ? (
        <p class="card">No silences.</p>
      ) : (
        <ul class="card evidence">
          {silences.map(({ silence, status, matchersText, matching }) => (
            <li id={`silence-${silence.id}`} data-silence-status={status}>
              <div class="what">
                <span class={`badge silence-${status}`}>{status}</span> <code>{matchersText}</code>
              </div>
              <div>{silence.comment}</div>
              <div class="meta">
                <Time at={silence.startsAt} /> to <Time at={silence.endsAt} /> · by {silence.createdBy} ·{' '}
                <a href={`/alerts?${query({ status: 'firing', filter: matchersText })}`}>
                  silences {matching} firing alert{matching === 1 ? '' : 's'}
                </a>
              </div>
              {canWrite && status !== 'expired' ? (
                <PageForm id={`expire-${silence.id}`} action={`/silences/${silence.id}/expire`} viewer={viewer}>
                  <button type="submit" class="secondary">
                    Expire now
                  </button>
                </PageForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
