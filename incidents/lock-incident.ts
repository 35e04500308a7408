import type { Database } from '../platform/index.ts';
import { ConflictError } from '../platform/index.ts';
import { getIncidentForUpdate } from './get-incident.ts';
import { incidentReference } from './incident-reference.ts';
import type { Incident } from './schema/incidents.ts';

export interface LockOptions {
  /** The version the caller last saw (If-Match or a version field); a different one is a 409. */
  expectedVersion?: number | undefined;
  /** Whether the action may touch a closed incident. */
  allowClosed?: boolean;
}

/** Locks the incident for a read-modify-write (written back with updateIncident) and refuses stale or closed writes. */
export async function lockIncident(tx: Database, idOrReference: string, options: LockOptions = {}): Promise<Incident> {
  const incident = await getIncidentForUpdate(tx, idOrReference);
  if (options.expectedVersion !== undefined && options.expectedVersion !== incident.version) {
    throw new ConflictError(
      `${incidentReference(incident)} changed since you loaded it (you have version ${options.expectedVersion}, it is at ${incident.version}); reload and try again.`,
      'stale_version',
      { currentVersion: incident.version },
    );
  }
  if (!options.allowClosed && incident.closedAt) {
    throw new ConflictError(`${incidentReference(incident)} is closed; it can no longer change.`, 'incident_closed');
  }
  return incident;
}
