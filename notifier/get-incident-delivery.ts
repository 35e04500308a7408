import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Config, Database } from '../platform/index.ts';
import { pagerdutyOrderingKey } from './pagerduty/enqueue-page.ts';
import { incidentEscalations } from './schema/incident-escalations.ts';
import { incidentPages } from './schema/incident-pages.ts';
import type { OutboxChannel, OutboxStatus } from './schema/outbox-messages.ts';
import { outboxMessages } from './schema/outbox-messages.ts';
import { routingRules } from './schema/routing-rules.ts';
import { slackIncidentChannels } from './schema/slack-incident-channels.ts';
import { slackOrderingKey } from './slack/enqueue-slack.ts';

/** Which outside channels can tell anyone about an incident. */
export interface DeliveryChannels {
  slack: boolean;
  /** A default routing key, or an enabled routing rule with one. */
  pagerduty: boolean;
  email: boolean;
}

/** Which channels are configured: Slack and e-mail by the environment, paging by it or by a routing rule. */
export async function getDeliveryChannels(db: Database, config: Config): Promise<DeliveryChannels> {
  const slack = Boolean(config.SLACK_BOT_TOKEN);
  const email = Boolean(config.SMTP_URL);
  if (config.PAGERDUTY_ROUTING_KEY) return { slack, pagerduty: true, email };
  const rules = await db
    .select({ id: routingRules.id })
    .from(routingRules)
    .where(and(eq(routingRules.enabled, true), isNotNull(routingRules.pagerdutyRoutingKey)))
    .limit(1);
  return { slack, pagerduty: rules.length > 0, email };
}

/** One message the outbox holds for an incident, as a person reads it. */
export interface DeliveredMessage {
  id: string;
  channel: OutboxChannel;
  kind: string;
  /** The line posted, or the page's summary, when the payload has one. */
  text: string | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface IncidentDelivery {
  channels: DeliveryChannels;
  slackChannel: { id: string; name: string | null } | null;
  pages: { routingKey: string; triggeredAt: Date; resolvedAt: Date | null }[];
  /** The escalation that went furthest: level 1 is the first routing key. */
  escalation: { level: number; levels: number; escalations: number; stopped: boolean } | null;
  /** The newest messages first. */
  messages: DeliveredMessage[];
  /** Messages that failed their last attempt or gave up, among all of the incident's. */
  failing: number;
}

function messageText(payload: Record<string, unknown>): string | null {
  if (typeof payload.text === 'string') return payload.text;
  if (typeof payload.summary === 'string') return payload.summary;
  return null;
}

/** Routing keys are secrets of a sort: show their end only. */
export function maskRoutingKey(key: string): string {
  return key.length <= 6 ? '…' : `…${key.slice(-4)}`;
}

/** Who an incident reaches: its Slack channel, its pages and escalation, and the outbox's latest messages about it. */
export async function getIncidentDelivery(db: Database, config: Config, incidentId: string, limit = 8): Promise<IncidentDelivery> {
  const keys = [slackOrderingKey(incidentId), pagerdutyOrderingKey(incidentId)];
  const [channels, [channel], pages, escalations, messages, [failing]] = await Promise.all([
    getDeliveryChannels(db, config),
    db.select().from(slackIncidentChannels).where(eq(slackIncidentChannels.incidentId, incidentId)),
    db.select().from(incidentPages).where(eq(incidentPages.incidentId, incidentId)).orderBy(incidentPages.triggeredAt),
    db.select().from(incidentEscalations).where(eq(incidentEscalations.incidentId, incidentId)),
    db
      .select()
      .from(outboxMessages)
      .where(inArray(outboxMessages.orderingKey, keys))
      .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.sequence))
      .limit(limit),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(outboxMessages)
      .where(and(inArray(outboxMessages.orderingKey, keys), inArray(outboxMessages.status, ['failed', 'dead']))),
  ]);
  const furthest = escalations.sort((a, b) => b.level - a.level || b.escalations - a.escalations)[0];
  return {
    channels,
    slackChannel: channel?.channelId ? { id: channel.channelId, name: channel.channelName } : null,
    pages: pages.map((page) => ({
      routingKey: maskRoutingKey(page.routingKey),
      triggeredAt: page.triggeredAt,
      resolvedAt: page.resolvedAt,
    })),
    escalation: furthest
      ? {
          level: furthest.level + 1,
          levels: furthest.routingKeys.length,
          escalations: furthest.escalations,
          stopped: furthest.stopped,
        }
      : null,
    messages: messages.map((message) => ({
      id: message.id,
      channel: message.channel,
      kind: message.kind,
      text: messageText(message.payload),
      status: message.status,
      attempts: message.attempts,
      lastError: message.lastError,
      createdAt: message.createdAt,
      deliveredAt: message.deliveredAt,
      nextAttemptAt: message.status === 'pending' || message.status === 'failed' ? message.nextAttemptAt : null,
    })),
    failing: Number(failing?.count ?? 0),
  };
}
