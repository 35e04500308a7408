import { Counter } from 'prom-client';
import { notifyIncidentChange } from '../../../notifier/index.ts';
import type { Config, Database, Severity, Timer } from '../../../platform/index.ts';
import { defineMetric, epochMs, metricsRegistry, preparedStatement, SYSTEM_ACTOR } from '../../../platform/index.ts';
import { incidentSnapshot } from '../../incident-snapshot.ts';
import type { Phase } from '../../phases.ts';
import { currentCommander } from '../../roles/index.ts';
import { appendTimelineEvent } from '../../timeline/index.ts';
import { localIso, overdueWarningPoint } from '../regimes/index.ts';
import type { WarningTimerPayload } from './schedule-warnings.ts';
import { isActive, scheduleWarningTimer } from './schedule-warnings.ts';
import type { BreachObligation } from './schema/breach-obligations.ts';

export const breachWarningsSent = defineMetric(
  'firebreak_breach_warnings_total',
  () =>
    new Counter({
      name: 'firebreak_breach_warnings_total',
      help: 'Breach deadline warnings sent, by whether the deadline had passed.',
      labelNames: ['overdue'] as const,
      registers: [metricsRegistry],
    }),
);

// A burst of due warnings runs this once each in one tick: a prepared statement (one round trip).
const recordWarning = preparedStatement<
  [obligationId: string, point: string, dueAt: string, scheduledFor: string, firedAt: string, overdue: boolean],
  { id: string }
>(`
  insert into breach_warnings (obligation_id, point, due_at, scheduled_for, fired_at, overdue)
  values ($1::text::uuid, $2, $3::text::timestamptz, $4::text::timestamptz, $5::text::timestamptz, $6)
  on conflict do nothing
  returning id::text as id`);

interface WarningContextRow {
  id: string;
  status: BreachObligation['status'];
  effective_due_at: number | null;
  title: string;
  regime_id: string;
  key: string;
  recipient: string;
  suspended_until: number | null;
  incident_id: string;
  incident_number: number;
  incident_title: string;
  incident_severity: Severity;
  incident_phase: Phase;
  incident_services: string[];
  acknowledged_at: number | null;
  recovered_at: number | null;
  closed_at: number | null;
  time_zone: string | null;
}

// The obligation, what the message says of its incident, and its regime's time zone, in one prepared
// statement: warnings due together run side by side, and drizzle's statements (described before each
// run) would take them one at a time.
const selectWarningContext = preparedStatement<[obligationId: string], WarningContextRow>(`
  select o.id::text as id, o.status, ${epochMs('o.effective_due_at')} as effective_due_at, o.title, o.regime_id, o.key, o.recipient,
    ${epochMs('o.suspended_until')} as suspended_until,
    i.id::text as incident_id, i.number as incident_number, i.title as incident_title, i.severity as incident_severity,
    i.phase as incident_phase, to_jsonb(i.services) as incident_services, ${epochMs('i.acknowledged_at')} as acknowledged_at,
    ${epochMs('i.recovered_at')} as recovered_at, ${epochMs('i.closed_at')} as closed_at, r.definition ->> 'timeZone' as time_zone
  from breach_obligations o
    join incidents i on i.id = o.incident_id
    left join breach_incident_regimes r on r.id = o.incident_regime_id
  where o.id = $1::text::uuid`);

const dateOf = (epochMilliseconds: number | null) => (epochMilliseconds === null ? null : new Date(epochMilliseconds));

function payloadOf(timer: Timer): WarningTimerPayload | null {
  const payload = timer.payload as Partial<WarningTimerPayload>;
  if (typeof payload.obligationId !== 'string' || typeof payload.point !== 'string' || typeof payload.dueAt !== 'string') return null;
  return {
    obligationId: payload.obligationId,
    point: payload.point,
    label: payload.label ?? payload.point,
    dueAt: payload.dueAt,
    overdueEveryHours: Number(payload.overdueEveryHours ?? 4),
  };
}

