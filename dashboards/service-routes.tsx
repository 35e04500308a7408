import { Hono } from 'hono';
import { getServiceHealth, getServiceSeries } from '../incidents/index.ts';
import type { LoginPolicy } from '../platform/index.ts';
import { assertPermission } from '../platform/index.ts';
import type { DashboardEnv } from './http.tsx';
import { renderError, renderPage, requireViewer } from './http.tsx';
import { SERVICE_PERIODS, ServicesPage } from './views/services-page.tsx';

/** How many points each chart has, whatever the period. */
const SLOTS = 30;

/** /services: service health from spans, over 15 minutes to a day (?minutes=). */
export function servicePageRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'services:read');
      const asked = Number(c.req.query('minutes'));
      const minutes = SERVICE_PERIODS.find((period) => period === asked) ?? 60;
      const now = new Date();
      const [services, series] = await Promise.all([
        getServiceHealth(c.var.ctx.db, { windowMinutes: minutes }, now),
        getServiceSeries(c.var.ctx.db, { minutes, slots: SLOTS }, now),
      ]);
      return renderPage(c, <ServicesPage viewer={c.var.viewer} minutes={minutes} services={services} series={series} />);
    })
    .onError(renderError);
}
