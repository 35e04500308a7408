import { z } from 'zod';
import { notifyIncidentChange } from '../notifier/index.ts';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, recordAudit, SEVERITIES } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import { incidentSnapshot } from './incident-snapshot.ts';
import { updateIncident } from './incident-writes.ts';
import { lockIncident } from './lock-incident.ts';
import { currentCommander } from './roles/index.ts';
import type { Incident } from './schema/incidents.ts';
import { appendTimelineEvent } from './timeline/index.ts';

export const SeverityInput = z.object({
  severity: z.enum(SEVERITIES),
  reason: z.string().trim().min(1).max(2000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});
export type SeverityInput = z.input<typeof SeverityInput>;

/** Raises or lowers the severity; setting the current one changes nothing. */
export async function changeSeverity(ctx: ActionContext, idOrReference: string, rawInput: SeverityInput): Promise<Incident> {
  assertPermission(ctx.actor, 'incidents:update');
  const input = SeverityInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { expectedVersion: input.expectedVersion });
    if (incident.severity === input.severity) return incident;
    const now = new Date();
    const updated = await updateIncident(tx, incident, { severity: input.severity });
    const data = { from: incident.severity, to: input.severity, reason: input.reason ?? null };
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'severity.changed', occurredAt: now, data });
    await recordAudit(tx, ctx, {
      action: 'incidents.incident.severity',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), ...data },
    });
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'severity_changed',
      incident: incidentSnapshot(updated, await currentCommander(tx, incident.id)),
      at: now,
      actorName: ctx.actor.name,
      ...data,
    });
    return updated;
  });
}
