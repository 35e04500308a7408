import type { OperationSeries, ServiceHealth, SloStatus } from '../../incidents/index.ts';
import type { Viewer } from './layout.tsx';
import { Layout, Time } from './layout.tsx';
import { Sparkline } from './sparkline.tsx';

const rate = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)}/s`;
const percent = (value: number) => `${(value * 100).toFixed(value < 0.1 ? 2 : 1)}%`;
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

function Charts({ series }: { series: OperationSeries }) {
  const points = series.points;
  return (
    <div class="sparks">
      <Sparkline label="Requests" format={rate} series={[{ name: 'now', values: points.map((point) => point.rate), class: 'line-rate' }]} />
      <Sparkline
        label="Errors"
        format={percent}
        series={[{ name: 'now', values: points.map((point) => point.errorRatio), class: 'line-errors' }]}
      />
      <Sparkline
        label="Latency"
        format={ms}
        series={[
          { name: 'p50', values: points.map((point) => point.p50), class: 'line-p50' },
          { name: 'p99', values: points.map((point) => point.p99), class: 'line-p99' },
        ]}
      />
    </div>
  );
}

function Slos({ slos }: { slos: SloStatus[] }) {
  if (slos.length === 0) return <p class="muted">No SLOs for this service (PUT /api/slos or SLO_FILE adds them).</p>;
  return (
    <ul class="evidence">
      {slos.map((slo) => (
        <li data-slo-status={slo.status}>
          <div class="what">
            <span class={`badge slo-${slo.status}`}>
              {slo.status === 'ok' ? 'ok' : slo.status === 'page' ? 'burning fast' : 'burning slowly'}
            </span>{' '}
            {slo.name}:{' '}
            {slo.indicator === 'latency' ? `${percent(slo.objective)} under ${slo.thresholdMs} ms` : `${percent(slo.objective)} available`}
            {slo.operation ? ` (${slo.operation})` : ''}
          </div>
          <div class="meta">
            Burn rate{' '}
            {Object.entries(slo.burnRates)
              .map(([window, value]) => `${window} ${value.toFixed(1)}×`)
              .join(' · ') || 'not evaluated yet'}
            {slo.burningSince ? (
              <>
                {' · burning since '}
                <Time at={slo.burningSince} />
              </>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

export const SERVICE_PERIODS = [15, 60, 360, 1440] as const;

/** /services: each service's request rate, errors and latency over time, its operations, and its SLOs with their burn. */
export function ServicesPage({
  viewer,
  minutes,
  services,
  series,
}: {
  viewer: Viewer;
  minutes: number;
  services: ServiceHealth[];
  series: OperationSeries[];
}) {
  return (
    <Layout title="Service health" viewer={viewer} section="services">
      <h1>Service health</h1>
      <nav class="timeline-filters" aria-label="Period">
        {SERVICE_PERIODS.map((period) => (
          <a href={`/services?minutes=${period}`} aria-current={period === minutes ? 'true' : undefined}>
            {period < 60 ? `${period} min` : `${period / 60} h`}
          </a>
        ))}
      </nav>
      {services.length === 0 ? (
        <p class="card">
          No spans in this period. Point an OpenTelemetry exporter at <code>/v1/traces</code> (OTLP/HTTP) with an ingest token.
        </p>
      ) : null}
      {services.map((service) => {
        const own = series.find((item) => item.service === service.service && item.operation === '');
        const operations = series.filter((item) => item.service === service.service && item.operation !== '');
        return (
          <section class="card service" id={`service-${service.service}`} aria-labelledby={`service-${service.service}-title`}>
            <h2 id={`service-${service.service}-title`}>{service.service}</h2>
            <p class="muted">
              {rate(service.rate)} · {percent(service.errorRatio)} errors · p50{' '}
              {service.latencyMs.p50 === null ? '—' : ms(service.latencyMs.p50)} · p99{' '}
              {service.latencyMs.p99 === null ? '—' : ms(service.latencyMs.p99)} over{' '}
              {minutes < 60 ? `${minutes} min` : `${minutes / 60} h`}
              {service.lastSeenAt ? (
                <>
                  {' · last span '}
                  <Time at={service.lastSeenAt} />
                </>
              ) : null}
            </p>
            {own ? <Charts series={own} /> : null}
            <h3>SLOs</h3>
            <Slos slos={service.slos} />
            {operations.length ? (
              <details open={operations.length <= 5}>
                <summary>
                  {operations.length} operation{operations.length === 1 ? '' : 's'}
                </summary>
                <ul class="operations">
                  {operations.slice(0, 50).map((operation) => (
                    <li>
                      <div class="what">
                        {operation.operation} <span class="muted">({operation.kind})</span>
                      </div>
                      <Charts series={operation} />
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </section>
        );
      })}
    </Layout>
  );
}
