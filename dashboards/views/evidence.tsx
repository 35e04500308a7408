import type { Alert, IncidentTraces } from '../../incidents/index.ts';
import { AlertStateBadge, alertState, distinguishingLabels, FiredSpan, SilenceLink } from './alert-state.tsx';
import { Time } from './layout.tsx';

export function AlertsPanel({ alerts, reference, canSilence }: { alerts: Alert[]; reference: string; canSilence: boolean }) {
  const distinguishing = distinguishingLabels(alerts);
  const firing = alerts.filter((alert) => alertState(alert) === 'firing').length;
  return (
    <section class="card" aria-labelledby="alerts-title" id="alerts">
      <h2 id="alerts-title">
        Alerts ({firing} firing of {alerts.length})
      </h2>
      {alerts.length === 0 ? (
        <p class="muted">No alerts joined this incident.</p>
      ) : (
        <ul class="evidence">
          {alerts.slice(0, 100).map((alert) => (
            <li data-alert-status={alertState(alert)} id={`alert-${alert.id}`}>
              <div class="what">
                <AlertStateBadge alert={alert} /> {alert.labels.alertname ?? alert.fingerprint}
              </div>
              <div class="labels">
                {Object.entries(alert.labels)
                  .filter(([name]) => distinguishing.has(name))
                  .map(([name, value]) => (
                    <code>{`${name}=${value}`}</code>
                  ))}
              </div>
              {alert.annotations.summary ? <div>{alert.annotations.summary}</div> : null}
              <div class="meta">
                <FiredSpan alert={alert} />
                {' · '}
                <a href={`/alerts?incident=${reference}#alert-${alert.id}`}>in the alert list</a>
                {canSilence ? <SilenceLink alert={alert} /> : null}
                {alert.generatorUrl && /^https?:\/\//.test(alert.generatorUrl) ? (
                  <>
                    {' · '}
                    <a href={alert.generatorUrl} rel="noreferrer noopener">
                      source
                    </a>
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The tracing UI's page of a trace, from TRACE_UI_URL_TEMPLATE, or null when none is configured. */
export function traceUrl(template: string | undefined, traceId: string): string | null {
  return template ? template.replaceAll('{traceId}', encodeURIComponent(traceId)) : null;
}

export function TracesPanel({ traces, traceUiTemplate }: { traces: IncidentTraces; traceUiTemplate?: string }) {
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
                  Trace{' '}
                  {traceUrl(traceUiTemplate, trace.traceId) ? (
                    <a href={traceUrl(traceUiTemplate, trace.traceId) ?? ''} rel="noopener" data-trace-link>
                      <code>{trace.traceId}</code>
                    </a>
                  ) : (
                    <code>{trace.traceId}</code>
                  )}{' '}
                  · {trace.services.join(', ')}
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
