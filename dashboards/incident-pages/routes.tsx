import { Hono } from 'hono';
import type { LoginPolicy } from '../../platform/index.ts';
import { assertPermission } from '../../platform/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { renderError, requireViewer } from '../http.tsx';
import type { TimelineHub } from '../live/timeline-hub.ts';
import { breachNoticeRoutes } from './breach-notice-routes.tsx';
import { breachRoutes } from './breach-routes.tsx';
import { followUpRoutes } from './follow-up-routes.tsx';
import { lifecycleRoutes } from './lifecycle-routes.tsx';
import { listRoutes } from './list-routes.tsx';
import { pageRoutes } from './page-routes.tsx';
import { rcaRoutes } from './rca-routes.tsx';
import { reportRoutes } from './report-routes.tsx';
import { toldRoutes } from './told-routes.tsx';

/** /incidents: the list, each incident's page, their live streams and the forms that act on an incident. */
export function incidentPageRoutes(policy: LoginPolicy, hub: TimelineHub) {
  return (
    new Hono<DashboardEnv>()
      .use(requireViewer(policy))
      .use(async (c, next) => {
        // Every incident page and stream is a read; each action checks its own permission in its domain function.
        assertPermission(c.var.ctx.actor, 'incidents:read');
        await next();
      })
      // The list first: its /live is not an incident called "live".
      .route('/', listRoutes(policy, hub))
      .route('/', pageRoutes(policy, hub))
      .route('/', lifecycleRoutes)
      .route('/', breachNoticeRoutes)
      .route('/', breachRoutes)
      .route('/', rcaRoutes)
      .route('/', followUpRoutes)
      .route('/', reportRoutes)
      .route('/', toldRoutes)
      .onError(renderError)
  );
}
