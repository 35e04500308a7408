import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import { insertOutboxMessage } from '../enqueue-message.ts';
import type { PageAction, PagerDutyEvent } from '../outbox-payloads.ts';
import { incidentPages } from '../schema/incident-pages.ts';
import type { NotifierSettings } from '../settings.ts';
import type { StoredSnapshot } from '../stored-snapshot.ts';
import { timelineUrl } from '../stored-snapshot.ts';

const PD_SEVERITY = { sev1: 'critical', sev2: 'error', sev3: 'warning', sev4: 'info' } as const;

export function pagerdutyOrderingKey(incidentId: string): string {
  return `pagerduty:${incidentId}`;
}

/** Queues one PagerDuty event for an incident; triggers are remembered so acknowledge and resolve reach them. */
export async function enqueuePage(
  tx: Database,
  settings: NotifierSettings,
  input: {
    incident: StoredSnapshot;
    action: PageAction;
    routingKey: string;
    dedupKey?: string;
    idempotencyKey: string;
    summary?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const { incident } = input;
  const dedupKey = input.dedupKey ?? incident.id;
  const link = timelineUrl(settings.publicUrl, incident);
  const payload: PagerDutyEvent = {
    routingKey: input.routingKey,
    action: input.action,
    dedupKey,
    summary: (input.summary ?? `[${incident.reference}] ${incident.title} (${incident.severity.toUpperCase()})`).slice(0, 1024),
    severity: PD_SEVERITY[incident.severity],
    component: incident.services[0] ?? null,
    customDetails: {
      reference: incident.reference,
      phase: incident.phase,
      services: incident.services,
      commander: incident.commander?.name ?? null,
      ...input.details,
    },
    link,
  };
  await insertOutboxMessage(tx, settings, {
    channel: 'pagerduty',
    kind: `pagerduty.${input.action}`,
    idempotencyKey: input.idempotencyKey,
    orderingKey: pagerdutyOrderingKey(incident.id),
    payload,
  });
  if (input.action === 'trigger') {
    await tx
      .insert(incidentPages)
      .values({ incidentId: incident.id, dedupKey, routingKey: input.routingKey })
      .onConflictDoUpdate({
        target: [incidentPages.dedupKey, incidentPages.routingKey],
        set: { resolvedAt: null, triggeredAt: new Date() },
      });
  }
}

/** Acknowledges or resolves every alert the incident has open in PagerDuty. */
export async function followUpPages(
  tx: Database,
  settings: NotifierSettings,
  incident: StoredSnapshot,
  action: 'acknowledge' | 'resolve',
  idempotencyPrefix: string,
): Promise<number> {
  const pages = await tx
    .select()
    .from(incidentPages)
    .where(and(eq(incidentPages.incidentId, incident.id), isNull(incidentPages.resolvedAt)));
  for (const page of pages) {
    await enqueuePage(tx, settings, {
      incident,
      action,
      routingKey: page.routingKey,
      dedupKey: page.dedupKey,
      idempotencyKey: `${idempotencyPrefix}:${action}:${page.dedupKey}:${page.routingKey}`,
    });
  }
  if (action === 'resolve' && pages.length > 0) {
    await tx
      .update(incidentPages)
      .set({ resolvedAt: new Date() })
      .where(and(eq(incidentPages.incidentId, incident.id), isNull(incidentPages.resolvedAt)));
  }
  return pages.length;
}
