import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { alertSettingsFrom, receiveAlerts } from '../../incidents/index.ts';
import type { AppEnv } from '../../platform/index.ts';
import { DomainError, jsonBody, requirePermission, validate } from '../../platform/index.ts';
import { PostableAlerts, postableAlerts } from './postable-alerts.ts';
import { WebhookPayload, webhookAlerts } from './webhook-payload.ts';

/**
 * Refuses, with 413 and before any validation, a request carrying more alerts than ALERT_MAX_PER_REQUEST.
 * Malformed JSON is left to the validator, which says so.
 */
function limitAlertCount(alertsOf: (body: unknown) => unknown): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let body: unknown;
    try {
      body = await jsonBody(c);
    } catch {
      return next();
    }
    const list = alertsOf(body);
    const max = alertSettingsFrom(c.var.ctx.config).maxAlertsPerRequest;
    if (Array.isArray(list) && list.length > max) {
      throw new DomainError(
        'too_many_alerts',
        `${list.length} alerts in one request; at most ${max} are accepted (ALERT_MAX_PER_REQUEST). Send smaller batches.`,
      );
    }
    await next();
  };
}

/** POST /ingest/alertmanager (webhook v4) and POST /api/v2/alerts (Alertmanager API v2, for Prometheus). */
export const alertmanagerRoutes = new Hono<AppEnv>()
  .post(
    '/ingest/alertmanager',
    describeRoute({
      summary: 'Alertmanager webhook_config receiver (payload version 4); answers once the alerts are stored',
      tags: ['alerts'],
    }),
    requirePermission('alerts:ingest'),
    limitAlertCount((body) => (body && typeof body === 'object' ? (body as { alerts?: unknown }).alerts : undefined)),
    validate('json', WebhookPayload),
    async (c) => {
      const payload = c.req.valid('json');
      const now = new Date();
      if (payload.truncatedAlerts > 0) {
        c.var.logger.warn(
          { groupKey: payload.groupKey, truncatedAlerts: payload.truncatedAlerts },
          'Alertmanager truncated this notification (max_alerts)',
        );
      }
      const summary = await receiveAlerts(c.var.ctx, webhookAlerts(payload, now), { groupKey: payload.groupKey, source: 'alertmanager' });
      return c.json({ ...summary, truncatedAlerts: payload.truncatedAlerts });
    },
  )
  .post(
    '/api/v2/alerts',
    describeRoute({
      summary: 'Alertmanager API v2 postAlerts, so that Prometheus can send to Firebreak directly (api_version: v2)',
      tags: ['alerts'],
    }),
    requirePermission('alerts:ingest'),
    limitAlertCount((body) => body),
    validate('json', PostableAlerts),
    async (c) => {
      const now = new Date();
      const received = postableAlerts(c.req.valid('json'), now, alertSettingsFrom(c.var.ctx.config).resolveTimeoutMs);
      return c.json(await receiveAlerts(c.var.ctx, received, { source: 'prometheus' }));
    },
  );
