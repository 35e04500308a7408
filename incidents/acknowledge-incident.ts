import { z } from 'zod';
import { notifyIncidentChange } from '../notifier/index.ts';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, ConflictError, recordAudit } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import { incidentSnapshot } from './incident-snapshot.ts';
import { updateIncident } from './incident-writes.ts';
import { lockIncident } from './lock-incident.ts';
import { currentCommander } from './roles/index.ts';
import type { Incident } from './schema/incidents.ts';
import { appendTimelineEvent } from './timeline/index.ts';

export const AcknowledgeInput = z.object({ via: z.enum(['web', 'api', 'slack', 'pagerduty']).default('api') });
export type AcknowledgeInput = z.input<typeof AcknowledgeInput>;

/** Someone takes the incident. A second acknowledgement changes nothing and adds no event. */
export async function acknowledgeIncident(ctx: ActionContext, idOrReference: string, rawInput: AcknowledgeInput): Promise<Incident> {
  assertPermission(ctx.actor, 'incidents:acknowledge');
  const input = AcknowledgeInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { allowClosed: true });
    if (incident.acknowledgedAt) return incident;
    if (incident.closedAt)
      throw new ConflictError(`${incidentReference(incident)} is closed; it can no longer be acknowledged.`, 'incident_closed');
    const now = new Date();
    const updated = await updateIncident(tx, incident, { acknowledgedAt: now });
    await appendTimelineEvent(tx, ctx.actor, {
      incidentId: updated.id,
      type: 'incident.acknowledged',
      occurredAt: now,
      data: { via: input.via },
    });
    await recordAudit(tx, ctx, {
      action: 'incidents.incident.acknowledge',
      targetType: 'incident',
      targetId: updated.id,
      details: { reference: incidentReference(updated), via: input.via },
    });
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'acknowledged',
      incident: incidentSnapshot(updated, await currentCommander(tx, updated.id)),
      at: now,
      actorName: ctx.actor.name,
      via: input.via,
    });
    return updated;
  });
}
