import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { ActionContext, AppEnv } from '../../platform/index.ts';
import { DomainError, InvalidInputError, permissionsOf, UnauthorizedError, UnavailableError } from '../../platform/index.ts';
import { ReplayGuard } from '../replay-guard.ts';

/** What PagerDuty can do to incidents: acknowledge them, through the same function as the web and Slack. */
export interface PagerDutyHandlers {
  acknowledgeIncident(ctx: ActionContext, idOrReference: string, input: { via: 'pagerduty' }): Promise<unknown>;
}

/** How far an event's occurred_at may be from now (PagerDuty delivers within seconds, retries within minutes). */
const EVENT_WINDOW_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const WebhookBody = z.object({
  event: z.object({
    id: z.string(),
    /** When the event happened; PagerDuty's signature covers only the body, so this is what dates it. */
    occurred_at: z.iso.datetime({ offset: true }),
    event_type: z.string(),
    agent: z.object({ summary: z.string().optional() }).loose().nullable().optional(),
    data: z.object({ incident_key: z.string().nullable().optional() }).loose(),
  }),
});

/** PagerDuty V3 webhooks sign the raw body: "v1=" + hex HMAC-SHA256 with the subscription's secret (several during rotation). */
export function verifyPagerDutySignature(secret: string, header: string | undefined, rawBody: string): void {
  if (!header) throw new UnauthorizedError('Missing X-PagerDuty-Signature.');
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const valid = header.split(',').some((candidate) => {
    const received = Buffer.from(candidate.trim());
    return received.length === expected.length && timingSafeEqual(received, expected);
  });
  if (!valid) throw new UnauthorizedError('The PagerDuty signature does not match the request.');
}

/** /pagerduty/webhook: an incident acknowledged in PagerDuty is acknowledged in Firebreak (V3 webhook subscription). */
export function pagerdutyRoutes(handlers: PagerDutyHandlers) {
  const replays = new ReplayGuard(2 * EVENT_WINDOW_MS);
  return new Hono<AppEnv>().post(
    '/webhook',
    describeRoute({
      summary: 'PagerDuty V3 webhook: incident.acknowledged acknowledges the Firebreak incident (signed by PagerDuty)',
      tags: ['pagerduty'],
    }),
    async (c) => {
      const secret = c.var.deps.config.PAGERDUTY_WEBHOOK_SECRET;
      if (!secret) throw new UnavailableError('PagerDuty webhooks are not configured here: PAGERDUTY_WEBHOOK_SECRET is unset.');
      const raw = await c.req.text();
      verifyPagerDutySignature(secret, c.req.header('x-pagerduty-signature'), raw);
      let body: z.infer<typeof WebhookBody>;
      try {
        const parsed = WebhookBody.safeParse(JSON.parse(raw));
        if (!parsed.success)
          throw new InvalidInputError(`Not a PagerDuty V3 webhook event: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`);
        body = parsed.data;
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw new InvalidInputError('The webhook body is not JSON.');
      }
      const { event } = body;
      // The signature has no timestamp: the event's own time bounds a replay, its id catches one within.
      if (Math.abs(Date.now() - Date.parse(event.occurred_at)) > EVENT_WINDOW_MS) {
        throw new UnauthorizedError('The PagerDuty event occurred more than five minutes away from now (a replay?).');
      }
      if (!replays.firstTime(`event:${event.id}`)) return c.json({ handled: false, reason: `event ${event.id} was already received` });
      // Our dedup keys start with the incident's id (deadline pages add a suffix).
      const incidentId = UUID.exec(event.data.incident_key ?? '')?.[0];
      if (event.event_type !== 'incident.acknowledged' || !incidentId) return c.json({ handled: false });
      const who = event.agent?.summary ?? 'someone';
      const ctx: ActionContext = {
        db: c.var.deps.database.db,
        actor: { kind: 'system', id: 'pagerduty', name: `${who} (PagerDuty)`, role: 'responder', permissions: permissionsOf('responder') },
        requestId: c.var.requestId,
        sourceAddress: c.var.ctx.sourceAddress,
        config: c.var.deps.config,
      };
      try {
        await handlers.acknowledgeIncident(ctx, incidentId, { via: 'pagerduty' });
      } catch (error) {
        // An incident PagerDuty knows but Firebreak no longer does (or closed) is not PagerDuty's problem to retry.
        if (error instanceof DomainError && error.status !== 503) return c.json({ handled: false, reason: error.message });
        // Our failure: PagerDuty's retry of this event must get through.
        replays.forget(`event:${event.id}`);
        throw error;
      }
      return c.json({ handled: true, incidentId });
    },
  );
}
