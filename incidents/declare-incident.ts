import type { z } from 'zod';
import type { ActionContext } from '../platform/index.ts';
import { assertPermission, recordAudit } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import { OpenIncidentInput, openIncident } from './open-incident.ts';
import type { Incident } from './schema/incidents.ts';

export const DeclareIncidentInput = OpenIncidentInput.omit({ source: true, groupKey: true });
export type DeclareIncidentInput = z.input<typeof DeclareIncidentInput>;

/** A person declares an incident (from the API, the dashboard or Slack). */
export async function declareIncident(ctx: ActionContext, input: DeclareIncidentInput): Promise<Incident> {
  assertPermission(ctx.actor, 'incidents:declare');
  return ctx.db.transaction(async (tx) => {
    const incident = await openIncident(tx, ctx, { ...input, source: 'manual', groupKey: null });
    await recordAudit(tx, ctx, {
      action: 'incidents.incident.declare',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), title: incident.title, severity: incident.severity },
    });
    return incident;
  });
}
