import type { Alert, IncidentTraces } from '../../incidents/index.ts';
import { Time } from './layout.tsx';

export function AlertsPanel({ alerts }: { alerts: Alert[] }) {
  return (
    <section class="card" aria-labelledby="alerts-title" id="alerts">
      <h2 id="alerts-title">Alerts ({alerts.length})</h2>
      {alerts.length === 0 ? (
        <p class="muted">No alerts joined this incident.</p>
      ) : (
        <ul class="evidence">
          {alerts.slice(0, 100).map((alert) => (
            <li data-alert-status={alert.status}>
              <div class="what">
                {alert.labels.alertname ?? alert.fingerprint} <span class="badge">{alert.status}</span>
              </div>
              {alert.annotations.summary ? <div>{alert.annotations.summary}</div> : null}
              <div class="meta">
                since <Time at={alert.startsAt} />
                {alert.generatorUrl && /^https?:\/\//.test(alert.generatorUrl) ? (
                  <>
                    {' · '}
                    <a href={alert.generatorUrl} rel="noreferrer noopener">
                      source
                    </a>
                  </>
                ) : null}
              </div>
              <div class="labels">
                {Object.entries(alert.labels)
                  .filter(([name]) => name !== 'alertname')
                  .map(([name, value]) => (
                    <code>{`${name}=${value}`}</code>
                  ))}
              </div>
            </li>
          ))}
        </ul>
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
