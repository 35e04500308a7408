import { Hono } from 'hono';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { AcknowledgeInput, AssignRoleInput, DeclareIncidentInput, ChecklistItemUpdate, IncidentListQuery, NoteInput, SeverityInput, TransitionInput, ApproveRcaInput, DraftNoticeInput, EditNoticeInput, RcaInput, SendNoticeInput, acknowledgeIncident, addNote, approveNotice, approveRca, buildIncidentReport, draftNotice, editNotice, renderReportMarkdown, sendNotice, writeRca, assignRole, changeSeverity, declareIncident, completeChecklistItem, getIncident, getIncidentDetail, listIncidents, listRecentTimeline, listTimeline, transitionPhase } from '../incidents/index.ts';
import type { IncidentDetail, TimelineEvent } from '../incidents/index.ts';
import { DomainError, assertPermission, defineMetric, invalidInputFromIssues, resolveActiveSession, severityRank } from '../platform/index.ts';
import type { LoginPolicy } from '../platform/index.ts';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '../platform/index.ts';
import { field, renderError, renderPage, requireViewer } from './http.tsx';
import type { DashboardEnv } from './http.tsx';
import type { TimelineHub } from './live/timeline-hub.ts';
import { loadListDeadlines, loadPanels } from './panels.tsx';
import { IncidentListPage, IncidentRows } from './views/incident-list.tsx';
import type { ListFilters, ListedIncident } from './views/incident-list.tsx';
import { IncidentPage, IncidentSummary } from './views/incident-page.tsx';
import { TimelineItem } from './views/timeline.tsx';
import { ReportPage } from './views/report-page.tsx';

/** How many timeline events the incident page shows at a time (older ones a page at a time). */
export const TIMELINE_PAGE_SIZE = 100;
const HEARTBEAT_MS = 25_000;

const liveViewers = defineMetric(
  'firebreak_dashboard_live_viewers',
  () => new Gauge({ name: 'firebreak_dashboard_live_viewers', help: 'Open live (server-sent events) connections of dashboard pages.', registers: [metricsRegistry] }),
);

const ListFilterQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  phase: z.preprocess((value) => value || undefined, IncidentListQuery.shape.phase),
  severity: z.preprocess((value) => value || undefined, IncidentListQuery.shape.severity),
  service: z.preprocess((value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined), z.string().max(200).optional()),
  breach: z.preprocess((value) => value || undefined, z.enum(['true', 'false']).optional()),
});

const NOTICES: Record<string, string> = {
  acknowledged: 'Acknowledged.',
  phase: 'Phase changed.',
  note: 'Note added.',
  role: 'Role assigned.',
  severity: 'Severity changed.',
  checklist: 'Checklist updated.',
  notice_drafted: 'Notice drafted: another person must approve it.',
  notice_edited: 'Draft saved.',
  notice_approved: 'Notice approved.',
  notice_sent: 'Notice sent: delivery status below.',
  rca: 'Analysis saved.',
  rca_approved: 'Analysis approved.',
};

const lines = (form: Record<string, unknown>, name: string) =>
  field(form, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** "Ana Lima <ana@example.com>" or just "Ana Lima". */
function parseRecipients(form: Record<string, unknown>) {
  return lines(form, 'recipients').map((line) => {
    const match = /^(.*?)\s*<([^>]+)>$/.exec(line);
    return match ? { name: match[1] || (match[2] ?? ''), email: match[2] } : { name: line };
  });
}

function parseFiveWhys(form: Record<string, unknown>) {
  return lines(form, 'fiveWhys').map((line) => {
    const [question = '', ...answer] = line.split('=>');
    return { question: question.trim(), answer: answer.join('=>').trim() };
  });
}

function parseForm<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInputFromIssues('form', parsed.error.issues);
  return parsed.data;
}

const optionalText = (form: Record<string, unknown>, name: string) => field(form, name) || undefined;
const optionalVersion = (form: Record<string, unknown>) => {
  const value = Number(field(form, 'expectedVersion'));
  return Number.isInteger(value) && value > 0 ? value : undefined;
};

