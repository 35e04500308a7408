import { z } from 'zod';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, InvalidInputError, recordAudit } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import { updateIncident } from './incident-writes.ts';
import { lockIncident } from './lock-incident.ts';
import { addServicePlaybooks } from './playbooks/index.ts';
import type { Incident } from './schema/incidents.ts';
import { appendTimelineEvent } from './timeline/index.ts';

export const IncidentEdit = z
  .object({
    title: z.string().trim().min(1).max(300),
    summary: z.string().max(20_000),
    services: z.array(z.string().trim().min(1).max(200)).max(50),
    labels: z.record(z.string().max(200), z.string().max(1024)),
  })
  .partial()
  .extend({ expectedVersion: z.number().int().min(1).optional() })
  .strict();
export type IncidentEdit = z.infer<typeof IncidentEdit>;

/**
 * Corrects an incident's title, summary, services or labels; the event keeps the earlier values. A
 * service that joins brings its playbook's items to the checklists still ahead.
 */
export async function editIncident(ctx: ActionContext, idOrReference: string, rawInput: IncidentEdit): Promise<Incident> {
  assertPermission(ctx.actor, 'incidents:update');
  const { expectedVersion, ...fields } = IncidentEdit.parse(rawInput);
  if (Object.keys(fields).length === 0) throw new InvalidInputError('Send at least one of title, summary, services, labels.');
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, idOrReference, { expectedVersion });
    const next = { ...fields, ...(fields.services ? { services: [...new Set(fields.services)] } : {}) };
    const changes = Object.fromEntries(
      Object.entries(next)
        .filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(incident[field as keyof typeof next]))
        .map(([field, value]) => [field, { from: incident[field as keyof typeof next], to: value }]),
    );
    if (Object.keys(changes).length === 0) return incident;
    const updated = await updateIncident(
      tx,
      incident,
      Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, change.to])),
    );
    const joined = (next.services ?? []).filter((service) => !incident.services.includes(service));
    const checklistItemsAdded = await addServicePlaybooks(tx, incident.id, incident.phase, joined);
    await appendTimelineEvent(tx, ctx.actor, { incidentId: incident.id, type: 'incident.updated', data: { changes, checklistItemsAdded } });
    await recordAudit(tx, ctx, {
      action: 'incidents.incident.edit',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), fields: Object.keys(changes) },
    });
    return updated;
  });
}
