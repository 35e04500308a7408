import type { Database } from '../../platform/index.ts';
import { isAtLeast, preparedStatement } from '../../platform/index.ts';
import type { IncidentSnapshot } from '../incident-change.ts';
import type { SlackRoute } from '../outbox-payloads.ts';
import type { RoutingRule } from '../schema/routing-rules.ts';
import type { NotifierSettings } from '../settings.ts';

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

/** What routing reads of a rule. */
type Rule = Pick<
  RoutingRule,
  | 'id'
  | 'severities'
  | 'services'
  | 'slackIncidentChannel'
  | 'slackInvitees'
  | 'slackBroadcastChannel'
  | 'pagerdutyRoutingKey'
  | 'escalationRoutingKeys'
  | 'escalateAfterSeconds'
  | 'maxEscalations'
>;

// Read for every incident change: a prepared statement (lists as JSON, which both drivers read alike).
const selectEnabledRules = preparedStatement<[], Rule>(`
  select id::text as id, to_jsonb(severities) as "severities", to_jsonb(services) as "services", slack_incident_channel as "slackIncidentChannel",
    to_jsonb(slack_invitees) as "slackInvitees", slack_broadcast_channel as "slackBroadcastChannel", pagerduty_routing_key as "pagerdutyRoutingKey",
    to_jsonb(escalation_routing_keys) as "escalationRoutingKeys", escalate_after_seconds as "escalateAfterSeconds", max_escalations as "maxEscalations"
  from routing_rules where enabled order by created_at, id`);

function matches(rule: Rule, incident: IncidentSnapshot): boolean {
  if (rule.severities.length > 0 && !rule.severities.includes(incident.severity)) return false;
  if (rule.services.length > 0 && !incident.services.some((service) => rule.services.includes(service))) return false;
  return true;
}

/** Where messages about this incident go: every matching enabled rule, or the environment's defaults. */
export async function resolveRoutes(db: Database, incident: IncidentSnapshot, settings: NotifierSettings): Promise<IncidentRoutes> {
  const rules = (await selectEnabledRules(db)).filter((rule) => matches(rule, incident));
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
