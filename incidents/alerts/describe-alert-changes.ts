/*
 * The one sentence that says what a delivery did to an incident's alerts ("37 alerts joined:
 * HighErrorRate on api-1…api-37"). The timeline entry, the Slack line and the incident report all
 * read the sentence this writes, so that the three say the same thing.
 */

/** An alert as the sentence names it. */
export interface ChangedAlertName {
  labels: Record<string, string>;
  fingerprint: string;
}

/** What one delivery did to one incident's alerts. */
export interface AlertChanges {
  joined: ChangedAlertName[];
  refired: ChangedAlertName[];
  resolved: ChangedAlertName[];
  /** Ended without a resolution: their source stopped refreshing them (expiry is not recovery). */
  expired: ChangedAlertName[];
}

// Labels that tell one alert of a group from the others, most telling first.
const IDENTIFYING_LABELS = ['instance', 'pod', 'host', 'node', 'container', 'service', 'job', 'endpoint', 'route'];

/** How many runs of values, and how many alertnames, a sentence lists before it counts the rest. */
const LISTED_RUNS = 4;
const LISTED_NAMES = 3;

const VERBS = { joined: 'joined', refired: 'fired again', resolved: 'resolved', expired: 'expired: the source went silent' } as const;

/** The label that tells this alert apart ("instance"), if it has one. */
function identifyingLabel(labels: Record<string, string>): string | null {
  return IDENTIFYING_LABELS.find((name) => (labels[name] ?? '') !== '') ?? null;
}

/** What tells an alert apart: "api-1:9100", or the start of its fingerprint when no label does. */
export function alertIdentity(alert: ChangedAlertName): string {
  const label = identifyingLabel(alert.labels);
  return label ? (alert.labels[label] ?? '') : alert.fingerprint.slice(0, 12);
}

// Made once: localeCompare with options builds a collator on every call, which a storm's sort pays per comparison.
const naturalOrder = new Intl.Collator('en', { numeric: true });

interface Run {
  text: string;
  size: number;
}

/**
 * Values as compact runs: "api-1…api-37" for values alike but for one number that counts up without
 * a gap; "db-1, db-3" for two; other values as they are. Values in their natural order.
 */
export function compactRuns(values: readonly string[]): Run[] {
  const distinct = [...new Set(values)];
  const skeletons = new Map<string, { parts: string[]; value: string }[]>();
  for (const value of distinct) {
    const parts = value.split(/(\d+)/);
    const skeleton = parts.map((part, index) => (index % 2 === 1 ? '#' : part)).join('');
    const members = skeletons.get(skeleton);
    if (members) members.push({ parts, value });
    else skeletons.set(skeleton, [{ parts, value }]);
  }
  const runs: { text: string; size: number; order: string }[] = [];
  for (const members of skeletons.values()) {
    const first = members[0];
    if (!first) continue;
    const varying = first.parts
      .map((_, index) => index)
      .filter((index) => index % 2 === 1 && members.some((member) => member.parts[index] !== first.parts[index]));
    const position = varying[0];
    if (varying.length !== 1 || position === undefined) {
      for (const member of members) runs.push({ text: member.value, size: 1, order: member.value });
      continue;
    }
    const sorted = [...members].sort((a, b) => Number(a.parts[position]) - Number(b.parts[position]));
    let start = 0;
    for (let index = 1; index <= sorted.length; index++) {
      const previous = sorted[index - 1];
      const current = sorted[index];
      if (current && previous && Number(current.parts[position]) === Number(previous.parts[position]) + 1) continue;
      const from = sorted[start];
      if (from && previous) {
        const size = index - start;
        if (size >= 3) runs.push({ text: `${from.value}…${previous.value}`, size, order: from.value });
        else for (const member of sorted.slice(start, index)) runs.push({ text: member.value, size: 1, order: member.value });
      }
      start = index;
    }
  }
  return runs.sort((a, b) => naturalOrder.compare(a.order, b.order)).map(({ text, size }) => ({ text, size }));
}

/** "HighErrorRate on api-1…api-37, DiskFull on db-1", and how many alerts it left unnamed. */
function nameAlerts(alerts: readonly ChangedAlertName[]): string {
  const byName = new Map<string, ChangedAlertName[]>();
  for (const alert of alerts) {
    const name = alert.labels.alertname || '';
    const members = byName.get(name);
    if (members) members.push(alert);
    else byName.set(name, [alert]);
  }
  const names = [...byName.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const said: string[] = [];
  let named = 0;
  let runsLeft = LISTED_RUNS;
  for (const [name, members] of names.slice(0, LISTED_NAMES)) {
    if (runsLeft <= 0) break;
    const runs = compactRuns(members.map(alertIdentity)).slice(0, runsLeft);
    runsLeft -= runs.length;
    named += runs.reduce((sum, run) => sum + run.size, 0);
    const identities = runs.map((run) => run.text).join(', ');
    said.push(name && identities !== name ? `${name} on ${identities}` : identities || name);
  }
  const rest = alerts.length - Math.min(named, alerts.length);
  return rest > 0 ? `${said.join(', ')} and ${rest} more` : said.join(', ');
}

/** One kind's part: "HighErrorRate on api-1 joined", or "37 alerts joined: HighErrorRate on api-1…api-37". */
function describeKind(kind: keyof AlertChanges, alerts: readonly ChangedAlertName[]): string {
  const [only] = alerts;
  if (alerts.length === 1 && only) {
    const name = only.labels.alertname || '';
    const identity = identifyingLabel(only.labels) ? alertIdentity(only) : null;
    const subject = name && identity ? `${name} on ${identity}` : name || alertIdentity(only);
    return `${subject} ${VERBS[kind]}`;
  }
  return `${alerts.length} alerts ${VERBS[kind]}: ${nameAlerts(alerts)}`;
}

/** The sentence for what a delivery did to an incident's alerts; parts for joins, re-fires, resolutions and expiries. */
export function describeAlertChanges(changes: AlertChanges): string {
  return (['joined', 'refired', 'resolved', 'expired'] as const)
    .filter((kind) => changes[kind].length > 0)
    .map((kind) => describeKind(kind, changes[kind]))
    .join('; ');
}
