import { Hono } from 'hono';
import { announceAccess } from '../notifier/index.ts';
import {
  assertPermission,
  decideElevation,
  ElevationDecisionInput,
  ElevationRequestInput,
  endElevation,
  listElevations,
  requestElevation,
} from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderPage } from './http.tsx';
import { ElevationsPage } from './views/admin/elevations-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

/** The account page's notices after an elevation form (?done=…). */
export const ELEVATION_NOTICES: Record<string, string> = {
  'elevation-requested': 'Elevation requested: the admins are told; it starts when one of them approves it.',
  elevated: 'Elevated at once (self-approval is on): every admin and the ops channel are told.',
  'elevation-ended': 'Elevation ended: you act with your own role again.',
  'elevation-withdrawn': 'Request withdrawn.',
};

/** The viewer's own elevations, newest first, for the account page. */
export function listOwnElevations(ctx: DashboardEnv['Variables']['ctx']) {
  return listElevations(ctx, { limit: 20 }, { ownOnly: true });
}

const ADMIN_NOTICES: Record<string, string> = {
  approved: 'Approved: the elevation is in force until its end.',
  refused: 'Refused.',
};

/** /account/elevations: ask for an elevation, end or withdraw one's own (forms of the account page). */
export function elevationAccountRoutes() {
  return new Hono<DashboardEnv>()
    .post('/', (c) =>
      submitForm(c, '/account', async (form) => {
        const input = parseForm(ElevationRequestInput, {
          role: field(form, 'role'),
          minutes: field(form, 'minutes'),
          reason: field(form, 'reason'),
        });
        const elevation = await requestElevation(c.var.ctx, input, announceAccess);
        return `/account?done=${elevation.status === 'active' ? 'elevated' : 'elevation-requested'}#elevation`;
      }),
    )
    .post('/:id/end', (c) =>
      submitForm(c, '/account', async () => {
        const elevation = await endElevation(c.var.ctx, c.req.param('id'), announceAccess);
        return `/account?done=${elevation.status === 'withdrawn' ? 'elevation-withdrawn' : 'elevation-ended'}#elevation`;
      }),
    );
}

/** /admin/elevations: the requests waiting for a decision, and deciding them. */
export function elevationAdminRoutes() {
  return new Hono<DashboardEnv>()
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'users:manage');
      const [elevations, refused] = await Promise.all([listElevations(c.var.ctx, { limit: 200 }), takeRefusal(c, '/admin/elevations')]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <ElevationsPage
            viewer={c.var.viewer}
            elevations={elevations}
            requestTtlMinutes={c.var.ctx.config.ELEVATION_REQUEST_TTL_MINUTES}
            error={refused?.message ?? null}
            notice={refused ? null : (ADMIN_NOTICES[c.req.query('done') ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/:id/decide', (c) =>
      submitForm(c, '/admin/elevations', async (form) => {
        const decision = field(form, 'decision') === 'approve' ? 'approve' : 'refuse';
        const input = parseForm(ElevationDecisionInput, { note: field(form, 'note') || undefined });
        await decideElevation(c.var.ctx, c.req.param('id'), decision, input, announceAccess);
        return `/admin/elevations?done=${decision === 'approve' ? 'approved' : 'refused'}`;
      }),
    );
}
