import { Hono } from 'hono';
import type { IncidentDetail, TimelineEvent } from '../../incidents/index.ts';
import { getIncident, getIncidentDetail, listTimeline } from '../../incidents/index.ts';
import type { Database, LoginPolicy } from '../../platform/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { streamLive } from '../live/live-stream.ts';
import type { TimelineHub } from '../live/timeline-hub.ts';
import { IncidentSummary } from '../views/incident-page.tsx';
import type { TimelineFilter } from '../views/timeline.tsx';
import { TIMELINE_FILTERS, TimelineItem } from '../views/timeline.tsx';
import { renderIncidentPage } from './forms.tsx';

/** Renders each viewer's "incident" update once per change, however many viewers there are. */
function summaryRenderer(db: Database) {
  const cache = new Map<string, { stamp: number; html: Promise<string> }>();
  return (incidentId: string, stamp: number): Promise<string> => {
    const cached = cache.get(incidentId);
    if (cached && cached.stamp === stamp) return cached.html;
    const html = getIncidentDetail(db, incidentId).then((detail: IncidentDetail) => (<IncidentSummary detail={detail} />).toString());
    cache.set(incidentId, { stamp, html });
    if (cache.size > 1000) cache.delete(cache.keys().next().value ?? '');
    return html;
  };
}

// Notes and checklist ticks do not change the header; everything else might.
const changesSummary = (event: TimelineEvent) => !event.type.startsWith('note.') && !event.type.startsWith('checklist.');

/** GET /incidents/{ref} (older timeline events with ?before=), and its live stream GET /incidents/{ref}/live. */
export function pageRoutes(policy: LoginPolicy, hub: TimelineHub) {
  let renderSummary: ReturnType<typeof summaryRenderer> | null = null;

  return new Hono<DashboardEnv>()
    .get('/:ref', async (c) => {
      const before = Number(c.req.query('before'));
      const show = c.req.query('show') ?? '';
      return renderIncidentPage(c, c.req.param('ref'), {
        before: Number.isInteger(before) && before > 0 ? before : undefined,
        filter: Object.hasOwn(TIMELINE_FILTERS, show) ? (show as TimelineFilter) : undefined,
      });
    })
    .get('/:ref/live', async (c) => {
      const db = c.var.ctx.db;
      const incident = await getIncident(db, c.req.param('ref'));
      const reference = `INC-${incident.number}`;
      const lastEventId = Number(c.req.header('last-event-id'));
      renderSummary ??= summaryRenderer(db);
      const summaries = renderSummary;
      return streamLive(c, hub, policy, async (stream) => {
        let queue: Promise<void> = Promise.resolve();
        const send = (events: TimelineEvent[]) => {
          queue = queue
            .then(async () => {
              for (const event of events) {
                await stream.writeSSE({
                  event: 'timeline',
                  id: String(event.id),
                  data: (<TimelineItem event={event} reference={reference} />).toString().replace(/\n/g, ' '),
                });
              }
              const last = events.at(-1);
              if (last && events.some(changesSummary)) {
                const html = await summaries(incident.id, last.id);
                await stream.writeSSE({ event: 'incident', data: html.replace(/\n/g, ' ') });
              }
            })
            .catch(() => undefined);
        };
        const stop = await hub.watchIncident(incident.id, (update) => send(update.events));
        return {
          stop,
          // A reconnecting browser says the last event it has; send what it missed.
          async catchUp() {
            if (!Number.isInteger(lastEventId) || lastEventId <= 0) return;
            const missed = await listTimeline(db, incident.id, { after: lastEventId, limit: 1000 });
            if (missed.events.length > 0) send(missed.events);
          },
        };
      });
    });
}
