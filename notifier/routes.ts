import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../platform/index.ts';
import { NotFoundError, requirePermission, validate } from '../platform/index.ts';
import { escalateIncident } from './escalation.ts';
import { getDeliveryStatus } from './get-delivery-status.ts';
import { listMessages, MessageListQuery } from './list-messages.ts';
import { secretsFor } from './redact-secrets.ts';
import { retryMessage } from './retry-message.ts';
import { createRoutingRule } from './routing/create-routing-rule.ts';
import { deleteRoutingRule } from './routing/delete-routing-rule.ts';
import { listRoutingRules } from './routing/list-routing-rules.ts';
import { RoutingRuleInput } from './routing/routing-rule-input.ts';
import { updateRoutingRule } from './routing/update-routing-rule.ts';
import { outboxMessages } from './schema/outbox-messages.ts';

const MessageParam = z.object({ id: z.uuid() });
const RuleParam = z.object({ id: z.uuid() });
const IncidentParam = z.object({ incidentId: z.uuid() });
const StatusQuery = z.object({
  keys: z
    .string()
    .min(1)
    .max(20_000)
    .transform((keys) => keys.split(',').filter(Boolean)),
});

/** /api/notifications: the outbox (listing, status, retry by hand) and routing rules. */
export function notificationRoutes() {
  return new Hono<AppEnv>()
    .get(
      '/messages',
      describeRoute({
        summary: 'Outbox messages, newest first (filter by status=dead to see what needs a retry)',
        tags: ['notifications'],
      }),
      requirePermission('notifications:read'),
      validate('query', MessageListQuery),
      async (c) => c.json(secretsFor(c.var.ctx.actor, await listMessages(c.var.ctx.db, c.req.valid('query')))),
    )
    .get(
      '/messages/:id',
      describeRoute({ summary: 'One outbox message with its attempts and last error', tags: ['notifications'] }),
      requirePermission('notifications:read'),
      validate('param', MessageParam),
      async (c) => {
        const { id } = c.req.valid('param');
        const [message] = await c.var.ctx.db.select().from(outboxMessages).where(eq(outboxMessages.id, id));
        if (!message) throw new NotFoundError(`No outbox message ${id}.`);
        return c.json(secretsFor(c.var.ctx.actor, message));
      },
    )
    .post(
      '/messages/:id/retry',
      describeRoute({ summary: 'Send a dead or waiting message again now (with those held back behind it)', tags: ['notifications'] }),
      requirePermission('notifications:retry'),
      validate('param', MessageParam),
      async (c) => c.json(await retryMessage(c.var.ctx, c.req.valid('param').id)),
    )
    .get(
      '/status',
      describeRoute({ summary: 'Delivery status by idempotency key (keys=a,b,c)', tags: ['notifications'] }),
      requirePermission('notifications:read'),
      validate('query', StatusQuery),
      async (c) => {
        const statuses = await getDeliveryStatus(c.var.ctx.db, c.req.valid('query').keys);
        return c.json({ statuses: Object.fromEntries(statuses) });
      },
    )
    .get(
      '/routing-rules',
      describeRoute({ summary: 'Routing rules: which incidents go to which Slack channel and PagerDuty key', tags: ['notifications'] }),
      requirePermission('notifications:read'),
      async (c) => c.json({ rules: secretsFor(c.var.ctx.actor, await listRoutingRules(c.var.ctx.db)) }),
    )
    .post(
      '/routing-rules',
      describeRoute({ summary: 'Add a routing rule', tags: ['notifications'], responses: { 201: { description: 'The rule, created' } } }),
      requirePermission('routing:write'),
      validate('json', RoutingRuleInput),
      async (c) => c.json(await createRoutingRule(c.var.ctx, c.req.valid('json')), 201),
    )
    .put(
      '/routing-rules/:id',
      describeRoute({ summary: 'Replace a routing rule', tags: ['notifications'] }),
      requirePermission('routing:write'),
      validate('param', RuleParam),
      validate('json', RoutingRuleInput),
      async (c) => c.json(await updateRoutingRule(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
    )
    .delete(
      '/routing-rules/:id',
      describeRoute({ summary: 'Delete a routing rule', tags: ['notifications'] }),
      requirePermission('routing:write'),
      validate('param', RuleParam),
      async (c) => c.json(await deleteRoutingRule(c.var.ctx, c.req.valid('param').id)),
    )
    .post(
      '/escalations/:incidentId',
      describeRoute({ summary: "Page the next escalation level of an incident's routes now", tags: ['notifications'] }),
      requirePermission('incidents:acknowledge'),
      validate('param', IncidentParam),
      async (c) => c.json(await escalateIncident(c.var.ctx, c.req.valid('param').incidentId)),
    );
}
