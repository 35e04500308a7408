import type { Database } from '../../platform/index.ts';
import { preparedStatement } from '../../platform/index.ts';
import type { Matcher } from './matchers.ts';
import { matchesAll } from './matchers.ts';

/*
 * Inhibition as Alertmanager computes it (inhibit/inhibit.go): an alert is muted while a firing alert
 * other than itself matches a rule's source matchers, the alert matches the rule's target matchers,
 * and the two have equal values for each `equal` label (a label missing on both counts as equal, as
 * the empty string). An alert that matches both the source and the target side of a rule is not
 * muted by a source that does too, so that such alerts do not mute each other.
 */

/** A rule as matching needs it. */
export interface ActiveInhibitRule {
  id: string;
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

/** A firing alert that may inhibit others. */
export interface InhibitionSource {
  fingerprint: string;
  labels: Record<string, string>;
}

export interface Inhibition {
  rules: ActiveInhibitRule[];
  sources: InhibitionSource[];
}

/** The fingerprint of the alert that inhibits this one, or null. */
export function findInhibitor(inhibition: Inhibition | null, fingerprint: string, labels: Readonly<Record<string, string>>): string | null {
  if (!inhibition) return null;
  for (const rule of inhibition.rules) {
    if (!matchesAll(rule.targetMatchers, labels)) continue;
    const twoSided = matchesAll(rule.sourceMatchers, labels);
    for (const source of inhibition.sources) {
      if (source.fingerprint === fingerprint || !matchesAll(rule.sourceMatchers, source.labels)) continue;
      if (twoSided && matchesAll(rule.targetMatchers, source.labels)) continue;
      if (rule.equal.every((name) => (source.labels[name] ?? '') === (labels[name] ?? ''))) return source.fingerprint;
    }
  }
  return null;
}

/** Every inhibition rule. */
export async function readInhibitRules(db: Database): Promise<ActiveInhibitRule[]> {
  return (await selectRules(db)).map((row) => ({
    id: row.id,
    sourceMatchers: row.source_matchers,
    targetMatchers: row.target_matchers,
    equal: row.equal,
  }));
}

const selectRules = preparedStatement<[], { id: string; source_matchers: Matcher[]; target_matchers: Matcher[]; equal: string[] }>(
  'select id::text as id, source_matchers, target_matchers, equal from inhibit_rules',
);

/** SQL for the plain name="value" matchers of a rule's side (a jsonb column of matchers) as one object its alerts' labels hold. */
const plainMatchers = (side: string) => `(
  select coalesce(jsonb_object_agg(m ->> 'name', m ->> 'value'), '{}'::jsonb)
  from jsonb_array_elements(${side}) as m
  where not (m ->> 'isRegex')::boolean and (m ->> 'isEqual')::boolean and m ->> 'value' <> ''
)`;

// Firing alerts holding the plain name="value" matchers of some rule's source side (no index on
// labels: a filter on the firing alerts, not a seek); the rules' regex matchers are checked in JS.
// Two uncorrelated conditions are decided once, before any alert is read: that there are rules, and
// (when the alerts about to be placed are given as $2) that one of them holds the plain matchers of a
// rule's target side; otherwise no alert could be inhibited, and no source is needed. Each rule's
// matchers become one object once per statement, and each alert is tested against all of them at
// once: built again for every alert and rule, they cost six times as much (630 against 100 ms of
// backend CPU with 170,000 firing alerts and two rules; with no possible target, 0.3 ms). Issued
// beside selectRules: no round trip of its own.
const selectSourceCandidates = preparedStatement<
  [now: string, targets: string | null],
  { fingerprint: string; labels: Record<string, string> }
>(`
  select a.fingerprint, a.labels from alerts a
  where exists (select 1 from inhibit_rules)
    and ($2::text is null or exists (
      select 1 from inhibit_rules r, jsonb_array_elements($2::text::jsonb) as t(labels)
      where t.labels @> ${plainMatchers('r.target_matchers')}
    ))
    and a.status = 'firing' and (a.ends_at is null or a.ends_at > $1::text::timestamptz)
    and a.labels @> any(array(select ${plainMatchers('r.source_matchers')} from inhibit_rules r))`);

/**
 * Whether the last read in this process found rules: a hint for whether to send the alerts to place
 * (where there are no rules, their labels would be written out and sent for nothing: 37 µs of Node
 * and 20 kB for a transaction of the benchmark's 185 new alerts). Only what is read depends on it,
 * never what is decided: without the alerts, every source is read.
 */
let rulesLastRead = false;

/**
 * The rules and the alerts that fire at `now` and match a rule's source side: those stored, as this
 * transaction's deliveries leave them (`delivered`: its alerts' labels and whether they now fire).
 * Null when there are no rules. Given `toPlace`, the labels of the alerts this is read to place, the
 * stored sources are read only if one of them may be a rule's target: the others need none. Its two
 * statements go out together (one round trip).
 */
export async function readInhibition(
  db: Database,
  now: Date,
  delivered: readonly { fingerprint: string; labels: Record<string, string>; firing: boolean }[],
  toPlace?: () => readonly Readonly<Record<string, string>>[],
): Promise<Inhibition | null> {
  const targets = toPlace && rulesLastRead ? JSON.stringify(toPlace()) : null;
  const [rules, stored] = await Promise.all([readInhibitRules(db), selectSourceCandidates(db, now.toISOString(), targets)]);
  rulesLastRead = rules.length > 0;
  if (rules.length === 0) return null;
  const isSource = (labels: Record<string, string>) => rules.some((rule) => matchesAll(rule.sourceMatchers, labels));
  const sources = new Map<string, InhibitionSource>();
  for (const row of stored) if (isSource(row.labels)) sources.set(row.fingerprint, row);
  for (const alert of delivered) {
    if (alert.firing && isSource(alert.labels)) sources.set(alert.fingerprint, { fingerprint: alert.fingerprint, labels: alert.labels });
    else sources.delete(alert.fingerprint);
  }
  return { rules, sources: [...sources.values()] };
}

/** Whether this source, firing, inhibits the alert under one of the rules. */
export function inhibitsUnderRules(
  rules: ActiveInhibitRule[],
  source: InhibitionSource,
  fingerprint: string,
  labels: Readonly<Record<string, string>>,
): boolean {
  return findInhibitor({ rules, sources: [source] }, fingerprint, labels) === source.fingerprint;
}
