import type { Alert, IncidentTraces } from '../../incidents/index.ts';
import { Time } from './layout.tsx';

export function AlertsPanel({ alerts }: { alerts: Alert[] }) {
  return (
    <section class="card" aria-labelledby="alerts-title" id="alerts">
      <h2 id="alerts-title">Alerts ({alerts.length})</h2>
      {alerts.length === 0 ? (
        <p class="muted">No alerts joined this incident.</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
              <th scope="col">Labels</th>
            </tr>
          </thead>
          <tbody>
            {alerts.slice(0, 100).map((alert) => (
              <tr>
                <td data-label="Alert">
                  <strong>{alert.labels.alertname ?? alert.fingerprint}</strong>
                  {alert.annotations.summary ? <div>{alert.annotations.summary}</div> : null}
                  {alert.generatorUrl && /^https?:\/\//.test(alert.generatorUrl) ? (
                    <div>
                      <a href={alert.generatorUrl} rel="noreferrer noopener">
                        source
                      </a>
                    </div>
                  ) : null}
                </td>
                <td data-label="Status">{alert.status}</td>
                <td data-label="Since">
                  <Time at={alert.startsAt} />
                </td>
                <td data-label="Labels">
                  <code style="overflow-wrap:anywhere">
                    {Object.entries(alert.labels)
                      .filter(([name]) => name !== 'alertname')
                      .map(([name, value]) => `${name}=${value}`)
                      .join(' ')}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TracesPanel({ traces }: { traces: IncidentTraces }) {
  return (
    <section class="card" aria-labelledby="traces-title" id="traces">
      <h2 id="traces-title">Traces</h2>
      {traces.traces.length === 0 ? (
        <p class="muted">No error spans from {traces.services.join(', ') || 'its services'} around this incident.</p>
      ) : (
        <>
          <p class="muted">
            {traces.totalErrorSpans} error span(s) since <Time at={traces.firstErrorAt} />
            {traces.truncated ? ' (showing the first ones)' : ''}.
          </p>
          <ol class="timeline">
            {traces.traces.slice(0, 20).map((trace) => (
              <li>
                <div class="what">
                  Trace <code>{trace.traceId}</code> · {trace.services.join(', ')}
                </div>
                <ul>
                  {trace.spans.slice(0, 5).map((span) => (
                    <li>
                      <code>{span.service}</code> {span.name} ({span.durationMs} ms{span.httpStatus ? `, HTTP ${span.httpStatus}` : ''})
                      {span.exception ? (
                        <div class="detail">
                          {span.exception.type}: {span.exception.message}
                        </div>
                      ) : span.statusMessage ? (
                        <div class="detail">{span.statusMessage}</div>
                      ) : null}
                      <div class="meta">
                        span <code>{span.spanId}</code> · <Time at={span.startedAt} />
                      </div>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
