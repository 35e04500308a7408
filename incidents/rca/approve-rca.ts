import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import {
  assertPermission,
  assertPersonMayApprove,
  ConflictError,
  DomainError,
  NotFoundError,
  personKey,
  recordAudit,
} from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { lockIncident } from '../lock-incident.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { distributeRca } from './distribute-rca.ts';
import type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';
import { rootCauseAnalyses } from './schema/root-cause-analyses.ts';

export const ApproveRcaInput = z.object({ expectedVersion: z.number().int().min(1).optional() }).strict();
export type ApproveRcaInput = z.infer<typeof ApproveRcaInput>;

/** Four eyes: nobody who wrote any of the analysis may approve it. */
export class SelfApprovalError extends DomainError {
  constructor(message: string) {
    super('self_approval', message);
  }
}

/** What an analysis must contain before anyone can approve it. */
function missingParts(rca: RootCauseAnalysis): string[] {
  const missing: string[] = [];
  if (!rca.summary.trim()) missing.push('summary');
  if (!rca.impact.trim()) missing.push('impact');
  if (rca.rootCauses.length === 0) missing.push('at least one root cause');
  if (rca.fiveWhys.length === 0) missing.push('the five whys');
  return missing;
}

/** A second person approves the analysis (sent then to RCA_DISTRIBUTION); the incident can then be closed. */
export async function approveRca(ctx: ActionContext, idOrReference: string, rawInput: ApproveRcaInput = {}): Promise<RootCauseAnalysis> {
  assertPermission(ctx.actor, 'rca:approve');
  assertPersonMayApprove(ctx.actor);
  const input = ApproveRcaInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference);
    const reference = incidentReference(incident);
    const [rca] = await tx.select().from(rootCauseAnalyses).where(eq(rootCauseAnalyses.incidentId, incident.id)).for('update');
    if (!rca) throw new NotFoundError(`${reference} has no root-cause analysis to approve.`);
    if (rca.status === 'approved')
      throw new ConflictError(`The analysis of ${reference} is already approved (by ${rca.approvedByName ?? 'someone'}).`, 'rca_approved');
    if (input.expectedVersion !== undefined && input.expectedVersion !== rca.version) {
      throw new ConflictError(
        `The analysis changed since you read it (version ${rca.version}, you have ${input.expectedVersion}); read it again before approving.`,
        'stale_version',
        {
          currentVersion: rca.version,
        },
      );
    }
    if (incident.phase !== 'root_cause_analysis') {
      throw new ConflictError(
        `${reference} is in ${incident.phase.replaceAll('_', ' ')}; the analysis is approved in root cause analysis, after recovery.`,
        'invalid_phase',
      );
    }
    if (rca.contributorKeys.includes(personKey(ctx.actor))) {
      throw new SelfApprovalError(
        `You wrote part of this analysis; someone who did not write it must approve it (author: ${rca.authorName}).`,
      );
    }
    const missing = missingParts(rca);
    if (missing.length > 0)
      throw new ConflictError(`The analysis cannot be approved yet: it lacks ${missing.join(', ')}.`, 'rca_incomplete', { missing });
    const now = new Date();
    const [approved] = await tx
      .update(rootCauseAnalyses)
      .set({
        status: 'approved',
        approvedAt: now,
        approvedByKey: personKey(ctx.actor),
        approvedByName: ctx.actor.name,
        version: sql`${rootCauseAnalyses.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(rootCauseAnalyses.incidentId, incident.id), eq(rootCauseAnalyses.version, rca.version)))
      .returning();
    if (!approved) throw new ConflictError('The analysis changed while approving; read it again.', 'stale_version');
    const distributedTo = await distributeRca(tx, ctx.config, incident, reference, approved);
    const data = { version: approved.version, authorName: rca.authorName, distributedTo };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'rca.approved', occurredAt: now, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.rca.approve',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference, ...data },
    });
    return approved;
  });
}
