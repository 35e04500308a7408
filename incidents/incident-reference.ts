import type { Incident } from './schema/incidents.ts';

export function incidentReference(incident: Pick<Incident, 'number'>): string {
  return `INC-${incident.number}`;
}

/** "INC-42" or "42" to 42; anything else to null (then it is taken as an id). */
export function parseIncidentNumber(reference: string): number | null {
  const match = /^(?:INC-)?(\d{1,9})$/i.exec(reference.trim());
  return match?.[1] ? Number(match[1]) : null;
}
