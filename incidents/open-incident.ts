import { z } from 'zod';
import { notifyIncidentChange } from '../notifier/index.ts';
import type { ActionContext, Database } from '../platform/index.ts';
import { SEVERITIES } from '../platform/index.ts';
import { incidentSnapshot } from './incident-snapshot.ts';
import { insertIncident } from './incident-writes.ts';
import { instantiateChecklists } from './playbooks/index.ts';
import type { Incident } from './schema/incidents.ts';
import { INCIDENT_SOURCES } from './schema/incidents.ts';
import { appendTimelineEvent } from './timeline/index.ts';

const LabelValue = z.string().max(1024);

export const OpenIncidentInput = z.object({
  title: z.string().trim().min(1).max(300),
  summary: z.string().max(20_000).default(''),
  severity: z.enum(SEVERITIES),
  source: z.enum(INCIDENT_SOURCES),
  groupKey: z.string().max(2000).nullable().default(null),
  services: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  labels: z.record(z.string().max(200), LabelValue).default({}),
  startedAt: z.coerce.date().optional(),
});
export type OpenIncidentInput = z.input<typeof OpenIncidentInput>;

/**
 * Opens an incident in the caller's transaction: the row, its 'incident.opened' timeline event and the
 * notifications it owes, and its exit checklists from the playbooks. Correlation (alerts, SLOs) and
 * declaration both come through here; `ctx` says who opens it and with which configuration.
 */
export async function openIncident(
  tx: Database,
  ctx: Pick<ActionContext, 'actor' | 'config'>,
  rawInput: OpenIncidentInput,
): Promise<Incident> {
  const { actor } = ctx;
  const input = OpenIncidentInput.parse(rawInput);
  const now = new Date();
  const incident = await insertIncident(tx, {
    title: input.title,
    summary: input.summary,
    severity: input.severity,
    source: input.source,
    groupKey: input.groupKey,
    services: [...new Set(input.services)],
    labels: input.labels,
    startedAt: input.startedAt ?? now,
    detectedAt: now,
  });
  await instantiateChecklists(tx, incident.id, incident.services);
  await appendTimelineEvent(tx, actor, {
    incidentId: incident.id,
    type: 'incident.opened',
    occurredAt: incident.detectedAt,
    data: { title: incident.title, severity: incident.severity, source: incident.source, services: incident.services },
  });
  await notifyIncidentChange(tx, ctx.config, { kind: 'opened', incident: incidentSnapshot(incident), at: now, actorName: ctx.actor.name });
  return incident;
}
