import { eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { incidents } from '../../schema/incidents.ts';
import { currentAssessment } from '../assessment/index.ts';
import { computeDeadlines, RegimeDefinition, warningPlanOf } from '../regimes/index.ts';
import { rescheduleWarnings } from './schedule-warnings.ts';
import { breachIncidentRegimes } from './schema/breach-incident-regimes.ts';
import type { BreachObligation, ObligationStatus } from './schema/breach-obligations.ts';
import { breachObligations } from './schema/breach-obligations.ts';

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** The due time warnings and lateness are measured against: a sanctioned suspension can only push it later. */
export function effectiveDueOf(dueAt: Date | null, suspendedUntil: Date | null): Date | null {
  if (dueAt && suspendedUntil && suspendedUntil > dueAt) return suspendedUntil;
  return dueAt;
}

/**
 * Recomputes every obligation of an incident from its current facts, in the caller's transaction:
 * applicability, due time, and (where those changed) the warning timers. Called whenever a fact,
 * submission, suspension or decision changes.
 */
export async function recomputeObligations(tx: Database, incidentId: string, now: Date = new Date()): Promise<BreachObligation[]> {
  const [incident] = await tx
    .select({ id: incidents.id, identifiedAt: incidents.identifiedAt })
    .from(incidents)
    .where(eq(incidents.id, incidentId));
  if (!incident) return [];
  const assessment = await currentAssessment(tx, incident);
  const applied = await tx.select().from(breachIncidentRegimes).where(eq(breachIncidentRegimes.incidentId, incidentId));
  // Locked: a concurrent submission must not be overwritten by a status computed from a stale read.
  const rows = await tx
    .select()
    .from(breachObligations)
    .where(eq(breachObligations.incidentId, incidentId))
    .orderBy(breachObligations.id)
    .for('update');
  const result: BreachObligation[] = [];
  // A withdrawn regime's obligations are settled: they keep the state the withdrawal left them in.
  for (const application of applied.filter((candidate) => !candidate.withdrawnAt)) {
    const regime = RegimeDefinition.parse(application.definition);
    const own = rows.filter((row) => row.incidentRegimeId === application.id);
    const submissions = Object.fromEntries(own.flatMap((row) => (row.submittedAt ? [[row.key, row.submittedAt]] : [])));
    const deadlines = computeDeadlines(regime, { anchors: assessment.anchors, submissions, facts: assessment.facts });
    for (const deadline of deadlines) {
      const row = own.find((candidate) => candidate.key === deadline.key);
      const definition = regime.obligations.find((obligation) => obligation.key === deadline.key);
      if (!row || !definition) continue;
      let status: ObligationStatus;
      let notApplicableReason = row.notApplicableReason;
      if (row.status === 'submitted') status = 'submitted';
      else if (row.notApplicableBy) status = 'not_applicable';
      else if (deadline.applicable === false) {
        status = 'not_applicable';
        notApplicableReason = `Condition not met: ${deadline.unmetCondition ?? 'unknown'}`;
      } else {
        status = deadline.applicable === null ? 'assessing' : 'applicable';
        notApplicableReason = null;
      }
      const effectiveDueAt = effectiveDueOf(deadline.dueAt, row.suspendedUntil);
      const changed =
        status !== row.status ||
        notApplicableReason !== row.notApplicableReason ||
        !sameTime(deadline.dueAt, row.dueAt) ||
        !sameTime(deadline.startedAt, row.clockStartedAt) ||
        !sameTime(effectiveDueAt, row.effectiveDueAt) ||
        deadline.basis !== row.basis;
      if (!changed) {
        result.push(row);
        continue;
      }
      const [updated] = await tx
        .update(breachObligations)
        .set({
          status,
          notApplicableReason,
          dueAt: deadline.dueAt,
          clockStartedAt: deadline.startedAt,
          basis: deadline.basis,
          effectiveDueAt,
          version: row.version + 1,
          updatedAt: now,
        })
        .where(eq(breachObligations.id, row.id))
        .returning();
      if (!updated) continue;
      const timingChanged =
        !sameTime(effectiveDueAt, row.effectiveDueAt) || !sameTime(deadline.startedAt, row.clockStartedAt) || status !== row.status;
      if (timingChanged) await rescheduleWarnings(tx, updated, warningPlanOf(regime, definition), now);
      result.push(updated);
    }
  }
  return result;
}
