import { z } from 'zod';
import { SEVERITIES } from '../../platform/index.ts';

const SEVERITY = z.enum(SEVERITIES);
const SlackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U024BE7LH');
const SlackChannel = z
  .string()
  .regex(/^(#?[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]+)$/, 'must be a Slack channel name (#incidents) or id (C024BE91L)');
const RoutingKey = z.string().regex(/^[A-Za-z0-9]{20,64}$/, 'must be a PagerDuty Events API v2 integration key (32 characters)');

export const RoutingRuleInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean().default(true),
    /** Empty: every severity. */
    severities: z.array(SEVERITY).max(4).default([]),
    /** Empty: every service. */
    services: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
    slackIncidentChannel: z.boolean().default(true),
    slackInvitees: z.array(SlackUserId).max(100).default([]),
    slackBroadcastChannel: SlackChannel.nullable().default(null),
    pagerdutyRoutingKey: RoutingKey.nullable().default(null),
    escalationRoutingKeys: z.array(RoutingKey).max(10).default([]),
    escalateAfterSeconds: z
      .number()
      .int()
      .min(30)
      .max(7 * 24 * 3600)
      .nullable()
      .default(null),
    maxEscalations: z.number().int().min(0).max(20).default(0),
  })
  .refine((rule) => rule.pagerdutyRoutingKey !== null || rule.escalationRoutingKeys.length === 0, {
    message: 'escalation routing keys need a first-level pagerdutyRoutingKey',
    path: ['escalationRoutingKeys'],
  })
  .refine((rule) => rule.maxEscalations === 0 || rule.escalateAfterSeconds !== null, {
    message: 'maxEscalations needs escalateAfterSeconds',
    path: ['escalateAfterSeconds'],
  });
export type RoutingRuleInput = z.infer<typeof RoutingRuleInput>;
