import type { IncidentSnapshot } from './incident-change.ts';

/** An incident snapshot as stored in an outbox payload (JSON: dates as ISO strings). */
export interface StoredSnapshot {
  id: string;
  reference: string;
  title: string;
  severity: IncidentSnapshot['severity'];
  phase: string;
  services: string[];
  commander: { id: string; name: string } | null;
  acknowledgedAt: string | null;
  recoveredAt: string | null;
  closedAt: string | null;
}

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