/**
 * What 'breach.warning' timers run (registerBreach hands it the configuration): tells the commander
 * and compliance channel (and pages once overdue) through the notifier, in the transaction that claimed the timer, so the
 * warning leaves exactly once. At and after the deadline it arms the next overdue reminder.
 */
export async function fireDeadlineWarning(tx: Database, timer: Timer, now: Date, config: Config): Promise<void> {
  const payload = payloadOf(timer);
  if (!payload) return;
  const [row] = await selectWarningContext(tx, payload.obligationId);
  const dueAt = dateOf(row?.effective_due_at ?? null);
  // A warning about a deadline that has since moved, or an obligation since closed, is stale: say nothing.
  if (!row || !isActive(row) || !dueAt || dueAt.toISOString() !== payload.dueAt) return;
  const obligation = {
    id: row.id,
    title: row.title,
    regimeId: row.regime_id,
    key: row.key,
    recipient: row.recipient,
    suspendedUntil: dateOf(row.suspended_until),
  };
  const incident = {
    id: row.incident_id,
    number: row.incident_number,
    title: row.incident_title,
    severity: row.incident_severity,
    phase: row.incident_phase,
    services: row.incident_services,
    acknowledgedAt: dateOf(row.acknowledged_at),
    recoveredAt: dateOf(row.recovered_at),
    closedAt: dateOf(row.closed_at),
  };
  // The warning at the deadline itself is the last one before it passes; every later one is overdue.
  const overdue = payload.point.startsWith('overdue-') || now > dueAt;
  const inserted = await recordWarning(
    tx,
    obligation.id,
    payload.point,
    dueAt.toISOString(),
    timer.dueAt.toISOString(),
    now.toISOString(),
    overdue,
  );
  if (inserted.length === 0) return;
  const timeZone = row.time_zone ?? 'UTC';
  const details = {
    obligation: `${obligation.title} (${obligation.regimeId})`,
    obligationId: obligation.id,
    regime: obligation.regimeId,
    obligationKey: obligation.key,
    recipient: obligation.recipient,
    dueAt: dueAt.toISOString(),
    dueLocal: localIso(dueAt, timeZone),
    timeZone,
    overdue,
    point: payload.point,
    label: payload.label,
    suspendedUntil: obligation.suspendedUntil?.toISOString() ?? null,
  };
  // The commander is named in the message (and mentioned in Slack), as every incident change does.
  await notifyIncidentChange(tx, config, {
    kind: 'deadline_warning',
    incident: incidentSnapshot(incident, await currentCommander(tx, incident.id)),
    at: now,
    actorName: SYSTEM_ACTOR.name,
    deadline: {
      subject: 'breach_obligation',
      obligationId: obligation.id,
      title: obligation.title,
      regime: obligation.regimeId,
      point: payload.point,
      dueAt,
      overdue,
    },
  });
  await appendTimelineEvent(tx, SYSTEM_ACTOR, { incidentId: incident.id, type: 'breach.deadline_warning', occurredAt: now, data: details });
  breachWarningsSent.inc({ overdue: String(overdue) });

  // Reminders repeat while the obligation stays overdue; after downtime only one catches up, the next is in the future.
  if (payload.point === 'due' || payload.point.startsWith('overdue-')) {
    const plan = { percentOfTime: [], hoursBefore: [], atDeadline: true, overdueEveryHours: payload.overdueEveryHours };
    const current = payload.point === 'due' ? 0 : Number(payload.point.slice('overdue-'.length));
    const elapsed = Math.floor((now.getTime() - dueAt.getTime()) / (plan.overdueEveryHours * 3_600_000));
    const next = Math.max(current + 1, elapsed + 1);
    await scheduleWarningTimer(tx, obligation.id, dueAt, overdueWarningPoint(dueAt, plan, next), plan);
  }
}
