/*
 * How appended timeline events are announced to live viewers: a Postgres NOTIFY on TIMELINE_CHANNEL
 * (delivered only if the transaction commits) with one payload shape, {"incidentId","eventIds":[...]}:
 * the ids of events appended to one incident, in order. The appending statements here build it, and
 * parseTimelineAnnouncement reads it; nothing else knows it.
 */

/** The Postgres NOTIFY channel on which appended events are announced. */
export const TIMELINE_CHANNEL = 'firebreak_timeline';

/** Events appended to one incident together. */
export interface TimelineAnnouncement {
  incidentId: string;
  eventIds: number[];
}

/**
 * Events announced together, at most: a NOTIFY payload holds under 8000 bytes. A storm of alerts
 * joining one incident is then a few notifications, not one per event.
 */
export const MAX_ANNOUNCED_EVENTS = 400;

/** SQL announcing events: `incidentId` a uuid expression, `eventIds` a JSON array of ids. */
export function announcementSql(incidentId: string, eventIds: string): string {
  return `pg_notify('${TIMELINE_CHANNEL}', json_build_object('incidentId', ${incidentId}, 'eventIds', ${eventIds})::text)`;
}

/** Reads a payload of TIMELINE_CHANNEL; null for anything else. */
export function parseTimelineAnnouncement(payload: string): TimelineAnnouncement | null {
  try {
    const value = JSON.parse(payload) as { incidentId?: unknown; eventIds?: unknown };
    if (typeof value.incidentId !== 'string' || !Array.isArray(value.eventIds)) return null;
    const eventIds = value.eventIds.filter((id): id is number => typeof id === 'number');
    return eventIds.length > 0 ? { incidentId: value.incidentId, eventIds } : null;
  } catch {
    return null;
  }
}
