import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { currentAssessment } from './assessment/index.ts';
import type { NoticeSettings } from './notices/index.ts';
import { breachNotices, presentNotices } from './notices/index.ts';
import type { BreachObligation } from './obligations/index.ts';
import { breachIncidentRegimes, breachObligations, breachWarnings, isActive, isLate, obligationState } from './obligations/index.ts';
import { computeWarningPoints, localIso, overdueWarningPoint, RegimeDefinition, warningPlanOf } from './regimes/index.ts';

/**
 * The breach panel of an incident: the current assessment, each obligation with its due time (UTC and
 * the regime's zone), state, warnings sent and the next one, and the notices with per-recipient delivery.
 */
export async function getBreachStatus(
  db: Database,
  incidentIdOrReference: string,
  settings: Pick<NoticeSettings, 'publicUrl'> = { publicUrl: '' },
  now: Date = new Date(),
) {
  const incident = await getIncident(db, incidentIdOrReference);
  const assessment = await currentAssessment(db, incident);
  const applications = await db
    .select()
    .from(breachIncidentRegimes)
    .where(eq(breachIncidentRegimes.incidentId, incident.id))
    .orderBy(asc(breachIncidentRegimes.appliedAt));
  const obligations = await db
    .select()
    .from(breachObligations)
    .where(eq(breachObligations.incidentId, incident.id))
    .orderBy(asc(breachObligations.createdAt), asc(breachObligations.regimeId), asc(breachObligations.key));
  const warnings = obligations.length
    ? await db
        .select()
        .from(breachWarnings)
        .where(
          inArray(
            breachWarnings.obligationId,
            obligations.map((obligation) => obligation.id),
          ),
        )
        .orderBy(asc(breachWarnings.id))
    : [];
  const notices = await db
    .select()
    .from(breachNotices)
    .where(eq(breachNotices.incidentId, incident.id))
    .orderBy(desc(breachNotices.createdAt));
  const regimes = new Map(applications.map((application) => [application.id, RegimeDefinition.parse(application.definition)]));

  const nextWarning = (obligation: BreachObligation) => {
    const regime = regimes.get(obligation.incidentRegimeId);
    const definition = regime?.obligations.find((candidate) => candidate.key === obligation.key);
    if (!regime || !definition || !isActive(obligation) || !obligation.effectiveDueAt) return null;
    const plan = warningPlanOf(regime, definition);
    const upcoming = computeWarningPoints(obligation.clockStartedAt, obligation.effectiveDueAt, plan).find((point) => point.at > now);
    if (upcoming) return upcoming;
    const elapsed = Math.floor((now.getTime() - obligation.effectiveDueAt.getTime()) / (plan.overdueEveryHours * 3_600_000));
    return overdueWarningPoint(obligation.effectiveDueAt, plan, elapsed + 1);
  };

  return {
    incident: { id: incident.id, reference: incidentReference(incident), title: incident.title, isBreach: incident.isBreach },
    assessment: {
      current: assessment.current,
      history: assessment.history.map((row) => ({
        name: row.name,
        value: row.value,
        actorName: row.actorName,
        recordedAt: row.recordedAt,
        note: row.note,
      })),
      anchors: Object.fromEntries(Object.entries(assessment.anchors).map(([name, at]) => [name, at.toISOString()])),
    },
    regimes: applications.map((application) => ({
      id: application.regimeId,
      name: application.definition.name,
      timeZone: application.definition.timeZone,
      appliedBy: application.appliedBy,
      appliedAt: application.appliedAt,
      automatic: application.automatic,
      withdrawnAt: application.withdrawnAt,
      withdrawnBy: application.withdrawnBy,
      withdrawalReason: application.withdrawalReason,
    })),
    obligations: obligations.map((obligation) => {
      const regime = regimes.get(obligation.incidentRegimeId);
      const definition = regime?.obligations.find((candidate) => candidate.key === obligation.key);
      const timeZone = regime?.timeZone ?? 'UTC';
      const late = isLate(obligation, now);
      const next = nextWarning(obligation);
      return {
        ...obligation,
        trigger: definition?.trigger ?? '',
        contentRequired: definition?.contentRequired ?? [],
        deadlineText: definition?.deadlineText ?? null,
        state: obligationState(obligation, now),
        late,
        delayReasonMissing: late && !obligation.delayReason,
        timeZone,
        dueLocal: obligation.effectiveDueAt ? localIso(obligation.effectiveDueAt, timeZone) : null,
        remainingSeconds:
          obligation.effectiveDueAt && isActive(obligation)
            ? Math.round((obligation.effectiveDueAt.getTime() - now.getTime()) / 1000)
            : null,
        warningsSent: warnings
          .filter((warning) => warning.obligationId === obligation.id)
          .map((warning) => ({ point: warning.point, dueAt: warning.dueAt, firedAt: warning.firedAt, overdue: warning.overdue })),
        nextWarning: next ? { point: next.point, label: next.label, at: next.at } : null,
      };
    }),
    notices: await presentNotices(db, notices, settings),
  };
}
