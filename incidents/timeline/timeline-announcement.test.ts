import { expect } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { declareTestIncident, personContext } from '../../test/harness/incidents.ts';
import { appendTimelineEvent, prepareTimelineAppend } from './append-timeline-event.ts';
import { listTimeline } from './list-timeline.ts';
import type { TimelineAnnouncement } from './timeline-announcement.ts';
import { parseTimelineAnnouncement, TIMELINE_CHANNEL } from './timeline-announcement.ts';

// `count` events numbered 1..count, appended in reverse order of their number (position -n).
const appendNumbered = prepareTimelineAppend<[incidentId: string, count: string]>(`
  select $1::text::uuid as incident_id, 'test.numbered' as type, 'system' as actor_type, 'firebreak' as actor_id,
    'Firebreak' as actor_name, now() as occurred_at, jsonb_build_object('n', n) as data, -n as position
  from generate_series(1, $2::text::int) as n`);

describeOnBackends('timeline announcements', () => {
  it('announces one event or a batch in one shape, which parseTimelineAnnouncement reads back', async ({ database }) => {
    const received: TimelineAnnouncement[] = [];
    const unlisten = await database.listen(TIMELINE_CHANNEL, (payload) => {
      const announcement = parseTimelineAnnouncement(payload);
      if (announcement) received.push(announcement);
    });
    try {
      const ctx = personContext(database.db, 'commander', 'Ana');
      const first = await declareTestIncident(ctx);
      const second = await declareTestIncident(ctx);
      const note = await database.db.transaction((tx) =>
        appendTimelineEvent(tx, SYSTEM_ACTOR, { incidentId: first.id, type: 'test.single' }),
      );
      const appended = await database.db.transaction(
        async (tx) => (await appendNumbered(tx, first.id, '401')) + (await appendNumbered(tx, second.id, '2')),
      );
      expect(appended).toBe(403);

      const numbered = async (incidentId: string) =>
        (await listTimeline(database.db, incidentId, { limit: 1000 })).events.filter((event) => event.type === 'test.numbered');
      const [ofFirst, ofSecond] = [await numbered(first.id), await numbered(second.id)];
      // Appended in the order of `position`.
      expect(ofFirst.map((event) => event.data.n)).toEqual(Array.from({ length: 401 }, (_, index) => 401 - index));
      const ids = (events: { id: number }[]) => events.map((event) => event.id);
      const opened = async (incidentId: string) => ids((await listTimeline(database.db, incidentId, { limit: 1 })).events);
      // Each opening, the single event, then each incident's batch in chunks of at most 400 ids.
      const expected: TimelineAnnouncement[] = [
        { incidentId: first.id, eventIds: await opened(first.id) },
        { incidentId: second.id, eventIds: await opened(second.id) },
        { incidentId: first.id, eventIds: [note.id] },
        { incidentId: first.id, eventIds: ids(ofFirst.slice(0, 400)) },
        { incidentId: first.id, eventIds: ids(ofFirst.slice(400)) },
        { incidentId: second.id, eventIds: ids(ofSecond) },
      ];
      await expect.poll(() => received.length, { timeout: 5000 }).toBe(expected.length);
      const byFirstId = (a: TimelineAnnouncement, b: TimelineAnnouncement) => (a.eventIds[0] ?? 0) - (b.eventIds[0] ?? 0);
      expect([...received].sort(byFirstId)).toEqual(expected.sort(byFirstId));
    } finally {
      await unlisten();
    }
  });

  it('reads only the one payload shape', () => {
    const incidentId = '00000000-0000-4000-8000-000000000001';
    expect(parseTimelineAnnouncement(JSON.stringify({ incidentId, eventIds: [7, 8] }))).toEqual({ incidentId, eventIds: [7, 8] });
    expect(parseTimelineAnnouncement(JSON.stringify({ incidentId, eventId: 7 }))).toBeNull();
    expect(parseTimelineAnnouncement(JSON.stringify({ incidentId, eventIds: [] }))).toBeNull();
    expect(parseTimelineAnnouncement(JSON.stringify({ eventIds: [7] }))).toBeNull();
    expect(parseTimelineAnnouncement('not json')).toBeNull();
  });
});
