import { Hono } from 'hono';
import { z } from 'zod';
import type { AlertListQuery } from '../incidents/index.ts';
import {
  createSilence,
  currentInhibitionRelease,
  describeInhibitionRelease,
  expireSilence,
  formatMatcher,
  getIncident,
  listAlerts,
  listSilences,
  SilenceInput,
  silenceStatus,
} from '../incidents/index.ts';
import type { LoginPolicy } from '../platform/index.ts';
import { assertPermission, DomainError } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import type { AlertFilters, ListedAlert } from './views/alerts-pages.tsx';
import { AlertsPage, SilencesPage } from './views/alerts-pages.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

const text = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined),
  z.string().max(2000).optional(),
);
const AlertFilterQuery = z.object({
  status: z.enum(['firing', 'expired', 'resolved', 'all']).default('firing'),
  filter: text,
  incident: text,
  fingerprint: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined),
    z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .optional(),
  ),
  event: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined),
    z
      .string()
      .regex(/^\d{1,15}$/)
      .optional(),
  ),
});

/** /alerts: the alert list with its filters. */
export function alertPageRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'alerts:read');
      const db = c.var.ctx.db;
      const filters: AlertFilters = parseForm(AlertFilterQuery, c.req.query());
      let page: { alerts: ListedAlert['alert'][]; nextCursor: string | null } = { alerts: [], nextCursor: null };
      let error: string | null = null;
      try {
        page = await listAlerts(db, { ...filters, cursor: c.req.query('cursor') || undefined, limit: 100 } satisfies AlertListQuery);
      } catch (caught) {
        // A matcher that does not parse, or an unknown incident: say so above the form, keep what was typed.
        if (!(caught instanceof DomainError)) throw caught;
        error = caught.message;
      }
      const references = new Map<string, string>();
      for (const id of new Set(page.alerts.map((alert) => alert.incidentId).filter((id): id is string => id !== null)))
        references.set(id, `INC-${(await getIncident(db, id)).number}`);
      // The alerts that inhibit these, or did until their release: one read for both.
      const releases = new Map(page.alerts.map((alert) => [alert.fingerprint, currentInhibitionRelease(alert)]));
      const inhibitors = [...new Set(page.alerts.flatMap((alert) => alert.inhibitedBy ?? releases.get(alert.fingerprint)?.source ?? []))];
      const sources = inhibitors.length > 0 ? (await listAlerts(db, { fingerprint: inhibitors, limit: 500 })).alerts : [];
      const labelsOf = new Map(sources.map((source) => [source.fingerprint, source.labels]));
      const rows = page.alerts.map((alert): ListedAlert => {
        const release = releases.get(alert.fingerprint);
        return {
          alert,
          incident: alert.incidentId ? (references.get(alert.incidentId) ?? null) : null,
          inhibitor: alert.inhibitedBy ? (labelsOf.get(alert.inhibitedBy)?.alertname ?? null) : null,
          released: release
            ? { text: describeInhibitionRelease(release, labelsOf.get(release.source) ?? null), at: new Date(release.at) }
            : null,
        };
      });
      return renderPage(c, <AlertsPage viewer={c.var.viewer} rows={rows} filters={filters} nextCursor={page.nextCursor} error={error} />);
    })
    .onError(renderError);
}

const NewSilenceForm = z.object({
  matchers: z.string().trim().min(1, 'say which alerts: service="checkout", for example').max(10_000),
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366),
  comment: SilenceInput.shape.comment,
});

/** /silences: the list (what each mutes now), a new silence (prefilled from an alert with ?matchers=), expiring one. */
export function silencePageRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'alerts:read');
      const db = c.var.ctx.db;
      const now = new Date();
      const silences = await listSilences(db, { status: 'all', limit: 200 });
      const listed = await Promise.all(
        silences.map(async (silence) => {
          const matchersText = silence.matchers.map(formatMatcher).join(', ');
          const status = silenceStatus(silence, now);
          const matching = (await listAlerts(db, { status: 'firing', filter: matchersText, limit: 500 })).alerts.length;
          return { silence, status, matchersText, matching };
        }),
      );
      const refused = await takeRefusal(c, c.req.path);
      const done = c.req.query('done');
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <SilencesPage
            viewer={c.var.viewer}
            silences={listed}
            prefill={c.req.query('matchers')?.slice(0, 10_000) || null}
            error={refused?.message ?? null}
            notice={refused ? null : done === 'created' ? 'Silence created.' : done === 'expired' ? 'Silence expired.' : null}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/', (c) =>
      submitForm(c, '/silences', async (form) => {
        const input = parseForm(NewSilenceForm, {
          matchers: field(form, 'matchers'),
          hours: field(form, 'hours'),
          comment: field(form, 'comment'),
        });
        const silence = await createSilence(c.var.ctx, {
          matchers: input.matchers,
          endsAt: new Date(Date.now() + input.hours * 3_600_000),
          comment: input.comment,
        });
        return `/silences?done=created#silence-${silence.id}`;
      }),
    )
    .post('/:id/expire', (c) =>
      submitForm(c, '/silences', async () => {
        const silence = await expireSilence(c.var.ctx, c.req.param('id'));
        return `/silences?done=expired#silence-${silence.id}`;
      }),
    )
    .onError(renderError);
}
