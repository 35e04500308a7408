import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database, ErasureChange, ErasureSubject } from '../platform/index.ts';
import { ConflictError, eraseSubjectIn } from '../platform/index.ts';
import { incidentReference } from './incident-reference.ts';
import type { Incident, NewIncident } from './schema/incidents.ts';
import { incidents } from './schema/incidents.ts';

/*
 * Every write to the incidents table, each guarding against races in its WHERE clause. Changes of an
 * incident's state bump `version`, which people send back (If-Match) so that a stale edit is refused.
 */

/** Inserts a new incident (openIncident does the rest of opening one). */
export async function insertIncident(tx: Database, values: NewIncident): Promise<Incident> {
  const [incident] = await tx.insert(incidents).values(values).returning();
  if (!incident) throw new Error('incident insert returned no row');
  return incident;
}

/** Writes changes and the next version; the version in the WHERE clause guards against a lost update. */
export async function updateIncident(tx: Database, incident: Incident, changes: Partial<NewIncident>): Promise<Incident> {
  const [updated] = await tx
    .update(incidents)
    .set({ ...changes, version: sql`${incidents.version} + 1`, updatedAt: new Date() })
    .where(and(eq(incidents.id, incident.id), eq(incidents.version, incident.version)))
    .returning();
  if (!updated) {
    throw new ConflictError(
      `${incidentReference(incident)} changed while this change was being made; reload and try again.`,
      'stale_version',
    );
  }
  return updated;
}

/**
 * Sets resolvedAt (its alerts all resolved) or clears it (null: one fires again) if it is not already
 * so; answers the updated incident, or null if nothing changed. The alert path calls it without the
 * row lock, under its group lock: the WHERE clause makes the change happen once.
 */
export async function setIncidentResolvedAt(tx: Database, incidentId: string, value: Date | null): Promise<Incident | null> {
  const [updated] = await tx
    .update(incidents)
    .set({ resolvedAt: value, version: sql`${incidents.version} + 1`, updatedAt: new Date() })
    .where(and(eq(incidents.id, incidentId), value ? isNull(incidents.resolvedAt) : isNotNull(incidents.resolvedAt)))
    .returning();
  return updated ?? null;
}

/**
 * Marks the incident a breach (personal data is involved, or suspected). The version stays: the mark is
 * only ever set, so no edit can undo it. Answers whether this call set it: the WHERE clause lets one
 * of any number of concurrent callers do what becoming a breach entails.
 */
export async function markIncidentBreach(tx: Database, incidentId: string): Promise<boolean> {
  const marked = await tx
    .update(incidents)
    .set({ isBreach: true })
    .where(and(eq(incidents.id, incidentId), eq(incidents.isBreach, false)))
    .returning({ id: incidents.id });
  return marked.length > 0;
}

/** Replaces a data subject's mentions in incidents' titles, summaries and labels, leaving versions and state alone (an erasure, see privacy/). */
export function eraseSubjectFromIncidents(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(tx, { table: 'incidents', key: 'id', text: ['title', 'summary'], json: ['labels'] }, subject);
}
