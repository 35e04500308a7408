import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { IncidentSnapshot } from '../incident-change.ts';
import { routingRules } from '../schema/routing-rules.ts';
import type { RoutingRule } from '../schema/routing-rules.ts';
import { isAtLeast } from '../settings.ts';
import type { NotifierSettings } from '../settings.ts';

export interface SlackRoute {
  incidentChannel: boolean;
  invitees: string[];
  broadcastChannels: string[];
}

export interface PageRoute {
  /** The rule's id, or 'default' for the environment's route. */
  routeKey: string;
  /** Level 0 first, then the escalation levels. */
  routingKeys: string[];
  escalateAfterSeconds: number | null;
  maxEscalations: number;
}

export interface IncidentRoutes {
  slack: SlackRoute | null;
  pages: PageRoute[];
}

function matches(rule: RoutingRule, incident: IncidentSnapshot): boolean {
  if (rule.severities.length > 0 && !rule.severities.includes(incident.severity)) return false;
  if (rule.services.length > 0 && !incident.services.some((service) => rule.services.includes(service))) return false;
  return true;
}

/** Where messages about this incident go: every matching enabled rule, or the environment's defaults. */
export async function resolveRoutes(db: Database, incident: IncidentSnapshot, settings: NotifierSettings): Promise<IncidentRoutes> {
  const rules = (await db.select().from(routingRules).where(eq(routingRules.enabled, true))).filter((rule) => matches(rule, incident));
  if (rules.length === 0) return defaultRoutes(incident, settings);
  const slackRules = rules.filter((rule) => rule.slackIncidentChannel || rule.slackBroadcastChannel);
  const slack: SlackRoute | null =
    settings.slack && slackRules.length > 0
      ? {
          incidentChannel: slackRules.some((rule) => rule.slackIncidentChannel),
          invitees: [...new Set(slackRules.flatMap((rule) => rule.slackInvitees))],
          broadcastChannels: [...new Set(slackRules.flatMap((rule) => (rule.slackBroadcastChannel ? [rule.slackBroadcastChannel] : [])))],
        }
      : null;
  const pages: PageRoute[] = settings.pagerduty
    ? rules.flatMap((rule) =>
        rule.pagerdutyRoutingKey
          ? [
              {
                routeKey: rule.id,
                routingKeys: [rule.pagerdutyRoutingKey, ...rule.escalationRoutingKeys],
                escalateAfterSeconds: rule.escalateAfterSeconds,
                maxEscalations: rule.maxEscalations,
              },
            ]
          : [],
      )
    : [];
  return { slack, pages };
}

function defaultRoutes(incident: IncidentSnapshot, settings: NotifierSettings): IncidentRoutes {
  const { defaults } = settings;
  const slack =
    settings.slack && isAtLeast(incident.severity, defaults.slackMinSeverity)
      ? { incidentChannel: true, invitees: [], broadcastChannels: defaults.slackBroadcastChannel ? [defaults.slackBroadcastChannel] : [] }
      : null;
  const pages =
    settings.pagerduty && defaults.pagerdutyRoutingKey && isAtLeast(incident.severity, defaults.pagerdutyMinSeverity)
      ? [
          {
            routeKey: 'default',
            routingKeys: [defaults.pagerdutyRoutingKey, ...defaults.escalationRoutingKeys],
            escalateAfterSeconds: defaults.escalateAfterSeconds,
            maxEscalations: defaults.maxEscalations,
          },
        ]
      : [];
  return { slack, pages };
}
