import { z } from 'zod';
import { describeIssue } from '../platform/index.ts';
import { DeliveryError } from './delivery-error.ts';
import type { OutboxMessage } from './schema/outbox-messages.ts';
import { StoredSnapshot } from './stored-snapshot.ts';

// Every kind of outbox message with its payload, in one place. Messages are written through the
// typed enqueue functions (enqueueSlackSync, enqueueSlackPost, enqueuePage, enqueueMessage) and read
// back by the adapters through readMessage(), which checks them: rows outlive the code that wrote them.

/** Where a Slack sync goes: the incident channel (opened when missing), who is invited, where it is announced. */
export const SlackRoute = z.object({
  incidentChannel: z.boolean(),
  invitees: z.array(z.string()),
  broadcastChannels: z.array(z.string()),
});
export type SlackRoute = z.infer<typeof SlackRoute>;

/** slack.sync_incident: opens what is missing of the incident's Slack presence and updates the rest. */
export const SlackSyncPayload = z.object({ incident: StoredSnapshot, route: SlackRoute });
export type SlackSyncPayload = z.infer<typeof SlackSyncPayload>;

/** slack.post: a line about the incident in its channel. */
export const SlackPostPayload = z.object({
  incident: StoredSnapshot,
  text: z.string(),
  /** Block Kit blocks, loosely typed: Slack validates them. */
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  /** Also post in the broadcast channels (not only the incident channel). */
  broadcast: z.boolean(),
});
export type SlackPostPayload = z.infer<typeof SlackPostPayload>;

/** slack.message: a message to one Slack conversation that is not an incident's: a person (DM) or a named channel. */
export const SlackMessagePayload = z.object({
  /** A user id (U…: a direct message from the app), a channel id, or "#name". */
  channel: z.string().min(1).max(200),
  text: z.string().min(1).max(40_000),
  blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
});
export type SlackMessagePayload = z.infer<typeof SlackMessagePayload>;

export const PAGE_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number];

/** pagerduty.trigger, .acknowledge, .resolve: one Events API v2 event. */
export const PagerDutyEvent = z.object({
  routingKey: z.string(),
  action: z.enum(PAGE_ACTIONS),
  dedupKey: z.string(),
  summary: z.string(),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  component: z.string().nullable(),
  customDetails: z.record(z.string(), z.unknown()),
  link: z.string(),
});
export type PagerDutyEvent = z.infer<typeof PagerDutyEvent>;

/** email: one e-mail (breach notices and other mail). */
export const EmailPayload = z.object({
  to: z.union([z.email(), z.array(z.email()).min(1).max(100)]),
  subject: z.string().trim().min(1).max(500),
  text: z.string().min(1).max(200_000),
  html: z.string().max(500_000).optional(),
  replyTo: z.email().optional(),
});
export type EmailPayload = z.infer<typeof EmailPayload>;

export const SlackMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack.sync_incident'), payload: SlackSyncPayload }),
  z.object({ kind: z.literal('slack.post'), payload: SlackPostPayload }),
  z.object({ kind: z.literal('slack.message'), payload: SlackMessagePayload }),
]);
export type SlackMessage = z.infer<typeof SlackMessage>;

export const PagerDutyMessage = z.object({
  kind: z.enum(['pagerduty.trigger', 'pagerduty.acknowledge', 'pagerduty.resolve']),
  payload: PagerDutyEvent,
});
export type PagerDutyMessage = z.infer<typeof PagerDutyMessage>;

export const EmailMessage = z.object({ kind: z.literal('email'), payload: EmailPayload });
export type EmailMessage = z.infer<typeof EmailMessage>;

/** What may be written to the outbox: a channel, one of its kinds, and that kind's payload. */
export type OutboxContent =
  | ({ channel: 'slack' } & SlackMessage)
  | ({ channel: 'pagerduty' } & PagerDutyMessage)
  | ({ channel: 'email' } & EmailMessage);

/**
 * A stored message's kind and payload, checked against its channel's schema. One that fails (a kind
 * this channel does not have, a payload of another shape) will not get better by retrying: the
 * DeliveryError marks it dead, with the reason.
 */
export function readMessage<Message>(schema: z.ZodType<Message>, message: Pick<OutboxMessage, 'channel' | 'kind' | 'payload'>): Message {
  const parsed = schema.safeParse({ kind: message.kind, payload: message.payload });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map(describeIssue).join('; ');
  throw new DeliveryError(`unreadable ${message.channel} message (kind ${message.kind}): ${issues}`, false);
}
