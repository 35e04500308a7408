import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { DeclareIncidentInput, declareIncident, IncidentListQuery, listIncidents } from '../../incidents/index.ts';
import type { LoginPolicy } from '../../platform/index.ts';
import { severityRank } from '../../platform/index.ts';
import { submitForm, takeRefusal } from '../form-refusals.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm, renderPage } from '../http.tsx';
import { streamLive } from '../live/live-stream.ts';
import type { TimelineHub } from '../live/timeline-hub.ts';
import { RefusedFormContext } from '../views/form-fields.tsx';
import type { ListedIncident, ListFilters } from '../views/incident-list.tsx';
import { IncidentListPage, IncidentRows } from '../views/incident-list.tsx';
import { loadListDeadlines } from './panels.tsx';

// The filter form's empty choices ("any phase") arrive as '' and mean no filter.
const ListFilterQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  phase: z.preprocess((value) => value || undefined, IncidentListQuery.shape.phase),
  severity: z.preprocess((value) => value || undefined, IncidentListQuery.shape.severity),
  service: z.preprocess((value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined), z.string().max(200).optional()),
  breach: z.preprocess((value) => value || undefined, z.enum(['true', 'false']).optional()),
});

/** Most urgent first: the soonest breach deadline, then severity, then the oldest detection. */
function sortByUrgency(rows: ListedIncident[]): ListedIncident[] {
  return [...rows].sort((a, b) => {
    const dueA = a.deadline?.dueAt.getTime() ?? Number.POSITIVE_INFINITY;
    const dueB = b.deadline?.dueAt.getTime() ?? Number.POSITIVE_INFINITY;
    if (dueA !== dueB) return dueA - dueB;
    const severity = severityRank(a.incident.severity) - severityRank(b.incident.severity);
    if (severity !== 0) return severity;
    return a.incident.detectedAt.getTime() - b.incident.detectedAt.getTime();
  });
}

async function listRows(c: Context<DashboardEnv>, filters: ListFilters): Promise<ListedIncident[]> {
  const db = c.var.ctx.db;
  const page = await listIncidents(db, { ...filters, limit: 200 });
  const deadlines = await loadListDeadlines(db, c.var.deps.config.publicUrl, page.incidents);
  return sortByUrgency(
    page.incidents.map((incident) => ({ incident, reference: `INC-${incident.number}`, deadline: deadlines.get(incident.id) ?? null })),
  );
}

/** GET /incidents (filtered; ?fragment=rows for the live refresh), POST /incidents (declare), GET /incidents/live. */
export function listRoutes(policy: LoginPolicy, hub: TimelineHub) {
  return new Hono<DashboardEnv>()
    .get('/', async (c) => {
      const filters: ListFilters = parseForm(ListFilterQuery, c.req.query());
      const rows = await listRows(c, filters);
      if (c.req.query('fragment') === 'rows') {
        c.header('Cache-Control', 'no-store');
        return c.html((<IncidentRows rows={rows} />).toString());
      }
      const refused = await takeRefusal(c, c.req.path);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <IncidentListPage
            viewer={c.var.viewer}
            rows={rows}
            filters={filters}
            liveUrl="/incidents/live"
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
