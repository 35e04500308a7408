import type { Viewer } from './layout.tsx';
import { can } from './layout.tsx';

/**
 * What the empty incident list says to a new user: how monitoring reaches Firebreak (Alertmanager,
 * Prometheus, OpenTelemetry) and how to declare an incident by hand.
 */
export function GettingStarted({ viewer, publicUrl }: { viewer: Viewer; publicUrl: string }) {
  const base = publicUrl.replace(/\/+$/, '');
  const host = new URL(base).host;
  const tokens = can(viewer, 'tokens:manage');
  return (
    <section class="card getting-started" id="getting-started" aria-labelledby="getting-started-title">
      <h2 id="getting-started-title">No incidents yet: connect your monitoring</h2>
      <p>
        Firebreak opens incidents from the alerts and traces your monitoring already sends. Each sender needs an{' '}
        <strong>ingest token</strong>
        {tokens ? (
          <>
            {' '}
            (create one on the <a href="/admin/tokens">Tokens</a> page, role “ingest”)
          </>
        ) : (
          ' (an administrator creates one on the Admin → Tokens page)'
        )}
        .
      </p>
      <ol class="steps">
        <li>
          <strong>Alertmanager</strong>: add a receiver that posts to <code>{`${base}/ingest/alertmanager`}</code>.
          <pre class="snippet">{`receivers:
  - name: firebreak
    webhook_configs:
      - url: ${base}/ingest/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: <ingest token>`}</pre>
        </li>
        <li>
          <strong>Prometheus</strong> without an Alertmanager: send alerts to Firebreak directly.
          <pre class="snippet">{`alerting:
  alertmanagers:
    - api_version: v2
      authorization:
        credentials: <ingest token>
      static_configs:
        - targets: ['${host}']`}</pre>
        </li>
        <li>
          <strong>OpenTelemetry</strong>: point the OTLP/HTTP trace exporter at Firebreak for service health and error spans.
          <pre class="snippet">{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${base}/v1/traces
OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<ingest token>`}</pre>
        </li>
      </ol>
      <p>
        The documentation explains each step: <code>docs/alerts.md</code> (Alertmanager and Prometheus), <code>docs/traces.md</code>{' '}
        (OpenTelemetry, SLOs) and <code>docs/dashboards.md</code> (these pages), in Firebreak’s repository.
      </p>
      {can(viewer, 'incidents:declare') ? (
        <p>
          Something is wrong right now? <a href="/incidents?declare=open#form-declare">Declare an incident</a> by hand.
        </p>
      ) : null}
    </section>
  );
}
