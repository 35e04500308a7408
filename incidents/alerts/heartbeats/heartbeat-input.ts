import { z } from 'zod';
import { InvalidInputError, invalidInputFromIssues, SEVERITIES } from '../../../platform/index.ts';
import type { Matcher } from '../matchers.ts';
import { matchesLabels, parseMatchers } from '../matchers.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const WEEK = 7 * 86_400;

/** Seconds of a number of seconds or a Prometheus-style duration of one unit ("90s", "5m", "1h"); NaN if neither. */
function secondsOf(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  return match ? Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1) : Number.NaN;
}

const Duration = (min: number) =>
  z.union([z.number(), z.string().max(20)]).refine(
    (value) => {
      const seconds = secondsOf(value);
      return Number.isInteger(seconds) && seconds >= min && seconds <= WEEK;
    },
    { message: `seconds (${min} to ${WEEK}) or a duration such as "90s", "5m", "1h"` },
  );

/** A heartbeat as the API and HEARTBEATS_FILE take it. */
export const HeartbeatInput = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'must be letters, digits, spaces, ".", "_" or "-"'),
  /** Alertmanager matchers of the always-firing alert: `alertname="Watchdog"`. */
  matchers: z.string().trim().min(1, 'say which alert is the heartbeat: alertname="Watchdog", for example').max(2000),
  /** Which path must carry it: alertmanager (the webhook) or prometheus (API v2); unset: either. */
  source: z.enum(['alertmanager', 'prometheus']).nullable().default(null),
  /** How often it arrives: Prometheus re-sends every --rules.alert.resend-delay (1m); Alertmanager on the route's repeat_interval. */
  interval: Duration(1),
  /** How late it may be before the pipeline counts as silent. */
  grace: Duration(0).default(60),
  severity: z.enum(SEVERITIES).default('sev2'),
});
export type HeartbeatInput = z.input<typeof HeartbeatInput>;

/** HEARTBEATS_FILE (YAML or JSON): `{ heartbeats: [HeartbeatInput, ...] }`. */
export const HeartbeatsFile = z.object({ heartbeats: z.array(HeartbeatInput).max(1000) }).strict();

/** A heartbeat ready to store: matchers parsed, durations in seconds. */
export interface HeartbeatValues {
  name: string;
  matchers: Matcher[];
  source: 'alertmanager' | 'prometheus' | null;
  intervalSeconds: number;
  graceSeconds: number;
  severity: (typeof SEVERITIES)[number];
}

/** Validates a heartbeat and turns it into stored values; bad matchers answer 400 naming them. */
export function heartbeatValues(rawInput: HeartbeatInput): HeartbeatValues {
  const parsed = HeartbeatInput.safeParse(rawInput);
  if (!parsed.success) throw invalidInputFromIssues('heartbeat', parsed.error.issues);
  const input = parsed.data;
  const matchers = parseMatchers(input.matchers);
  // As for silences: matchers that all match the empty string would take every alert for a heartbeat.
  if (matchers.length === 0 || matchers.every((matcher) => matchesLabels(matcher, {})))
    throw new InvalidInputError('matchers: at least one matcher must not match the empty string (alertname="Watchdog", for example).');
  return {
    name: input.name,
    matchers,
    source: input.source,
    intervalSeconds: secondsOf(input.interval),
    graceSeconds: secondsOf(input.grace),
    severity: input.severity,
  };
}
