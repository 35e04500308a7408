import { z } from 'zod';
import { SEVERITIES } from '../platform/index.ts';
import type { IncidentSnapshot } from './incident-change.ts';

/** An incident snapshot as stored in outbox payloads and escalation rows (JSON: times as ISO strings). */
export const StoredSnapshot = z.object({
  id: z.string(),
  reference: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  phase: z.string(),
  services: z.array(z.string()),
  commander: z.object({ id: z.string(), name: z.string() }).nullable(),
  acknowledgedAt: z.string().nullable(),
  recoveredAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type StoredSnapshot = z.infer<typeof StoredSnapshot>;

export function storeSnapshot(snapshot: IncidentSnapshot): StoredSnapshot {
  return {
    id: snapshot.id,
    reference: snapshot.reference,
    title: snapshot.title,
    severity: snapshot.severity,
    phase: snapshot.phase,
    services: [...snapshot.services],
    commander: snapshot.commander ? { id: snapshot.commander.id, name: snapshot.commander.name } : null,
    acknowledgedAt: snapshot.acknowledgedAt?.toISOString() ?? null,
    recoveredAt: snapshot.recoveredAt?.toISOString() ?? null,
    closedAt: snapshot.closedAt?.toISOString() ?? null,
  };
}

/** The incident's page on the dashboard, where the timeline lives. */
export function timelineUrl(publicUrl: string, snapshot: Pick<StoredSnapshot, 'reference'>): string {
  return `${publicUrl}/incidents/${encodeURIComponent(snapshot.reference)}`;
}
