import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { BurnRates, BurnRule } from './burn-rate-rules.ts';
import { firingRules } from './burn-rate-rules.ts';
import { measureBurnRates } from './measure-burn-rates.ts';
import type { Slo } from './schema/slos.ts';
import { slos } from './schema/slos.ts';

/** An SLO burn as an alert (the alert path's shape: see receiveAlerts). */
export interface SloBurnAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt: Date | null;
  generatorUrl?: string;
}

/** Hands burn alerts to the alert path, in the evaluation's transaction. */
export type RaiseSloAlerts = (tx: Database, alerts: SloBurnAlert[]) => Promise<unknown>;

export interface SloEvaluationOptions {
  raise: RaiseSloAlerts;
  /** A firing alert's endsAt lies this far ahead, so that it expires if evaluations stop. */
  heartbeatSeconds: number;
  publicUrl: string;
}

export interface SloEvaluation {
  slo: Slo;
  rates: BurnRates;
  firing: BurnRule[];
}

const percent = (objective: number) => `${Number((objective * 100).toFixed(4))}%`;
const rate = (value: number) => `${value.toFixed(1)}x`;

function alertFor(
  slo: Slo,
  severity: 'page' | 'ticket',
  rates: BurnRates,
  startsAt: Date,
  endsAt: Date,
  options: SloEvaluationOptions,
): SloBurnAlert {
  const windows =
    severity === 'page'
      ? `${rate(rates['1h'])} over 1h, ${rate(rates['5m'])} over 5m, ${rate(rates['6h'])} over 6h, ${rate(rates['30m'])} over 30m`
      : `${rate(rates['3d'])} over 3d, ${rate(rates['6h'])} over 6h`;
  const what = slo.indicator === 'latency' ? `requests under ${slo.thresholdMs} ms` : 'successful requests';
  return {
    labels: { alertname: 'SLOBurnRate', service: slo.service, slo: slo.name, severity },
    annotations: {
      summary: `${slo.service}: SLO "${slo.name}" is burning its error budget (${severity === 'page' ? 'fast' : 'slow'} burn)`,
      description: `Objective ${percent(slo.objective)} ${what}${slo.operation ? ` of ${slo.operation}` : ''}; burn rate ${windows}.`,
      indicator: slo.indicator,
      objective: String(slo.objective),
    },
    startsAt,
    endsAt,
    generatorUrl: `${options.publicUrl}/api/services?service=${encodeURIComponent(slo.service)}`,
  };
}

/**
 * The 'slo-evaluation' job: measures every SLO's burn rates, raises an alert per severity while its
 * rules fire (heartbeated with a future endsAt) and resolves it (endsAt = now) when they stop.
 */
export async function evaluateSlos(tx: Database, now: Date, options: SloEvaluationOptions): Promise<SloEvaluation[]> {
  const all = await tx.select().from(slos).orderBy(slos.service, slos.name).for('update');
  const results: SloEvaluation[] = [];
  const alerts: SloBurnAlert[] = [];
  const heartbeat = new Date(now.getTime() + options.heartbeatSeconds * 1000);
  for (const slo of all) {
    const { events: _events, ...rates } = await measureBurnRates(tx, slo, now);
    const firing = firingRules(rates);
    const burning = { page: firing.some((rule) => rule.severity === 'page'), ticket: firing.some((rule) => rule.severity === 'ticket') };
    const since = { page: slo.pageBurningSince, ticket: slo.ticketBurningSince };
    for (const severity of ['page', 'ticket'] as const) {
      const started = since[severity];
      if (burning[severity]) alerts.push(alertFor(slo, severity, rates, started ?? now, heartbeat, options));
      else if (started) alerts.push(alertFor(slo, severity, rates, started, now, options));
    }
    const [updated] = await tx
      .update(slos)
      .set({
        pageBurningSince: burning.page ? (slo.pageBurningSince ?? now) : null,
        ticketBurningSince: burning.ticket ? (slo.ticketBurningSince ?? now) : null,
        lastEvaluatedAt: now,
        lastBurnRates: rates,
      })
      .where(eq(slos.id, slo.id))
      .returning();
    results.push({ slo: updated ?? slo, rates, firing });
  }
  if (alerts.length) await options.raise(tx, alerts);
  return results;
}
