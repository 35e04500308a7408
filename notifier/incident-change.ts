import type { Severity } from '../platform/index.ts';
/**
 * What the incidents part tells the notifier. The notifier does not read incident tables; everything
 * a message needs travels in the snapshot.
 */
export interface IncidentSnapshot {
  id: string;
  /** "INC-42" */
  reference: string;
  title: string;
  severity: Severity;
  phase: string;
  services: string[];
  commander: { id: string; name: string } | null;
  acknowledgedAt: Date | null;
  recoveredAt: Date | null;
  closedAt: Date | null;
}

export const INCIDENT_CHANGE_KINDS = [
  'opened',
  'acknowledged',
  'phase_changed',
  'severity_changed',
  'roles_changed',
  'alert_joined',
  'resolved',
  'reopened',
  'closed',
  'deadline_warning',
  'note_added',
] as const;
export type IncidentChangeKind = (typeof INCIDENT_CHANGE_KINDS)[number];

export interface IncidentChange {
  kind: IncidentChangeKind;
  incident: IncidentSnapshot;
  at: Date;
  /** Who caused it, for "acknowledged by Ana". */
  actorName: string;
  /** Kind-specific facts: { from, to } for a phase change, the obligation for a deadline warning, ... */
  details?: Record<string, unknown>;
}
