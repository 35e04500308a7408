import { asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { getIncident } from '../../get-incident.ts';
import { incidentReference } from '../../incident-reference.ts';
import { incidents } from '../../schema/incidents.ts';
import type { BreachObligation } from '../obligations/index.ts';
import { breachIncidentRegimes, breachObligations } from '../obligations/index.ts';
import { localIso } from '../regimes/index.ts';

export type ComplianceOutcome = 'on_time' | 'late' | 'open' | 'overdue' | 'not_applicable' | 'untimed';

function outcomeOf(obligation: BreachObligation, now: Date): ComplianceOutcome {
  if (obligation.status === 'not_applicable') return 'not_applicable';
  if (obligation.status === 'submitted') {
    if (!obligation.effectiveDueAt || !obligation.submittedAt) return 'on_time';
    return obligation.submittedAt > obligation.effectiveDueAt ? 'late' : 'on_time';
  }
  if (!obligation.effectiveDueAt) return 'untimed';
  return obligation.effectiveDueAt <= now ? 'overdue' : 'open';
}

/** Per breach and obligation: due, submitted, on time or late, and the reasons given. */
export async function buildComplianceReport(db: Database, options: { incident?: string } = {}, now: Date = new Date()) {
  const only = options.incident ? await getIncident(db, options.incident) : null;
  const obligations = await db
    .select()
    .from(breachObligations)
    .where(only ? eq(breachObligations.incidentId, only.id) : undefined)
    .orderBy(asc(breachObligations.createdAt), asc(breachObligations.key));
  const incidentIds = [...new Set(obligations.map((obligation) => obligation.incidentId))];
  const rows = incidentIds.length ? await db.select().from(incidents).where(inArray(incidents.id, incidentIds)) : [];
  const zones = incidentIds.length
    ? new Map(
        (
          await db
            .select({ id: breachIncidentRegimes.id, definition: breachIncidentRegimes.definition })
            .from(breachIncidentRegimes)
            .where(inArray(breachIncidentRegimes.incidentId, incidentIds))
        ).map((row) => [row.id, row.definition.timeZone]),
      )
    : new Map<string, string>();
  const entries = obligations.map((obligation) => {
    const timeZone = zones.get(obligation.incidentRegimeId) ?? 'UTC';
    const incident = rows.find((row) => row.id === obligation.incidentId);
    return {
      incident: incident ? incidentReference(incident) : obligation.incidentId,
      incidentTitle: incident?.title ?? '',
      regime: obligation.regimeId,
      obligation: obligation.key,
      title: obligation.title,
      recipient: obligation.recipient,
      dueAt: obligation.effectiveDueAt?.toISOString() ?? null,
      dueLocal: obligation.effectiveDueAt ? localIso(obligation.effectiveDueAt, timeZone) : null,
      basis: obligation.basis,
      submittedAt: obligation.submittedAt?.toISOString() ?? null,
      submittedVia: obligation.submittedVia,
      submissionReference: obligation.submissionReference,
      submissionNote: obligation.submissionNote,
      outcome: outcomeOf(obligation, now),
      delayReason: obligation.delayReason,
      notApplicableReason: obligation.notApplicableReason,
      suspension: obligation.suspendedUntil
        ? { until: obligation.suspendedUntil.toISOString(), grantedBy: obligation.suspensionGrantedBy, reason: obligation.suspensionReason }
        : null,
    };
  });
  const totals = entries.reduce<Record<ComplianceOutcome, number>>((sum, entry) => ({ ...sum, [entry.outcome]: sum[entry.outcome] + 1 }), {
    on_time: 0,
    late: 0,
    open: 0,
    overdue: 0,
    not_applicable: 0,
    untimed: 0,
  });
  const breaches = [...new Set(entries.map((entry) => entry.incident))].map((reference) => {
    const own = entries.filter((entry) => entry.incident === reference);
    return {
      incident: reference,
      title: own[0]?.incidentTitle ?? '',
      compliant: own.every((entry) => entry.outcome !== 'late' && entry.outcome !== 'overdue'),
      obligations: own,
    };
  });
  return { generatedAt: now.toISOString(), totals, breaches, obligations: entries };
}

const CSV_COLUMNS = [
  'incident',
  'regime',
  'obligation',
  'recipient',
  'dueAt',
  'submittedAt',
  'outcome',
  'delayReason',
  'notApplicableReason',
] as const;

export function complianceReportAsCsv(report: Awaited<ReturnType<typeof buildComplianceReport>>): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(','), ...report.obligations.map((entry) => CSV_COLUMNS.map((column) => cell(entry[column])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
