import type { Config, Severity } from '../platform/index.ts';

/** What the notifier knows of its configuration when it writes outbox rows. */
export interface NotifierSettings {
  slack: boolean;
  pagerduty: boolean;
  email: boolean;
  publicUrl: string;
  maxAttempts: number;
  /** The route for incidents no routing rule matches. */
  defaults: {
    slackMinSeverity: Severity;
    slackBroadcastChannel: string | null;
    pagerdutyMinSeverity: Severity;
    pagerdutyRoutingKey: string | null;
    escalationRoutingKeys: string[];
    escalateAfterSeconds: number | null;
    maxEscalations: number;
  };
}

const derived = new WeakMap<Config, NotifierSettings>();

/** The notifier's settings from the configuration, derived once per Config object. */
export function settingsFromConfig(config: Config): NotifierSettings {
  let settings = derived.get(config);
  if (!settings) {
    settings = deriveSettings(config);
    derived.set(config, settings);
  }
  return settings;
}

function deriveSettings(config: Config): NotifierSettings {
  return {
    slack: Boolean(config.SLACK_BOT_TOKEN),
    // Routing keys may come from routing rules alone; the default key is not required to page.
    pagerduty: true,
    email: Boolean(config.SMTP_URL),
    publicUrl: config.publicUrl,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    defaults: {
      slackMinSeverity: config.SLACK_MIN_SEVERITY,
      slackBroadcastChannel: config.SLACK_BROADCAST_CHANNEL ?? null,
      pagerdutyMinSeverity: config.PAGERDUTY_MIN_SEVERITY,
      pagerdutyRoutingKey: config.PAGERDUTY_ROUTING_KEY ?? null,
      escalationRoutingKeys: config.PAGERDUTY_ESCALATION_ROUTING_KEYS.split(',')
        .map((key) => key.trim())
        .filter(Boolean),
      escalateAfterSeconds: config.PAGERDUTY_ESCALATE_AFTER_SECONDS > 0 ? config.PAGERDUTY_ESCALATE_AFTER_SECONDS : null,
      maxEscalations: config.PAGERDUTY_MAX_ESCALATIONS,
    },
  };
}
