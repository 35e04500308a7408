import { Hono } from 'hono';
import { z } from 'zod';
import { createInhibitRule, deleteInhibitRule, listAlerts, listInhibitRules, presentInhibitRule } from '../incidents/index.ts';
import type { LoginPolicy } from '../platform/index.ts';
import { assertPermission } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';
import { InhibitRulesPage } from './views/inhibit-rules-page.tsx';

const NewRuleForm = z.object({
  source: z.string().trim().min(1, 'say which alert mutes: alertname="ClusterDown", for example').max(10_000),
  target: z.string().trim().max(10_000),
  equal: z.string().trim().max(2000),
  comment: z.string().trim().max(2000),
});

const NOTICES: Record<string, string> = {
  created: 'Inhibition rule added.',
  // The expiry job's next tick (every 5 s) releases them.
  removed: 'Inhibition rule removed: the firing alerts it alone muted are released within seconds.',
};

/** /inhibit-rules: the rules, how many alerts each mutes now, adding and removing one. */
export function inhibitRulePageRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      assertPermission(c.var.ctx.actor, 'alerts:read');
      const db = c.var.ctx.db;
      const rules = await Promise.all(
        (await listInhibitRules(db)).map(async (rule) => {
          const { sourceMatchersText, targetMatchersText } = presentInhibitRule(rule);
          const targets = await listAlerts(db, { status: 'firing', filter: targetMatchersText || undefined, limit: 500 });
          return { rule, sourceMatchersText, targetMatchersText, muting: targets.alerts.filter((alert) => alert.inhibitedBy).length };
        }),
      );
      const refused = await takeRefusal(c, c.req.path);
      const done = c.req.query('done');
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <InhibitRulesPage
            viewer={c.var.viewer}
            rules={rules}
            error={refused?.message ?? null}
            notice={refused ? null : (NOTICES[done ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/', (c) =>
      submitForm(c, '/inhibit-rules', async (form) => {
        const input = parseForm(NewRuleForm, {
          source: field(form, 'source'),
          target: field(form, 'target'),
          equal: field(form, 'equal'),
          comment: field(form, 'comment'),
        });
        const rule = await createInhibitRule(c.var.ctx, {
          source_matchers: [input.source],
          target_matchers: input.target ? [input.target] : [],
          equal: input.equal
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean),
          comment: input.comment,
        });
        return `/inhibit-rules?done=created#inhibit-rule-${rule.id}`;
      }),
    )
    .post('/:id/remove', (c) =>
      submitForm(c, '/inhibit-rules', async () => {
        await deleteInhibitRule(c.var.ctx, c.req.param('id'));
        return '/inhibit-rules?done=removed';
      }),
    )
    .onError(renderError);
}
