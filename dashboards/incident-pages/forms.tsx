import type { Context } from 'hono';
import { getIncidentDetail, listRecentTimeline } from '../../incidents/index.ts';
import { submitForm, takeRefusal } from '../form-refusals.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, renderPage } from '../http.tsx';
import { RefusedFormContext } from '../views/form-fields.tsx';
import { IncidentPage } from '../views/incident-page.tsx';
import type { TimelineFilter } from '../views/timeline.tsx';
import { TIMELINE_FILTERS } from '../views/timeline.tsx';
import { loadPanels } from './panels.tsx';

// What the incident pages' routes share: reading form fields, the incident page (with what a form
// just did, or why it was refused), and act(), which runs one form's action.

/** How many timeline events the incident page shows at a time (older ones a page at a time). */
const TIMELINE_PAGE_SIZE = 100;

/** What the page says after a form succeeded (the redirect's ?done=). */
const DONE_NOTICES = {
  acknowledged: 'Acknowledged.',
  phase: 'Phase changed.',
  note: 'Note added.',
  role: 'Role assigned.',
  severity: 'Severity changed.',
  checklist: 'Checklist updated.',
  notice_drafted: 'Notice drafted: another person must approve it.',
  notice_edited: 'Draft saved.',
  notice_approved: 'Notice approved.',
  notice_sent: 'Notice sent: the obligation counts as submitted once the e-mails are delivered (status below).',
  rca: 'Analysis saved.',
  rca_approved: 'Analysis approved.',
  incident_edited: 'Incident updated.',
  evidence: 'Evidence added.',
  action_item: 'Action item added.',
  action_item_updated: 'Action item saved.',
  action_item_done: 'Action item done.',
  breach_marked: 'Marked as a breach: the default clocks have started.',
  facts: 'Assessment recorded; deadlines recomputed.',
  regime_applied: 'Regime applied.',
  regime_withdrawn: 'Regime withdrawn.',
  submitted: 'Submission recorded.',
  delay_reason: 'Delay reason recorded.',
  suspended: 'Suspension recorded.',
  retried: 'Queued again: it goes out now.',
  closed: 'Incident closed.',
};

type Done = keyof typeof DONE_NOTICES;

/** A textarea's non-blank lines, trimmed. */
export const lines = (form: Record<string, unknown>, name: string) =>
  field(form, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

export const optionalText = (form: Record<string, unknown>, name: string) => field(form, name) || undefined;

/** The version the form was rendered at (its hidden expectedVersion), so a stale form is refused. */
export const optionalVersion = (form: Record<string, unknown>) => {
  const value = Number(field(form, 'expectedVersion'));
  return Number.isInteger(value) && value > 0 ? value : undefined;
};

/** The incident's page: its newest timeline events (or those before `before`), its panels, and a form just refused or done. */
export async function renderIncidentPage(
  c: Context<DashboardEnv>,
  reference: string,
  options: { before?: number; filter?: TimelineFilter } = {},
): Promise<Response> {
  const db = c.var.ctx.db;
  const detail = await getIncidentDetail(db, reference);
  const [timeline, panels, refused] = await Promise.all([
    listRecentTimeline(db, detail.incident.id, {
      before: options.before,
      limit: TIMELINE_PAGE_SIZE,
      types: options.filter ? TIMELINE_FILTERS[options.filter].types : undefined,
    }),
    loadPanels(c.var.ctx, c.var.viewer, detail, c.var.deps.config.publicUrl),
    takeRefusal(c, c.req.path),
  ]);
  const done = c.req.query('done') ?? '';
  const notice = Object.hasOwn(DONE_NOTICES, done) ? DONE_NOTICES[done as Done] : null;
  return renderPage(
    c,
    <RefusedFormContext.Provider value={refused}>
      <IncidentPage
        viewer={c.var.viewer}
        detail={detail}
        timeline={{ ...timeline, before: options.before ?? null, filter: options.filter ?? null }}
        panels={panels}
        error={refused?.message ?? null}
        notice={refused ? null : notice}
      />
    </RefusedFormContext.Provider>,
  );
}

/**
 * Runs one incident action (Post/Redirect/Get): success goes back to the page with what was done, a
 * refusal goes back to the page, which shows the form again with what was typed and why.
 */
export function act(
  c: Context<DashboardEnv>,
  done: Done,
  run: (reference: string, form: Record<string, unknown>) => Promise<unknown>,
): Promise<Response> {
  const reference = c.req.param('ref') ?? '';
  const page = `/incidents/${encodeURIComponent(reference)}`;
  return submitForm(c, page, async (form) => {
    await run(reference, form);
    return `${page}?done=${done}`;
  });
}