/** Most urgent first: the soonest breach deadline, then severity, then the oldest detection. */
export function sortByUrgency(rows: ListedIncident[]): ListedIncident[] {
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
  return sortByUrgency(page.incidents.map((incident) => ({ incident, reference: `INC-${incident.number}`, deadline: deadlines.get(incident.id) ?? null })));
}

async function renderIncident(
  c: Context<DashboardEnv>,
  reference: string,
  options: { error?: string; status?: 200 | 400 | 403 | 404 | 409 | 429; before?: number } = {},
): Promise<Response> {
  const db = c.var.ctx.db;
  const detail = await getIncidentDetail(db, reference);
  const [timeline, panels] = await Promise.all([
    listRecentTimeline(db, detail.incident.id, { before: options.before, limit: TIMELINE_PAGE_SIZE }),
    loadPanels(c.var.ctx, c.var.viewer, detail, c.var.deps.config.publicUrl),
  ]);
  const notice = NOTICES[c.req.query('done') ?? ''] ?? null;
  return renderPage(
    c,
    <IncidentPage
      viewer={c.var.viewer}
      detail={detail}
      timeline={{ ...timeline, before: options.before ?? null }}
      panels={panels}
      error={options.error ?? null}
      notice={options.error ? null : notice}
    />,
    options.status ?? 200,
  );
}

/** Runs one incident action; success goes back to the page (303), a refusal re-renders it with the reason. */
async function act(c: Context<DashboardEnv>, done: keyof typeof NOTICES, run: (reference: string, form: Record<string, unknown>) => Promise<unknown>): Promise<Response> {
  const reference = c.req.param('ref') ?? '';
  const form = await c.req.parseBody();
  try {
    await run(reference, form);
  } catch (error) {
    if (error instanceof DomainError && [400, 403, 409].includes(error.status)) {
      return renderIncident(c, reference, { error: error.message, status: error.status as 400 | 403 | 409 });
    }
    throw error;
  }
  return c.redirect(`/incidents/${encodeURIComponent(reference)}?done=${done}`, 303);
}

