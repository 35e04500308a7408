// The dashboards part's surface: server.ts mounts it with registerDashboards().
import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../platform/index.ts';
import { createSessionResolver, loginPolicyFrom } from '../platform/index.ts';
import { accountRoutes, logoutRoutes } from './account-routes.tsx';
import { adminRoutes } from './admin-routes.tsx';
import { alertPageRoutes, silencePageRoutes } from './alert-routes.tsx';
import { assetRoutes } from './assets.ts';
import { heartbeatPageRoutes } from './heartbeat-routes.tsx';
import { identityProviderPageRoutes } from './identity-provider-routes.tsx';
import { incidentPageRoutes } from './incident-pages/routes.tsx';
import { inhibitRulePageRoutes } from './inhibit-rule-routes.tsx';
import { TimelineHub } from './live/timeline-hub.ts';
import { loginRoutes } from './login-routes.tsx';
import { defineDeadlineMetrics } from './metrics.ts';
import { servicePageRoutes } from './service-routes.tsx';
import { ssoLoginRoutes } from './sso-login-routes.tsx';

export { TimelineHub } from './live/timeline-hub.ts';

interface Service {
  name: string;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Mounts the dashboard (login, incident pages, admin), provides cookie sessions to the app, and
 * registers the live timeline (old sessions go with the retention job: platform/retention).
 */
export function registerDashboards(app: Hono<AppEnv>, deps: AppDeps, options: { services: Service[] }): { hub: TimelineHub } {
  const policy = loginPolicyFrom(deps.config, deps.secrets);
  deps.resolveSession = createSessionResolver(policy);
  deps.loginPath = '/login';
  deps.publicPaths.push('/login', '/assets', '/sso');

  defineDeadlineMetrics();
  const hub = new TimelineHub(deps.database, deps.logger);
  // Live streams never finish on their own: on SIGTERM/SIGINT they end at once, so that the server can
  // drain the requests in flight instead of waiting out SHUTDOWN_TIMEOUT_MS for them.
  // A signal listener turns off Node's default exit, so when nobody else handles the signal (no
  // runServer), this one steps aside and raises it again.
  const endStreams = (signal: NodeJS.Signals) => {
    hub.endStreams();
    if (process.listenerCount(signal) === 1) {
      process.off('SIGTERM', endStreams);
      process.off('SIGINT', endStreams);
      process.kill(process.pid, signal);
    }
  };
  options.services.push({
    name: 'dashboard-live-timeline',
    start: () => {
      process.on('SIGTERM', endStreams);
      process.on('SIGINT', endStreams);
    },
    stop: async () => {
      process.off('SIGTERM', endStreams);
      process.off('SIGINT', endStreams);
      await hub.stop();
    },
  });

  app.route('/assets', assetRoutes);
  app.route('/login', loginRoutes(policy));
  app.route('/sso', ssoLoginRoutes(policy));
  app.route('/logout', logoutRoutes(policy));
  app.route('/account', accountRoutes(policy));
  app.route('/incidents', incidentPageRoutes(policy, hub));
  // Before /admin: its own pages, under the admin section's address.
  app.route('/admin/identity-providers', identityProviderPageRoutes(policy));
  app.route('/admin', adminRoutes(policy));
  app.route('/alerts', alertPageRoutes(policy));
  app.route('/silences', silencePageRoutes(policy));
  app.route('/heartbeats', heartbeatPageRoutes(policy));
  app.route('/inhibit-rules', inhibitRulePageRoutes(policy));
  app.route('/services', servicePageRoutes(policy));
  app.get('/', (c) => c.redirect('/incidents', 302));
  return { hub };
}
export { apiDocsRoutes } from './api-docs/routes.ts';
