import type { Incident } from '../schema/incidents.ts';

export interface IncidentFigures {
  /** From the start of the problem to its detection. */
  timeToDetectSeconds: number | null;
  /** From detection to the first acknowledgement. */
  timeToAcknowledgeSeconds: number | null;
  /** From the start to leaving containment. */
  timeToContainSeconds: number | null;
  /** From the start to leaving recovery. */
  timeToRecoverSeconds: number | null;
}

const secondsBetween = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null;

/** One incident's response times (null until the milestone is reached). */
export function incidentFigures(incident: Incident): IncidentFigures {
  return {
    timeToDetectSeconds: secondsBetween(incident.startedAt, incident.detectedAt),
    timeToAcknowledgeSeconds: secondsBetween(incident.detectedAt, incident.acknowledgedAt),
    timeToContainSeconds: secondsBetween(incident.startedAt, incident.containedAt),
    timeToRecoverSeconds: secondsBetween(incident.startedAt, incident.recoveredAt),
  };
}