/** Renders each viewer's "incident" update once per change, however many viewers there are. */
function summaryRenderer(db: DashboardEnv['Variables']['ctx']['db']) {
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

/** /incidents: the list, each incident's page, their live streams and the actions. */
export function incidentPageRoutes(policy: LoginPolicy, hub: TimelineHub) {
  let renderSummary: ReturnType<typeof summaryRenderer> | null = null;

  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .use(async (c, next) => {
      // Every incident page and stream is a read; each action checks its own permission in its domain function.
      assertPermission(c.var.ctx.actor, 'incidents:read');
      await next();
    })
    .get('/', async (c) => {
      const filters: ListFilters = parseForm(ListFilterQuery, c.req.query());
      const rows = await listRows(c, filters);
      if (c.req.query('fragment') === 'rows') {
        c.header('Cache-Control', 'no-store');
        return c.html((<IncidentRows rows={rows} />).toString());
      }
      return renderPage(c, <IncidentListPage viewer={c.var.viewer} rows={rows} filters={filters} liveUrl="/incidents/live" />);
    })
    .post('/', async (c) => {
      const form = await c.req.parseBody();
      try {
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
        return c.redirect(`/incidents/INC-${incident.number}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || ![400, 403].includes(error.status)) throw error;
        const filters: ListFilters = { status: 'open' };
        return renderPage(c, <IncidentListPage viewer={c.var.viewer} rows={await listRows(c, filters)} filters={filters} liveUrl="/incidents/live" error={error.message} />, error.status as 400 | 403);
      }
    })
    .get('/live', (c) => {
      const sessionToken = c.var.sessionToken;
      const db = c.var.ctx.db;
      return streamSSE(c, async (stream) => {
        liveViewers.inc();
        let nudge: Promise<void> = Promise.resolve();
        const stop = await hub.watchList(() => {
          nudge = nudge.then(() => stream.writeSSE({ event: 'changed', data: 'incidents changed' })).catch(() => undefined);
        });
        await stream.writeSSE({ event: 'ready', data: 'ok', retry: 3000 });
        await holdOpen(stream, hub, db, sessionToken, policy);
        stop();
        liveViewers.dec();
      });
    })
    .get('/:ref', async (c) => {
      const before = Number(c.req.query('before'));
      return renderIncident(c, c.req.param('ref'), { before: Number.isInteger(before) && before > 0 ? before : undefined });
    })
    .get('/:ref/live', async (c) => {
      const db = c.var.ctx.db;
      const incident = await getIncident(db, c.req.param('ref'));
      const sessionToken = c.var.sessionToken;
      const lastEventId = Number(c.req.header('last-event-id'));
      renderSummary ??= summaryRenderer(db);
      const summaries = renderSummary;
      return streamSSE(c, async (stream) => {
        liveViewers.inc();
        let queue: Promise<void> = Promise.resolve();
        const send = (events: TimelineEvent[]) => {
          queue = queue
            .then(async () => {
              for (const event of events) {
                await stream.writeSSE({ event: 'timeline', id: String(event.id), data: (<TimelineItem event={event} />).toString().replace(/\n/g, ' ') });
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
        await stream.writeSSE({ event: 'ready', data: 'ok', retry: 3000 });
        // A reconnecting browser says the last event it has; send what it missed.
        if (Number.isInteger(lastEventId) && lastEventId > 0) {
          const missed = await listTimeline(db, incident.id, { after: lastEventId, limit: 1000 });
          if (missed.events.length > 0) send(missed.events);
        }
        await holdOpen(stream, hub, db, sessionToken, policy);
        stop();
        liveViewers.dec();
      });
    })
    .post('/:ref/acknowledge', (c) => act(c, 'acknowledged', (reference) => acknowledgeIncident(c.var.ctx, reference, parseForm(AcknowledgeInput, { via: 'web' }))))
    .post('/:ref/phase', (c) =>
      act(c, 'phase', (reference, form) =>
        transitionPhase(
          c.var.ctx,
          reference,
          parseForm(TransitionInput, { to: field(form, 'to'), reason: optionalText(form, 'reason'), override: field(form, 'override') === 'true', expectedVersion: optionalVersion(form) }),
        ),
      ),
    )
    .post('/:ref/notes', (c) => act(c, 'note', (reference, form) => addNote(c.var.ctx, reference, parseForm(NoteInput, { text: field(form, 'text'), source: 'web' }))))
    .post('/:ref/roles', (c) =>
      act(c, 'role', (reference, form) => {
        const name = field(form, 'name');
        const self = !name || name.toLowerCase() === c.var.viewer.actor.name.toLowerCase();
        return assignRole(
          c.var.ctx,
          reference,
          parseForm(AssignRoleInput, { role: field(form, 'role'), name: self ? c.var.viewer.actor.name : name, userId: self ? c.var.viewer.actor.userId : undefined }),
        );
      }),
    )
    .post('/:ref/severity', (c) =>
      act(c, 'severity', (reference, form) =>
        changeSeverity(c.var.ctx, reference, parseForm(SeverityInput, { severity: field(form, 'severity'), reason: optionalText(form, 'reason'), expectedVersion: optionalVersion(form) })),
      ),
    )
    .post('/:ref/checklist/:itemId', (c) =>
      act(c, 'checklist', (reference, form) =>
        completeChecklistItem(c.var.ctx, reference, c.req.param('itemId'), parseForm(ChecklistItemUpdate, { done: field(form, 'done') === 'true' })),
      ),
    )
    .post('/:ref/notices', (c) =>
      act(c, 'notice_drafted', (reference, form) =>
        draftNotice(
          c.var.ctx,
          reference,
          parseForm(DraftNoticeInput, { obligationId: field(form, 'obligationId'), language: field(form, 'language') || 'en', recipients: parseRecipients(form) }),
          noticeSettings(c),
        ),
      ),
    )
    .post('/:ref/notices/:noticeId/edit', (c) =>
      act(c, 'notice_edited', (_reference, form) => {
        const sections = Object.fromEntries(
          Object.keys(form)
            .filter((name) => name.startsWith('section.'))
            .map((name) => [name.slice('section.'.length), { body: typeof form[name] === 'string' ? form[name].replace(/\r\n/g, '\n') : '' }]),
        );
        return editNotice(
          c.var.ctx,
          c.req.param('noticeId'),
          parseForm(EditNoticeInput, { subject: optionalText(form, 'subject'), greeting: optionalText(form, 'greeting'), sections, expectedVersion: optionalVersion(form) }),
        );
      }),
    )
    .post('/:ref/notices/:noticeId/approve', (c) =>
      act(c, 'notice_approved', (_reference, form) => approveNotice(c.var.ctx, c.req.param('noticeId'), optionalVersion(form))),
    )
    .post('/:ref/notices/:noticeId/send', (c) =>
      act(c, 'notice_sent', (_reference, form) =>
        sendNotice(c.var.ctx, c.req.param('noticeId'), parseForm(SendNoticeInput, { delayReason: optionalText(form, 'delayReason') }), noticeSettings(c)),
      ),
    )
    .post('/:ref/rca', (c) =>
      act(c, 'rca', (reference, form) =>
        writeRca(
          c.var.ctx,
          reference,
          parseForm(RcaInput, {
            summary: field(form, 'summary'),
            impact: field(form, 'impact'),
            rootCauses: lines(form, 'rootCauses'),
            contributingFactors: lines(form, 'contributingFactors'),
            fiveWhys: parseFiveWhys(form),
            lessonsLearned: field(form, 'lessonsLearned'),
            expectedVersion: optionalVersion(form),
          }),
        ),
      ),
    )
    .post('/:ref/rca/approve', (c) =>
      act(c, 'rca_approved', (reference, form) => approveRca(c.var.ctx, reference, parseForm(ApproveRcaInput, { expectedVersion: optionalVersion(form) }))),
    )
    .get('/:ref/report', async (c) => {
      const report = await buildIncidentReport(c.var.ctx.db, c.req.param('ref'));
      const markdown = renderReportMarkdown(report);
      if (c.req.query('format') === 'markdown') {
        c.header('Content-Disposition', `attachment; filename="${c.req.param('ref').replace(/[^A-Za-z0-9-]/g, '')}-report.md"`);
        return c.body(markdown, 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
      }
      return renderPage(c, <ReportPage viewer={c.var.viewer} reference={c.req.param('ref')} markdown={markdown} />);
    })
    .onError(renderError);
}

function noticeSettings(c: Context<DashboardEnv>) {
  const { config } = c.var.deps;
  return { organization: config.BREACH_ORGANIZATION_NAME, publicUrl: config.publicUrl };
}

/**
 * Keeps a live stream open until the browser leaves, the process stops, or the session ends (checked
 * at each heartbeat: a logged-out or expired session stops receiving).
 */
async function holdOpen(
  stream: { onAbort(listener: () => void): void; write(input: string): Promise<unknown>; writeSSE(message: { event: string; data: string }): Promise<void>; aborted: boolean },
  hub: TimelineHub,
  db: DashboardEnv['Variables']['ctx']['db'],
  sessionToken: string,
  policy: LoginPolicy,
): Promise<void> {
  await new Promise<void>((resolve) => {
    const removeStop = hub.onStop(() => finish());
    const heartbeat = setInterval(() => {
      void (async () => {
        const actor = await resolveActiveSession(db, sessionToken, policy).catch(() => null);
        if (!actor) {
          await stream.writeSSE({ event: 'ended', data: 'session ended' }).catch(() => undefined);
          finish();
          return;
        }
        await stream.write(': heartbeat\n\n').catch(() => finish());
      })();
    }, HEARTBEAT_MS);
    function finish() {
      clearInterval(heartbeat);
      removeStop();
      resolve();
    }
    stream.onAbort(finish);
    if (stream.aborted) finish();
  });
}
