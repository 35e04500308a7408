import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { jsonResponse, requirePermission, validate } from '../../platform/index.ts';
import { InhibitRuleInput } from './inhibit-rule-input.ts';
import { createInhibitRule, deleteInhibitRule, getInhibitRule, listInhibitRules, presentInhibitRule } from './inhibit-rules.ts';
import { Matcher } from './matchers.ts';

const RuleParam = z.object({ id: z.string().min(1).max(100) });

const PresentedRule = z.object({
  id: z.string(),
  sourceMatchers: z.array(Matcher),
  targetMatchers: z.array(Matcher),
  equal: z.array(z.string()),
  comment: z.string(),
  origin: z.enum(['api', 'file']),
  createdBy: z.string(),
  createdAt: z.string(),
  sourceMatchersText: z.string(),
  targetMatchersText: z.string(),
});

/** /api/inhibit-rules: Alertmanager's inhibition rules, as data (list, show, add, remove). */
export const inhibitRuleRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({
      summary: 'Inhibition rules, newest first',
      tags: ['alerts'],
      responses: { 200: jsonResponse('The rules', z.object({ inhibitRules: z.array(PresentedRule) })) },
    }),
    requirePermission('alerts:read'),
    async (c) => c.json({ inhibitRules: (await listInhibitRules(c.var.ctx.db)).map(presentInhibitRule) }),
  )
  .post(
    '/',
    describeRoute({
      summary: "Add an inhibition rule (Alertmanager's form: source_matchers, target_matchers, equal)",
      tags: ['alerts'],
      responses: { 201: jsonResponse('The rule, created', PresentedRule) },
    }),
    requirePermission('routing:write'),
    validate('json', InhibitRuleInput),
    async (c) => c.json(presentInhibitRule(await createInhibitRule(c.var.ctx, c.req.valid('json'))), 201),
  )
  .get(
    '/:id',
    describeRoute({ summary: 'An inhibition rule', tags: ['alerts'], responses: { 200: jsonResponse('The rule', PresentedRule) } }),
    requirePermission('alerts:read'),
    validate('param', RuleParam),
    async (c) => c.json(presentInhibitRule(await getInhibitRule(c.var.ctx.db, c.req.valid('param').id))),
  )
  .delete(
    '/:id',
    describeRoute({
      summary: 'Remove an inhibition rule (not one from INHIBIT_RULES_FILE)',
      tags: ['alerts'],
      responses: { 200: jsonResponse('The rule, removed', PresentedRule) },
    }),
    requirePermission('routing:write'),
    validate('param', RuleParam),
    async (c) => c.json(presentInhibitRule(await deleteInhibitRule(c.var.ctx, c.req.valid('param').id))),
  );
