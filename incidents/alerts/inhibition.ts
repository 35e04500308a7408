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

// Firing alerts holding the plain name="value" matchers of some rule's source side (no index on
// labels: a filter on the firing alerts, not a seek); the rules' regex matchers are checked in JS.
// With no rules the first (uncorrelated) condition is false once for all, and no alert is read.
// Each rule's matchers become one object once per statement, and each alert is tested against all
// of them at once: built again for every alert and rule, they cost four times as much (650 against
// 160 ms with 122,000 firing alerts and two rules). Issued beside selectRules: no round trip of its own.
const selectSourceCandidates = preparedStatement<[now: string], { fingerprint: string; labels: Record<string, string> }>(`
  select a.fingerprint, a.labels from alerts a
  where exists (select 1 from inhibit_rules)
    and a.status = 'firing' and (a.ends_at is null or a.ends_at > $1::text::timestamptz)
    and a.labels @> any(array(
      select (
        select coalesce(jsonb_object_agg(m ->> 'name', m ->> 'value'), '{}'::jsonb)
        from jsonb_array_elements(r.source_matchers) as m
        where not (m ->> 'isRegex')::boolean and (m ->> 'isEqual')::boolean and m ->> 'value' <> ''
      )
      from inhibit_rules r
    ))`);

/**
 * The rules and the alerts that fire at `now` and match a rule's source side: those stored, as this
 * transaction's deliveries leave them (`delivered`: its alerts' labels and whether they now fire).
 * Null when there are no rules. Its two statements go out together (one round trip).
 */
export async function readInhibition(
  db: Database,
  now: Date,
  delivered: readonly { fingerprint: string; labels: Record<string, string>; firing: boolean }[],
): Promise<Inhibition | null> {
  const [rules, stored] = await Promise.all([readInhibitRules(db), selectSourceCandidates(db, now.toISOString())]);
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
