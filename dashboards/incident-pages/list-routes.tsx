import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  DeclareIncidentInput,
  declareIncident,
  hasAnyIncident,
  IncidentListQuery,
  listIncidents,
  silentSourceIncidents,
} from '../../incidents/index.ts';
import type { LoginPolicy } from '../../platform/index.ts';
import { submitForm, takeRefusal } from '../form-refusals.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm, renderPage } from '../http.tsx';
import { streamLive } from '../live/live-stream.ts';
import type { TimelineHub } from '../live/timeline-hub.ts';
import { RefusedFormContext } from '../views/form-fields.tsx';
import type { ListedIncident, ListFilters, ListPage } from '../views/incident-list.tsx';
import { IncidentListPage, IncidentRows } from '../views/incident-list.tsx';
import { loadListDeadlines } from './panels.tsx';

const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined),
  z.string().max(200, 'Keep it under 200 characters.').optional(),
);

// The filter form's empty choices ("any phase") arrive as '' and mean no filter.
const ListFilterQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  phase: z.preprocess((value) => value || undefined, IncidentListQuery.shape.phase),
  severity: z.preprocess((value) => value || undefined, IncidentListQuery.shape.severity),
  service: optionalText,
  commander: optionalText,
  q: optionalText,
  breach: z.preprocess((value) => value || undefined, z.enum(['true', 'false']).optional()),
});

const PAGE_SIZE = 50;

/** The list's address with these filters (and a cursor), without the empty ones. */
function listHref(filters: ListFilters, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  return `/incidents?${params.toString()}`;
}

function soonestDeadlineFirst(rows: ListedIncident[]): ListedIncident[] {
  const due = (row: ListedIncident) => row.deadline?.dueAt.getTime() ?? Number.POSITIVE_INFINITY;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const clocks = Number(a.row.incident.isBreach && b.row.incident.isBreach) && due(a.row) - due(b.row);
      return Number.isNaN(clocks) || !clocks ? a.index - b.index : clocks;
    })
    .map(({ row }) => row);
}

async function listPage(c: Context<DashboardEnv>, filters: ListFilters, cursor: string | undefined): Promise<ListPage> {
  const db = c.var.ctx.db;
  // Open incidents most urgent first; closed ones (and all) newest first, as one looks back at them.
  const order = filters.status === 'open' ? 'urgency' : 'newest';
  const page = await listIncidents(db, { ...filters, order, cursor, limit: PAGE_SIZE });
  const [deadlines, silent] = await Promise.all([
    loadListDeadlines(db, c.var.deps.config.publicUrl, page.incidents),
    silentSourceIncidents(
      db,
      page.incidents.filter((incident) => !incident.resolvedAt && !incident.closedAt).map((incident) => incident.id),
    ),
  ]);
  const listed = page.incidents.map((incident) => ({
    incident,
    reference: `INC-${incident.number}`,
    deadline: deadlines.get(incident.id) ?? null,
    silentAlerts: silent.get(incident.id),
  }));
  // Breaches come first in the urgency order; among them the soonest running deadline leads. (A clock
  // is no column the keyset can page by, so this orders within the page: the breaches are on the first.)
  const rows = order === 'urgency' ? soonestDeadlineFirst(listed) : listed;
  return {
    rows,
    nextHref: page.nextCursor ? listHref(filters, page.nextCursor) : null,
    firstHref: cursor ? listHref(filters) : null,
    empty: rows.length === 0 && !cursor && !(await hasAnyIncident(db)),
  };
}

/** GET /incidents (filtered; ?fragment=rows for the live refresh), POST /incidents (declare), GET /incidents/live. */
export function listRoutes(policy: LoginPolicy, hub: TimelineHub) {
  return new Hono<DashboardEnv>()
    .get('/', async (c) => {
      const filters: ListFilters = parseForm(ListFilterQuery, c.req.query());
      const cursor = c.req.query('cursor') || undefined;
      const page = await listPage(c, filters, cursor);
      if (c.req.query('fragment') === 'rows') {
        c.header('Cache-Control', 'no-store');
        return c.html((<IncidentRows rows={page.rows} />).toString());
      }
      const refused = await takeRefusal(c, c.req.path);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <IncidentListPage
            viewer={c.var.viewer}
            page={page}
            filters={filters}
            liveUrl="/incidents/live"
            publicUrl={c.var.deps.config.publicUrl}
            declareOpen={c.req.query('declare') === 'open'}
            error={refused?.message ?? null}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/', (c) =>
      submitForm(c, '/incidents', async (form) => {
        const input = parseForm(DeclareIncidentInput, {
          title: field(form, 'title'),
          severity: field(form, 'severity'),
          summary: field(form, 'summary'),
          services: field(form, 'services')
            .split(',')
            .map((service) => service.trim())
            .filter(Boolean),
        });
        const incident = await declareIncident(c.var.ctx, input);
        return `/incidents/INC-${incident.number}`;
      }),
    )
    .get('/live', (c) =>
      // The list page refetches its rows on each nudge.
      streamLive(c, hub, policy, async (stream) => {
        let nudge: Promise<void> = Promise.resolve();
        const stop = await hub.watchList(() => {
          nudge = nudge.then(() => stream.writeSSE({ event: 'changed', data: 'incidents changed' })).catch(() => undefined);
        });
        return { stop };
      }),
    );
}
