import { and, eq, sql } from 'drizzle-orm';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, InvalidInputError, personKey, recordAudit } from '../../platform/index.ts';
import { incidentReference } from '../incident-reference.ts';
import { lockIncident } from '../lock-incident.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { RcaInput } from './rca-input.ts';
import type { RootCauseAnalysis } from './schema/root-cause-analyses.ts';
import { rootCauseAnalyses } from './schema/root-cause-analyses.ts';

/**
 * Starts or edits an incident's root-cause analysis. Whoever writes any of it becomes a contributor,
 * and contributors cannot approve it. An approved analysis no longer changes.
 */
export async function writeRca(ctx: ActionContext, idOrReference: string, rawInput: RcaInput): Promise<RootCauseAnalysis> {
  assertPermission(ctx.actor, 'rca:write');
  const { expectedVersion, ...fields } = RcaInput.parse(rawInput);
  const changed = Object.keys(fields);
  if (changed.length === 0)
    throw new InvalidInputError('Send at least one part of the analysis to change (summary, impact, rootCauses, fiveWhys, ...).');
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference);
    const reference = incidentReference(incident);
    const key = personKey(ctx.actor);
    const now = new Date();
    const [existing] = await tx.select().from(rootCauseAnalyses).where(eq(rootCauseAnalyses.incidentId, incident.id)).for('update');
    let rca: RootCauseAnalysis | undefined;
    if (!existing) {
      if (expectedVersion !== undefined)
        throw new ConflictError(`${reference} has no analysis yet; it was not at version ${expectedVersion}.`, 'stale_version');
      [rca] = await tx
        .insert(rootCauseAnalyses)
        .values({
          incidentId: incident.id,
          ...fields,
          authorKey: key,
          authorName: ctx.actor.name,
          contributorKeys: [key],
          createdAt: now,
          updatedAt: now,
        })
        .returning();
    } else {
      if (existing.status === 'approved')
        throw new ConflictError(`The analysis of ${reference} is approved and can no longer change.`, 'rca_approved');
      if (expectedVersion !== undefined && expectedVersion !== existing.version) {
        throw new ConflictError(
          `The analysis of ${reference} changed since you loaded it (version ${existing.version}, you have ${expectedVersion}).`,
          'stale_version',
          {
            currentVersion: existing.version,
          },
        );
      }
      const contributorKeys = existing.contributorKeys.includes(key) ? existing.contributorKeys : [...existing.contributorKeys, key];
      [rca] = await tx
        .update(rootCauseAnalyses)
        .set({ ...fields, contributorKeys, version: sql`${rootCauseAnalyses.version} + 1`, updatedAt: now })
        .where(and(eq(rootCauseAnalyses.incidentId, incident.id), eq(rootCauseAnalyses.version, existing.version)))
        .returning();
    }
    if (!rca) throw new ConflictError(`The analysis of ${reference} changed while saving; reload and try again.`, 'stale_version');
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: existing ? 'rca.updated' : 'rca.started',
      occurredAt: now,
      data: { fields: changed, version: rca.version },
    });
    await recordAudit(tx, ctx, {
      action: 'incidents.rca.write',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference, fields: changed, version: rca.version },
    });
    return rca;
  });
}
